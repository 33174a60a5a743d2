/* A shared library with a constructor, data that needs relocating, and a function handed out by pointer. */
static int base = 100;
int counter = 0;

__attribute__((constructor)) static void init(void) { counter = 5; }

int add_base(int x) { return x + base + counter; }

int (*pick(int which))(int) { return which ? add_base : 0; }
