import { NonRetryableError } from "materia";

/** The month's vendor file cannot be read as an `ohlcv-1m` export at all (wrong header, broken compression, no rows); retrying cannot help. */
export class VendorFileError extends NonRetryableError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, {
      code: "VENDOR_FILE",
      hint: options.hint ?? "Ask the vendor to re-deliver the file; the landing file is left as it is and nothing downstream is published.",
      cause: options.cause,
    });
  }
}
