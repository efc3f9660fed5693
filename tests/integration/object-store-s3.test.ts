/**
 * The object-store contract against a real MinIO. The integration global setup
 * starts MinIO and exports MATERIA_TEST_S3_ENDPOINT, MATERIA_TEST_S3_BUCKET and
 * the AWS_* credentials; every test gets its own prefix under one per-run
 * prefix, so runs and tests never see each other's objects.
 */
import { CreateBucketCommand, HeadBucketCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { randomBytes } from "node:crypto";
import { writeFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createObjectStore, ObjectStoreError, S3ObjectStore, StoreUnreachableError } from "../../src/resources/object-store";
import { describeObjectStoreContract } from "../support/object-store-contract";

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the integration global setup (tests/support/global-setup.ts) should start MinIO and set it`);
  return value;
}

const runPrefix = `test-runs/object-store-${Date.now()}-${randomBytes(3).toString("hex")}`;
let testCounter = 0;

function minio(): { endpoint: string; bucket: string } {
  return { endpoint: requiredEnv("MATERIA_TEST_S3_ENDPOINT"), bucket: requiredEnv("MATERIA_TEST_S3_BUCKET") };
}

function storeAt(prefix: string): S3ObjectStore {
  const { endpoint, bucket } = minio();
  // Credentials and region come from the standard AWS environment the setup exports.
  return new S3ObjectStore({ bucket, prefix, endpoint });
}

beforeAll(async () => {
  const { endpoint, bucket } = minio();
  const client = new S3Client({ endpoint, forcePathStyle: true, region: process.env.AWS_REGION ?? "us-east-1" });
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
});

describeObjectStoreContract("S3ObjectStore on MinIO", async () => {
  const store = storeAt(`${runPrefix}/${++testCounter}`);
  const cleanup = async (): Promise<void> => {
    await store.deleteMany((await store.list("")).map((info) => info.key));
    await store.close();
  };
  return { store, cleanup };
});

describe("S3ObjectStore specifics", () => {
  let scratch: string;

  beforeEach(async () => {
    scratch = await mkdtemp(join(tmpdir(), "materia-s3-"));
  });

  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it("stores keys under its prefix in the bucket", async () => {
    const prefix = `${runPrefix}/prefixed`;
    const store = storeAt(prefix);
    try {
      await store.putBytes("a/b.txt", "x");
      const { endpoint, bucket } = minio();
      const client = new S3Client({ endpoint, forcePathStyle: true, region: "us-east-1" });
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/` }));
      client.destroy();
      expect(listed.Contents?.map((object) => object.Key)).toEqual([`${prefix}/a/b.txt`]);
      expect(await store.list("")).toEqual([expect.objectContaining({ key: "a/b.txt", size: 1 })]);
      expect(store.description).toBe(`s3://${bucket}/${prefix} (endpoint ${endpoint})`);
    } finally {
      await store.deleteMany(["a/b.txt"]);
      await store.close();
    }
  });

  it("works through the factory with explicit credentials, never echoing the secret", async () => {
    const { endpoint, bucket } = minio();
    const secret = requiredEnv("AWS_SECRET_ACCESS_KEY");
    const store = createObjectStore(`s3://${bucket}/${runPrefix}/factory`, {
      s3: { endpoint, region: "us-east-1", accessKeyId: requiredEnv("AWS_ACCESS_KEY_ID"), secretAccessKey: secret },
    });
    try {
      await store.putJson("m.json", { ok: true });
      expect(await store.getJson("m.json")).toEqual({ ok: true });
      expect(store.description).not.toContain(secret);
    } finally {
      await store.delete("m.json");
      await store.close?.();
    }
  });

  it("uploads files larger than one 8 MiB part as multipart", async () => {
    const store = storeAt(`${runPrefix}/multipart`);
    const source = join(scratch, "nine-mib.bin");
    await writeFile(source, Buffer.alloc(9 * 1024 * 1024, 3));
    try {
      // S3 and MinIO give multipart objects an etag ending in "-<number of parts>".
      expect((await store.putFile("big.bin", source)).etag).toMatch(/-2$/);
      expect((await store.putBytes("small.bin", "x")).etag).toMatch(/^[0-9a-f]{32}$/);
    } finally {
      await store.deleteMany(["big.bin", "small.bin"]);
      await store.close();
    }
  });

  it("reports wrong credentials as S3_ACCESS_DENIED without the secret", async () => {
    const { endpoint, bucket } = minio();
    const store = new S3ObjectStore({ bucket, endpoint, credentials: { accessKeyId: "wrong-id", secretAccessKey: "wrong-secret-value" } });
    try {
      const failure = store.head("x");
      await expect(failure).rejects.toMatchObject({ code: "S3_ACCESS_DENIED" });
      const error = (await failure.catch((caught: unknown) => caught)) as ObjectStoreError;
      expect(error.describe()).not.toContain("wrong-secret-value");
      expect(error.describe()).toContain(endpoint);
    } finally {
      await store.close();
    }
  });

  it("reports a missing bucket", async () => {
    const store = new S3ObjectStore({ bucket: `no-such-bucket-${randomBytes(4).toString("hex")}`, endpoint: minio().endpoint });
    try {
      await expect(store.putBytes("x", "1")).rejects.toMatchObject({ code: "S3_NO_SUCH_BUCKET" });
      await expect(store.list("")).rejects.toMatchObject({ code: "S3_NO_SUCH_BUCKET" });
    } finally {
      await store.close();
    }
  });

  it("fails fast with StoreUnreachableError when nothing listens at the endpoint", async () => {
    const store = createObjectStore("s3://bucket/x", {
      s3: { endpoint: "http://127.0.0.1:1", accessKeyId: "id", secretAccessKey: "secret-never-shown" },
    });
    const source = join(scratch, "big.bin");
    await writeFile(source, Buffer.alloc(9 * 1024 * 1024, 7)); // larger than one part: the multipart path
    try {
      const calls: Array<() => Promise<unknown>> = [
        () => store.head("k"),
        () => store.getBytes("k"),
        () => store.list(""),
        () => store.putFile("k", source),
        () => store.deleteMany(["k"]),
      ];
      for (const call of calls) {
        const started = Date.now();
        const error = (await call().catch((caught: unknown) => caught)) as StoreUnreachableError;
        expect(Date.now() - started).toBeLessThan(10_000);
        expect(error).toBeInstanceOf(StoreUnreachableError);
        expect(error.code).toBe("STORE_UNREACHABLE");
        expect(error.endpoint).toBe("http://127.0.0.1:1");
        expect(error.message).toContain("http://127.0.0.1:1");
        // The hint names commands that exist (an earlier one pointed at a `materia minio` command there never was).
        expect(error.describe()).toContain("docker compose up -d minio");
        expect(error.describe()).toContain("MATERIA_STORAGE_URL");
        expect(error.describe()).toContain("MATERIA_INFRA_RETRY_SECONDS");
        expect(error.describe()).not.toContain("secret-never-shown");
      }
    } finally {
      await store.close?.();
    }
  }, 60_000);
});
