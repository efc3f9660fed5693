/**
 * The object store: where materia keeps Parquet data and catalog manifests.
 * Two implementations pass one contract suite (tests/support/object-store-contract.ts):
 * `LocalObjectStore` (a folder, the default) and `S3ObjectStore` (S3 or MinIO).
 *
 * Keys are `/`-separated and validated by `validateObjectKey` (see keys.ts);
 * every method rejects a bad key with `InvalidObjectKeyError` before any I/O.
 */
import type { Readable } from "node:stream";

export interface ObjectInfo {
  key: string;
  /** Size in bytes. */
  size: number;
  /**
   * Opaque content fingerprint: it changes when the content changes, and two
   * uploads of the same bytes through the same method get the same etag.
   * Sensors compare it to notice a re-delivered file.
   */
  etag?: string;
  lastModified?: Date;
}

export interface PutOptions {
  /** MIME type recorded with the object on S3; the local store ignores it. */
  contentType?: string;
}

export interface ObjectStore {
  /** Where the store points, e.g. "file:///abs/path" or "s3://bucket/prefix (endpoint …)". Never holds credentials. */
  readonly description: string;

  /** Upload a local file (multipart on S3 for large files). */
  putFile(key: string, localPath: string, opts?: PutOptions): Promise<ObjectInfo>;
  /**
   * Store a local file the caller is done with (a step's staged output): the
   * local store moves it into place with one rename when it is on the same
   * filesystem (no copy, no read); S3 uploads it. Afterwards the local file
   * may be gone.
   */
  adoptFile(key: string, localPath: string, opts?: PutOptions): Promise<void>;
  /** Upload a stream of unknown length. If the stream errors, the previous object (if any) stays. */
  putStream(key: string, stream: Readable, opts?: PutOptions): Promise<ObjectInfo>;
  putBytes(key: string, data: Uint8Array | string, opts?: PutOptions): Promise<ObjectInfo>;

  /** Download to a local file atomically (temp file + rename); creates parent folders. */
  getToFile(key: string, localPath: string): Promise<void>;
  getStream(key: string): Promise<Readable>;
  getBytes(key: string): Promise<Buffer>;

  /**
   * Create the object only if no object has the key (atomic: of two
   * concurrent callers exactly one gets `true`). The basis of leases (locks).
   */
  createIfAbsent(key: string, data: Uint8Array | string): Promise<boolean>;

  /** Write a value as pretty-printed JSON (application/json). */
  putJson(key: string, value: unknown): Promise<ObjectInfo>;
  /** Read JSON; `undefined` when the object does not exist. */
  getJson<T>(key: string): Promise<T | undefined>;

  /** Metadata, or `undefined` when the object does not exist. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /**
   * Every object whose key starts with `prefix` (a plain string prefix, as on
   * S3: "a/b" matches "a/b/c" and "a/bc"), all pages, sorted by key.
   * `""` lists everything. Objects whose names are not valid keys are skipped.
   */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** Delete one object; a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Delete many objects; validates every key before deleting any. */
  deleteMany(keys: readonly string[]): Promise<void>;

  /**
   * A path DuckDB can read directly: for the local store the object's own
   * absolute path; for S3 a downloaded copy under `scratchDir`.
   */
  localPath(key: string, scratchDir: string): Promise<string>;

  /** Release connections (S3). */
  close?(): Promise<void>;
}
