/**
 * Why components cannot be composed: the message says what, naming the
 * import or component concerned. For `compose`, `path` is the key of the
 * composition (as a config file spells it, e.g.
 * `instances.main.arguments.test:x/leaf`) the error is about; the message
 * starts with it.
 */
export class ComposeError extends Error {
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super(path === undefined ? message : `${path}: ${message}`);
    this.name = "ComposeError";
  }
}
