/**
 * S3ObjectStore: objects in an S3 bucket (AWS, or MinIO and other
 * S3-compatible servers through `endpoint` + path-style addressing), under an
 * optional key prefix so several stores can share a bucket.
 *
 * Connects and retries are bounded (s3-client.ts), so an unreachable endpoint
 * becomes a StoreUnreachableError within about ten seconds, never a hang.
 *
 * Credentials come from `credentials` or the standard AWS chain
 * (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profiles, instance roles). They
 * never appear in `description` or in errors.
 */
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type GetObjectCommandOutput,
  type S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { createReadStream } from "node:fs";
import { resolve } from "node:path";
import { Readable } from "node:stream";
import { writeFileAtomically } from "./atomic-file";
import { mapWithConcurrency } from "./concurrency";
import { InvalidObjectKeyError, ObjectNotFoundError, ObjectStoreError } from "./errors";
import { decodeJson, encodeJson, JSON_CONTENT_TYPE } from "./json";
import { compareObjectKeys, isValidObjectKey, MAX_OBJECT_KEY_LENGTH, validateObjectKey, validateObjectKeyPrefix } from "./keys";
import { countingStream, createS3Client, etagOf, redactEndpoint, resolveRegion, type S3ObjectStoreOptions } from "./s3-client";
import { isS3NotFound, translateS3Error } from "./s3-errors";
import { sourceFileSize } from "./source-file";
import type { ObjectInfo, ObjectStore, PutOptions } from "./types";

export type { S3ObjectStoreOptions } from "./s3-client";

const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
/** DeleteObjects takes at most 1000 keys per request. */
const DELETE_BATCH = 1000;

export class S3ObjectStore implements ObjectStore {
  readonly description: string;
  readonly bucket: string;
  readonly prefix: string;
  private readonly client: S3Client;
  /** The endpoint as shown in errors: no credentials, no query. */
  private readonly endpointLabel: string;

  constructor(private readonly options: S3ObjectStoreOptions) {
    this.bucket = options.bucket;
    this.prefix = (options.prefix ?? "").replace(/^\/+|\/+$/g, "");
    if (this.prefix !== "") validateObjectKey(this.prefix);
    const region = resolveRegion(options);
    this.endpointLabel = options.endpoint !== undefined ? redactEndpoint(options.endpoint) : `https://s3.${region}.amazonaws.com`;
    const location = `s3://${this.bucket}${this.prefix === "" ? "" : `/${this.prefix}`}`;
    this.description = options.endpoint !== undefined ? `${location} (endpoint ${this.endpointLabel})` : location;
    this.client = createS3Client(options, region);
  }

  async putFile(key: string, localPath: string, opts: PutOptions = {}): Promise<ObjectInfo> {
    const fullKey = this.fullKey(key);
    const size = await sourceFileSize(localPath);
    const etag = await this.upload("putFile", key, fullKey, createReadStream(localPath), opts);
    return { key, size, ...etag };
  }

  async adoptFile(key: string, localPath: string, opts: PutOptions = {}): Promise<void> {
    await this.putFile(key, localPath, opts);
  }

  async putStream(key: string, stream: Readable, opts: PutOptions = {}): Promise<ObjectInfo> {
    const fullKey = this.fullKey(key);
    const counted = countingStream(stream);
    const etag = await this.upload("putStream", key, fullKey, counted.stream, opts);
    return { key, size: counted.bytes(), ...etag };
  }

