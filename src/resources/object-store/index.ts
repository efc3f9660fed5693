/**
 * The object store resource: pick an implementation from a storage URL.
 *
 *   file:///abs/path, file://relative/path, or a plain path → LocalObjectStore
 *   s3://bucket[/prefix]                                   → S3ObjectStore
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ObjectStoreError } from "./errors";
import { LocalObjectStore } from "./local";
import { S3ObjectStore } from "./s3";
import type { ObjectStore } from "./types";

export * from "./errors";
export * from "./keys";
export * from "./types";
export { LocalObjectStore, type LocalObjectStoreOptions } from "./local";
export { S3ObjectStore, type S3ObjectStoreOptions } from "./s3";

export interface S3ConnectionOptions {
  /** e.g. "http://127.0.0.1:9000" for MinIO; unset for AWS. */
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
  /** Both or neither; when unset the standard AWS credential chain is used. */
  accessKeyId?: string;
  secretAccessKey?: string;
}

export interface CreateObjectStoreOptions {
  s3?: S3ConnectionOptions;
}

export const SUPPORTED_STORAGE_SCHEMES = ["file://", "s3://"] as const;

/** S3 bucket naming rules (3–63 lowercase letters, digits, dots, hyphens; starts and ends alphanumeric). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const URL_SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

export function createObjectStore(url: string, opts: CreateObjectStoreOptions = {}): ObjectStore {
  const scheme = URL_SCHEME.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    if (url.trim() === "") throw storageUrlError(url, "the storage URL is empty");
    return new LocalObjectStore(resolve(url));
  }
  if (scheme === "file") return new LocalObjectStore(localRootOf(url));
  if (scheme === "s3") return createS3Store(url, opts.s3 ?? {});
  throw storageUrlError(url, `unsupported scheme "${scheme}://"`);
}

/** file:///abs is a proper file URL; file://relative/path is read as a path relative to the current directory. */
function localRootOf(url: string): string {
  const rest = url.slice("file://".length);
  if (rest === "") throw storageUrlError(url, "file:// needs a folder, e.g. file://.materia/lake or file:///srv/lake");
  return rest.startsWith("/") ? fileURLToPath(url) : resolve(decodeURIComponent(rest));
}

function createS3Store(url: string, s3: S3ConnectionOptions): S3ObjectStore {
  const rest = url.slice("s3://".length);
  const slash = rest.indexOf("/");
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const prefix = slash === -1 ? "" : rest.slice(slash + 1).replace(/\/+$/, "");
  if (!BUCKET_NAME.test(bucket)) {
    throw storageUrlError(url, `"${bucket}" is not a valid bucket name (3-63 lowercase letters, digits, '.' or '-')`);
  }
  if ((s3.accessKeyId === undefined) !== (s3.secretAccessKey === undefined)) {
    throw new ObjectStoreError("S3 credentials need both an access key id and a secret access key", {
      code: "S3_CREDENTIALS",
      hint: "Set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither to use the standard AWS credential chain.",
    });
  }
  return new S3ObjectStore({
    bucket,
    prefix,
    ...(s3.region !== undefined ? { region: s3.region } : {}),
    ...(s3.endpoint !== undefined ? { endpoint: s3.endpoint } : {}),
    ...(s3.forcePathStyle !== undefined ? { forcePathStyle: s3.forcePathStyle } : {}),
    ...(s3.accessKeyId !== undefined && s3.secretAccessKey !== undefined
      ? { credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } }
      : {}),
  });
}

function storageUrlError(url: string, reason: string): ObjectStoreError {
  // Only the scheme and path are echoed: a mistyped URL could carry credentials.
  return new ObjectStoreError(`Invalid storage URL ${JSON.stringify(redactUserInfo(url))}: ${reason}`, {
    code: "UNSUPPORTED_STORAGE_URL",
    hint: `Supported: ${SUPPORTED_STORAGE_SCHEMES.join(", ")} (e.g. file://.materia/lake, s3://my-bucket/lake) or a plain folder path. Set MATERIA_STORAGE_URL.`,
  });
}

function redactUserInfo(url: string): string {
  return url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/@]*@/, "$1***@");
}
