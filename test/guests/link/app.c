/* Calls into libmath.so: a function, a data symbol (GOT.mem) and a function pointer (GOT.func). */
extern int counter;
extern int (*pick(int))(int);

__attribute__((export_name("run"))) int run(int n) {
  int (*f)(int) = pick(1);
  counter += 1;
  return f(n) * 2;
}
