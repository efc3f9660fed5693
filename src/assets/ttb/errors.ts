/** Typed failures of the TTB landing area: they name the file and what to do. */
import { MateriaError } from "../../core";

export class TtbLandingError extends MateriaError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super("TTB_LANDING", message, options);
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
