/* Finds add_base in the dl-openable libmath.so with dlopen/dlsym. */
extern void *dlopen(const char *, int);
extern void *dlsym(void *, const char *);

__attribute__((export_name("run"))) int run(int n) {
  void *h = dlopen("libmath.so", 2);
  if (!h) return -1;
  int (*f)(int) = (int (*)(int))dlsym(h, "add_base");
  if (!f) return -2;
  if (dlsym(h, "nope")) return -3;
  return f(n);
}
