/**
 * S3 client construction and small helpers for S3ObjectStore.
 *
 * Failing fast matters more than patience: connects time out after a few
 * seconds, idle sockets after `socketTimeoutMs`, and a request is tried at
 * most `maxAttempts` times, so an unreachable endpoint is reported within
 * about ten seconds instead of hanging.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { Readable } from "node:stream";

export interface S3ObjectStoreOptions {
  bucket: string;
  /** Key prefix inside the bucket, without leading or trailing '/'. Default: none. */
  prefix?: string;
  /** Default: AWS_REGION, then AWS_DEFAULT_REGION, then us-east-1 (MinIO ignores it). */
  region?: string;
  /** e.g. "http://127.0.0.1:9000" for MinIO. Default: AWS S3. */
  endpoint?: string;
  /** Bucket in the path rather than the host name. Default: true when `endpoint` is set (MinIO needs it). */
  forcePathStyle?: boolean;
  /** Explicit credentials; otherwise the standard AWS chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** TCP connect timeout per attempt. Default 3000 ms. */
  connectTimeoutMs?: number;
  /** A request fails when its socket is idle this long. Default 30000 ms. */
  socketTimeoutMs?: number;
  /** Attempts per request, including the first. Default 3. */
  maxAttempts?: number;
  /** Multipart part size for putFile/putStream. Default 8 MiB (S3's minimum is 5 MiB). */
  partSizeBytes?: number;
  /** Parts uploaded in parallel per upload. Default 4. */
  uploadConcurrency?: number;
}

export function resolveRegion(options: S3ObjectStoreOptions): string {
  return options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1";
}

export function createS3Client(options: S3ObjectStoreOptions, region: string): S3Client {
  return new S3Client({
    region,
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: { connectionTimeout: options.connectTimeoutMs ?? 3000, socketTimeout: options.socketTimeoutMs ?? 30_000 },
  });
}

/** Pass a stream through, counting its bytes: S3 does not report the size of a multipart upload. */
export function countingStream(source: Readable): { stream: Readable; bytes: () => number } {
  let size = 0;
  async function* countBytes(): AsyncGenerator<Uint8Array> {
    for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
      size += bytes.byteLength;
      yield bytes;
    }
  }
  return { stream: Readable.from(countBytes(), { objectMode: false }), bytes: () => size };
}

export function etagOf(raw: string | undefined): { etag?: string } {
  // S3 returns the etag in double quotes.
  return raw === undefined ? {} : { etag: raw.replace(/^"|"$/g, "") };
}

/** The endpoint without user info, query or fragment, for messages. */
export function redactEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    return `${url.protocol}//${url.host}${url.pathname === "/" ? "" : url.pathname}`;
  } catch {
    return "(invalid endpoint URL)";
  }
}
