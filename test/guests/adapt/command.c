// A C command against wasi-libc: `main` gets argc/argv, writes to stdout
// and stderr, reads files (from a preopened directory) named on its
// command line, and ends with `return` or `exit`:
//   --exit=N    exit(N) at once (stdio is flushed by exit)
//   --return=N  return N from main after the other arguments
//   anything else is a file to print, with its line and byte counts.
// The status is the number of files that could not be read, unless a
// --return says otherwise; stderr gets the count.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int print_file(const char *name) {
  FILE *file = fopen(name, "r");
  if (file == NULL) {
    fprintf(stderr, "%s: %s\n", name, strerror(errno));
    return 1;
  }
  size_t bytes = 0;
  unsigned lines = 0;
  char chunk[100];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, file)) > 0) {
    fwrite(chunk, 1, n, stdout);
    for (size_t i = 0; i < n; i++) lines += chunk[i] == '\n';
    bytes += n;
  }
  fclose(file);
  printf("-- %s: %u lines, %zu bytes\n", name, lines, bytes);
  return 0;
}

int main(int argc, char **argv) {
  const char *who = getenv("ADAPT_USER");
  printf("argc=%d user=%s\n", argc, who != NULL ? who : "(unset)");
  for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
  int files = 0;
  int failures = 0;
  int status = -1;
  for (int i = 1; i < argc; i++) {
    if (strncmp(argv[i], "--exit=", 7) == 0) {
      int code = atoi(argv[i] + 7);
      fprintf(stderr, "exiting with %d\n", code);
      exit(code);
    }
    if (strncmp(argv[i], "--return=", 9) == 0) {
      status = atoi(argv[i] + 9);
      continue;
    }
    files++;
    failures += print_file(argv[i]);
  }
  fprintf(stderr, "%d of %d files failed\n", failures, files);
  return status >= 0 ? status : failures;
}
