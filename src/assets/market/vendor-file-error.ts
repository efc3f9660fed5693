import { MateriaError } from "../../core";

/** The month's vendor file cannot be read as an `ohlcv-1m` export at all (wrong header, broken compression, no rows). */
export class VendorFileError extends MateriaError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super("VENDOR_FILE", message, {
      hint: options.hint ?? "Ask the vendor to re-deliver the file; the landing file is left as it is and nothing downstream is published.",
      cause: options.cause,
    });
  }
}
