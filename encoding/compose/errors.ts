/** Why components cannot be composed: the message says what, naming the import or component concerned. */
export class ComposeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ComposeError";
  }
}
