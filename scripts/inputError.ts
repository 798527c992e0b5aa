/**
 * Bad input from the user (usage, spec, inventory): the CLI prints the
 * message and exits with status 2 before anything is written.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}
