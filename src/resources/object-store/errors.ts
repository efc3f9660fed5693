/**
 * Typed object-store errors. Each says what went wrong and, in `hint`, what
 * to do; none ever carries credentials.
 */
import { MateriaError, type ErrorOptions } from "../../core/errors";

/** Any object-store failure. `code` is stable, e.g. "S3_ACCESS_DENIED". */
export class ObjectStoreError extends MateriaError {
  constructor(message: string, options: ErrorOptions & { code?: string } = {}) {
    super(options.code ?? "OBJECT_STORE", message, options);
  }
}

/** A key breaks the key rules in keys.ts. Raised before any I/O. */
export class InvalidObjectKeyError extends ObjectStoreError {
  readonly key: string;

  constructor(key: string, reason: string) {
    super(`Invalid object key ${JSON.stringify(key)}: ${reason}`, {
      code: "INVALID_OBJECT_KEY",
      hint:
        "Keys are '/'-separated segments of A-Z a-z 0-9 . _ = - and %XX escapes; " +
        "escape other characters with encodeKeySegment(), e.g. encodeKeySegment(\"2025-10|ES\") is \"2025-10%7CES\".",
    });
    this.key = key;
  }
}

/** getBytes / getStream / getToFile / localPath on a key that does not exist. */
export class ObjectNotFoundError extends ObjectStoreError {
  readonly key: string;

  constructor(key: string, where: string, options: ErrorOptions = {}) {
    super(`Object ${JSON.stringify(key)} not found in ${where}`, {
      code: "OBJECT_NOT_FOUND",
      hint: options.hint ?? "Check the key (list the prefix to see what exists), or materialize the asset that writes it.",
      cause: options.cause,
    });
    this.key = key;
  }
}

const OUTAGE_HINT =
  "Steps ride out an outage on their own for MATERIA_INFRA_RETRY_SECONDS (default 15 minutes). If it lasts, check that the S3 server is " +
  "running and reachable from this machine (`docker compose up -d minio` for the production stack) and that MATERIA_S3_ENDPOINT is right, " +
  "or set MATERIA_STORAGE_URL to a file:// URL to use a local folder.";

/** The store's server cannot be reached (connection refused, timeout, DNS). Transient: steps wait for it. */
export class StoreUnreachableError extends ObjectStoreError {
  readonly endpoint: string;

  constructor(endpoint: string, reason: string, options: ErrorOptions = {}) {
    super(`Object store unreachable at ${endpoint} (${reason}).`, { code: "STORE_UNREACHABLE", hint: options.hint ?? OUTAGE_HINT, cause: options.cause });
    this.endpoint = endpoint;
  }
}

/** The store answered but could not serve: a 5xx, throttling (503 SlowDown, 429), or a reset connection. Transient. */
export class StoreUnavailableError extends ObjectStoreError {
  readonly endpoint: string;

  constructor(endpoint: string, reason: string, options: ErrorOptions = {}) {
    super(`Object store at ${endpoint} is failing or throttling requests (${reason}).`, { code: "STORE_UNAVAILABLE", hint: options.hint ?? OUTAGE_HINT, cause: options.cause });
    this.endpoint = endpoint;
  }
}

/** True for store outages worth waiting out (not for a missing key, denied access or a bad bucket). */
export function isStoreOutage(error: unknown): boolean {
  return error instanceof StoreUnreachableError || error instanceof StoreUnavailableError;
}
