/**
 * Standard output closed by its reader (`witx-bindgen json … | head`): the
 * reader has what it wanted, so the command ends quietly with status 0
 * rather than with Node.js's stack trace of an unhandled `EPIPE`.
 */

/** Whether `e` is the error of a write to a pipe whose reader has gone. */
export function isClosedPipe(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | undefined)?.code === "EPIPE";
}

/**
 * Makes `process.stdout`, whenever it is first made, end the process quietly
 * on a closed pipe. `process.stdout` stays lazy: making it for a pipe loads
 * Node.js's stream and net modules, which a short command spares.
 */
export function quietOnClosedStdout(): void {
  const original = Object.getOwnPropertyDescriptor(process, "stdout");
  if (!original?.get || !original.configurable) return;
  const makeStdout = original.get;
  Object.defineProperty(process, "stdout", {
    configurable: true,
    enumerable: original.enumerable,
    get(): NodeJS.WriteStream {
      const stream = makeStdout.call(process) as NodeJS.WriteStream;
      Object.defineProperty(process, "stdout", { configurable: true, enumerable: original.enumerable, value: stream });
      stream.on("error", (e: unknown) => {
        if (isClosedPipe(e)) process.exit(0);
        throw e;
      });
      return stream;
    },
  });
}
