/**
 * Turn AWS SDK errors into typed object-store errors with hints. SDK errors
 * carry status, S3 error code and request ids, never the secret key, and we
 * only copy their names and messages.
 */
import { types } from "node:util";
import { ObjectNotFoundError, ObjectStoreError, StoreUnavailableError, StoreUnreachableError } from "./errors";

export interface S3ErrorContext {
  operation: string;
  /** The store's key (without the store prefix), when the operation has one. */
  key?: string;
  /** Endpoint and bucket as shown to users (no credentials). */
  endpoint: string;
  bucket: string;
  description: string;
}

/**
 * Node socket errors that mean "the server is not there" rather than "the
 * server said no". Not ECONNRESET/EPIPE: a reachable server resets
 * connections too, and telling the user to start MinIO would mislead.
 */
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
const NOT_FOUND = new Set(["NoSuchKey", "NotFound"]);
/** Answers of a server that is there but cannot serve now: wait and try again. */
const UNAVAILABLE = new Set(["SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "Throttling", "ThrottlingException", "RequestLimitExceeded", "XMinioServerNotInitialized"]);
/** A connection that broke mid-request: worth retrying, though the server is reachable. */
const BROKEN_CONNECTION_CODES = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED"]);
const ACCESS_DENIED = new Set(["AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken", "Forbidden"]);

interface SdkErrorShape {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  errors?: unknown[];
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
}

export function isS3NotFound(error: unknown): boolean {
  const shape = error as SdkErrorShape | undefined;
  return NOT_FOUND.has(shape?.name ?? "") || (shape?.$metadata?.httpStatusCode === 404 && shape.name !== "NoSuchBucket");
}

export function translateS3Error(error: unknown, context: S3ErrorContext): Error {
  if (error instanceof ObjectStoreError) return error;
  const shape = (error ?? {}) as SdkErrorShape;
  const name = shape.name ?? shape.Code ?? "Error";
  const what = `${context.operation}${context.key === undefined ? "" : ` ${JSON.stringify(context.key)}`}`;

  const unreachable = unreachableReason(error);
  if (unreachable !== undefined) return new StoreUnreachableError(context.endpoint, unreachable, { cause: error });
  if (isS3NotFound(error) && context.key !== undefined) return new ObjectNotFoundError(context.key, context.description, { cause: error });
  const unavailable = unavailableReason(shape, name);
  if (unavailable !== undefined) return new StoreUnavailableError(context.endpoint, `${what}: ${unavailable}`, { cause: error });
  if (name === "NoSuchBucket") {
    return new ObjectStoreError(`Bucket "${context.bucket}" does not exist at ${context.endpoint} (${what})`, {
      code: "S3_NO_SUCH_BUCKET",
      hint: "Create the bucket (the embedded MinIO creates its bucket on start) or fix the bucket in MATERIA_STORAGE_URL.",
      cause: error,
    });
  }
  if (ACCESS_DENIED.has(name) || shape.$metadata?.httpStatusCode === 403) {
    return new ObjectStoreError(`Access denied by ${context.endpoint} to bucket "${context.bucket}" (${what}): ${name}`, {
      code: "S3_ACCESS_DENIED",
      hint: "Check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or the configured S3 credentials) and the bucket policy.",
      cause: error,
    });
  }
  if (name === "CredentialsProviderError") {
    return new ObjectStoreError(`No S3 credentials found for ${context.endpoint} (${what})`, {
      code: "S3_CREDENTIALS",
      hint: "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or an AWS profile) for the S3 store.",
      cause: error,
    });
  }
  // Not from S3 at all (the caller's stream failed, the local disk is full): pass it through untouched.
  if (shape.$metadata === undefined && types.isNativeError(error)) return error;
  return new ObjectStoreError(`S3 ${what} failed at ${context.endpoint}, bucket "${context.bucket}": ${name}: ${shape.message ?? "unknown error"}`, {
    code: "S3_REQUEST_FAILED",
    cause: error,
  });
}

/** A short reason when the server answered 5xx / throttled, or the connection broke mid-request. */
function unavailableReason(shape: SdkErrorShape, name: string): string | undefined {
  const status = shape.$metadata?.httpStatusCode;
  if (UNAVAILABLE.has(name)) return status === undefined ? name : `${name}, HTTP ${status}`;
  if (status !== undefined && (status >= 500 || status === 429)) return `HTTP ${status} ${name}`;
  if (shape.code !== undefined && BROKEN_CONNECTION_CODES.has(shape.code)) return shape.code;
  if (/socket hang up/i.test(shape.message ?? "")) return "socket hang up";
  return undefined;
}

/** A short reason when `error` (or anything it wraps) is a connection failure or timeout. */
function unreachableReason(error: unknown, depth = 0): string | undefined {
  if (typeof error !== "object" || error === null || depth > 4) return undefined;
  const shape = error as SdkErrorShape;
  if (shape.code !== undefined && UNREACHABLE_CODES.has(shape.code)) return shape.code;
  if (shape.name === "TimeoutError") return "connection timed out";
  // The SDK's retry layer flattens errors it does not see as `Error` (e.g. one
  // from another VM realm, as under Jest) into "AWS SDK error wrapper for …",
  // keeping only the message: recognise the code there too.
  const inMessage = (shape.message ?? "").match(/\bE[A-Z_]+\b/g)?.find((code) => UNREACHABLE_CODES.has(code));
  if (inMessage !== undefined) return inMessage;
  // Node reports a failed multi-address connect (e.g. IPv4 and IPv6) as an AggregateError.
  for (const inner of shape.errors ?? []) {
    const reason = unreachableReason(inner, depth + 1);
    if (reason !== undefined) return reason;
  }
  return unreachableReason(shape.cause, depth + 1);
}
