/** Typed failures of the TTB landing area: they name the file and what to do. */
import { MateriaError, NonRetryableError } from "materia";

/** The landing area holds no usable extract for the month; retrying cannot help. */
export class TtbLandingError extends NonRetryableError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, { ...options, code: "TTB_LANDING" });
    this.name = "TtbLandingError";
  }
}

/** A bad argument to the generator (a month that is not YYYY-MM, a reversed range). */
export class TtbUsageError extends MateriaError {
  constructor(message: string, options?: { hint?: string }) {
    super("USAGE", message, options);
    this.name = "TtbUsageError";
  }
}
