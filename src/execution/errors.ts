/** Errors raised while executing a step. */
import { MateriaError } from "../core";

/** An input partition the step needs has never been published (or a source partition does not exist). */
export class MissingInputError extends MateriaError {
  constructor(message: string, hint: string) {
    super("MISSING_INPUT", message, { hint });
  }
}
