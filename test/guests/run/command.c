// A command for `witx-bindgen run`: prints its arguments, an environment
// variable, what it reads from stdin and the preopened file
// /data/input.txt, then exits with status 3
// through `wasi:cli/exit`'s `exit-with-code` (libc's `exit(3)` would reach
// the host as `exit(err)`, status 1, through the preview1 adapter).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

__attribute__((import_module("wasi:cli/exit@0.2.12"), import_name("exit-with-code"))) void
exit_with_code(uint8_t code);

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) printf("arg %d: %s\n", i, argv[i]);
  const char *user = getenv("RUN_USER");
  printf("user: %s\n", user ? user : "(unset)");
  char line[128];
  while (fgets(line, sizeof line, stdin) != NULL) printf("stdin: %s", line);
  FILE *f = fopen("/data/input.txt", "r");
  if (f == NULL) {
    fprintf(stderr, "cannot open /data/input.txt\n");
    return 1;
  }
  char buf[256];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, stdout);
  fclose(f);
  fflush(stdout);
  exit_with_code(3);
  return 0;
}