  async putBytes(key: string, data: Uint8Array | string, opts: PutOptions = {}): Promise<ObjectInfo> {
    const fullKey = this.fullKey(key);
    const body = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    const output = await this.send("putBytes", key, () =>
      this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: fullKey, Body: body, ContentLength: body.byteLength, ContentType: opts.contentType }),
      ),
    );
    return { key, size: body.byteLength, ...etagOf(output.ETag) };
  }

  async createIfAbsent(key: string, data: Uint8Array | string): Promise<boolean> {
    const body = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key), Body: body, ContentLength: body.byteLength, IfNoneMatch: "*" }));
      return true;
    } catch (error) {
      // 412: the object exists; 409: a concurrent conditional write won.
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 412 || status === 409) return false;
      throw this.translate(error, "createIfAbsent", key);
    }
  }

  async putJson(key: string, value: unknown): Promise<ObjectInfo> {
    this.fullKey(key);
    return this.putBytes(key, encodeJson(key, value), { contentType: JSON_CONTENT_TYPE });
  }

  async getToFile(key: string, localPath: string): Promise<void> {
    const body = await this.getBody("getToFile", key);
    await this.consume("getToFile", key, body, () => writeFileAtomically(resolve(localPath), body));
  }

  async getStream(key: string): Promise<Readable> {
    return this.getBody("getStream", key);
  }

  async getBytes(key: string): Promise<Buffer> {
    const body = await this.getBody("getBytes", key);
    const chunks: Buffer[] = [];
    await this.consume("getBytes", key, body, async () => {
      for await (const chunk of body) chunks.push(chunk as Buffer);
    });
    return Buffer.concat(chunks);
  }

  async getJson<T>(key: string): Promise<T | undefined> {
    try {
      return decodeJson<T>(key, await this.getBytes(key));
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return undefined;
      throw error;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const fullKey = this.fullKey(key);
    try {
      const output = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: fullKey }));
      return { key, size: output.ContentLength ?? 0, ...etagOf(output.ETag), ...(output.LastModified ? { lastModified: output.LastModified } : {}) };
    } catch (error) {
      if (isS3NotFound(error)) return undefined;
      throw this.translate(error, "head", key);
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    validateObjectKeyPrefix(prefix);
    const storePrefix = this.prefix === "" ? "" : `${this.prefix}/`;
    const infos: ObjectInfo[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await this.send("list", undefined, () =>
        this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: storePrefix + prefix, ContinuationToken: continuationToken }),
        ),
      );
      for (const object of page.Contents ?? []) {
        const key = (object.Key ?? "").slice(storePrefix.length);
        // Objects named outside the key rules (written by other tools) cannot be addressed, so they are not listed.
        if (!isValidObjectKey(key)) continue;
        infos.push({ key, size: object.Size ?? 0, ...etagOf(object.ETag), ...(object.LastModified ? { lastModified: object.LastModified } : {}) });
      }
      if (page.IsTruncated && !page.NextContinuationToken) {
        throw new ObjectStoreError(`S3 list of "${prefix}" at ${this.endpointLabel} returned a truncated page without a continuation token`, {
          code: "S3_REQUEST_FAILED",
        });
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken !== undefined);
    return infos.sort((a, b) => compareObjectKeys(a.key, b.key));
  }

  async delete(key: string): Promise<void> {
    const fullKey = this.fullKey(key);
    // S3 answers 204 for a missing key, so deleting twice is not an error.
    await this.send("delete", key, () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: fullKey })));
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    const fullKeys = keys.map((key) => this.fullKey(key));
    const batches: string[][] = [];
    for (let i = 0; i < fullKeys.length; i += DELETE_BATCH) batches.push(fullKeys.slice(i, i + DELETE_BATCH));
    await mapWithConcurrency(batches, 4, async (batch) => {
      const output = await this.send("deleteMany", undefined, () =>
        this.client.send(
          new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
        ),
      );
      const failures = output.Errors ?? [];
      if (failures.length > 0) {
        const sample = failures.slice(0, 3).map((failure) => `${failure.Key ?? "?"}: ${failure.Code ?? "error"}`);
        throw new ObjectStoreError(`S3 deleteMany failed for ${failures.length} of ${batch.length} keys at ${this.description} (${sample.join("; ")})`, {
          code: "S3_DELETE_FAILED",
          hint: "Check the credentials' delete permission on the bucket; deleting again is safe.",
        });
      }
    });
  }

  async localPath(key: string, scratchDir: string): Promise<string> {
    validateObjectKey(key);
    const target = resolve(scratchDir, ...key.split("/"));
    await this.getToFile(key, target);
    return target;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  /** The bucket key for a store key: validated, under the store prefix, within S3's length limit. */
  private fullKey(key: string): string {
    validateObjectKey(key);
    const fullKey = this.prefix === "" ? key : `${this.prefix}/${key}`;
    if (fullKey.length > MAX_OBJECT_KEY_LENGTH) {
      throw new InvalidObjectKeyError(key, `with the store prefix "${this.prefix}" it is longer than S3's ${MAX_OBJECT_KEY_LENGTH}-byte limit`);
    }
    return fullKey;
  }

  /** Multipart upload (a single PUT when the body fits in one part); a failed upload is aborted, not left behind. */
  private async upload(operation: string, key: string, fullKey: string, body: Readable, opts: PutOptions): Promise<{ etag?: string }> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: fullKey, Body: body, ContentType: opts.contentType },
      partSize: this.options.partSizeBytes ?? DEFAULT_PART_SIZE,
      queueSize: this.options.uploadConcurrency ?? 4,
      leavePartsOnError: false,
    });
    try {
      const output = await this.send(operation, key, () => upload.done());
      return etagOf(output.ETag);
    } catch (error) {
      body.destroy(); // e.g. release putFile's file handle when the server refused the upload
      throw error;
    }
  }

  private async getBody(operation: string, key: string): Promise<Readable> {
    const fullKey = this.fullKey(key);
    const output: GetObjectCommandOutput = await this.send(operation, key, () =>
      this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: fullKey })),
    );
    if (!(output.Body instanceof Readable)) {
      throw new ObjectStoreError(`S3 ${operation} of ${JSON.stringify(key)} returned no readable body`, { code: "S3_REQUEST_FAILED" });
    }
    return output.Body;
  }

  /** Read a response body; on failure close it, so the connection is not left half-read. */
  private async consume<T>(operation: string, key: string, body: Readable, read: () => Promise<T>): Promise<T> {
    try {
      return await this.send(operation, key, read);
    } catch (error) {
      body.destroy();
      throw error;
    }
  }

  /** Run one SDK call, translating its errors (see translateS3Error for what passes through). */
  private async send<T>(operation: string, key: string | undefined, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw this.translate(error, operation, key);
    }
  }

  private translate(error: unknown, operation: string, key: string | undefined): Error {
    return translateS3Error(error, {
      operation,
      ...(key !== undefined ? { key } : {}),
      endpoint: this.endpointLabel,
      bucket: this.bucket,
      description: this.description,
    });
  }
}
