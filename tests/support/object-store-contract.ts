/**
 * The behaviour every ObjectStore must have. Each implementation's test file
 * calls `describeObjectStoreContract` with a factory; every test gets a fresh,
 * empty store and cleans it up afterwards.
 */
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  decodeKeySegment,
  encodeKeySegment,
  InvalidObjectKeyError,
  ObjectNotFoundError,
  ObjectStoreError,
  type ObjectStore,
} from "../../src/resources/object-store";

export interface StoreUnderTest {
  store: ObjectStore;
  cleanup: () => Promise<void>;
}

const MiB = 1024 * 1024;
export const INVALID_KEYS = ["", "../x", "a/../b", "./x", "a/./b", "/abs", "a//b", "a/", "a\\b", "a|b", "a b", "x\u0000y", "é", "a%7", "x".repeat(1025)];

export function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A stream of `size` pseudo-random bytes in uneven chunks, so no chunk lines up with a part boundary. */
function randomStream(size: number): { stream: Readable; digest: () => string } {
  const hash = createHash("sha256");
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let sent = 0; sent < size; ) {
      const chunk = randomBytes(Math.min(size - sent, 700_001));
      hash.update(chunk);
      sent += chunk.length;
      yield chunk;
    }
  }
  return { stream: Readable.from(chunks()), digest: () => hash.digest("hex") };
}

export function describeObjectStoreContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let store: ObjectStore;
    let cleanup: () => Promise<void>;
    let scratch: string;

    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
      scratch = await mkdtemp(join(tmpdir(), "materia-contract-"));
    });

    afterEach(async () => {
      await cleanup();
      await rm(scratch, { recursive: true, force: true });
    });

    it("createIfAbsent creates once: of many concurrent callers exactly one wins, and the content is the winner's", async () => {
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.createIfAbsent("locks/a/b.json", JSON.stringify({ owner: i }))));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(JSON.parse((await store.getBytes("locks/a/b.json")).toString("utf8"))).toEqual({ owner: winner });
      expect(await store.createIfAbsent("locks/a/b.json", "again")).toBe(false);
      await store.delete("locks/a/b.json");
      expect(await store.createIfAbsent("locks/a/b.json", "after delete")).toBe(true);
      expect(await store.list("locks/")).toHaveLength(1);
    });

    it("describes itself", () => {
      expect(store.description).toMatch(/^(file|s3):\/\//);
    });

    it("round-trips bytes and strings, and put returns what head reports", async () => {
      const bytes = Uint8Array.from([0, 1, 2, 255, 254]);
      const put = await store.putBytes("bin/a.bin", bytes);
      expect(put).toMatchObject({ key: "bin/a.bin", size: 5 });
      expect(await store.getBytes("bin/a.bin")).toEqual(Buffer.from(bytes));
      await store.putBytes("text/b.txt", "héllo");
      expect((await store.getBytes("text/b.txt")).toString("utf8")).toBe("héllo");
      const head = await store.head("bin/a.bin");
      expect(head).toMatchObject({ key: "bin/a.bin", size: 5, etag: put.etag });
      expect(head?.lastModified).toBeInstanceOf(Date);
    });

    it("round-trips a file through putFile, getToFile and localPath", async () => {
      const source = join(scratch, "in.csv");
      await writeFile(source, "a,b\n1,2\n");
      const put = await store.putFile("landing/in.csv", source, { contentType: "text/csv" });
      expect(put.size).toBe(8);
      const target = join(scratch, "deep", "er", "out.csv");
      await store.getToFile("landing/in.csv", target);
      expect(await readFile(target, "utf8")).toBe("a,b\n1,2\n");
      expect((await readdir(join(scratch, "deep", "er"))).sort()).toEqual(["out.csv"]);
      const readable = await store.localPath("landing/in.csv", join(scratch, "duck"));
      expect(await readFile(readable, "utf8")).toBe("a,b\n1,2\n");
    });

    it("adopts a finished local file: same bytes, the same etag as a put of the same content, replaces an older object", async () => {
      const random = randomStream(3 * MiB + 7);
      const source = join(scratch, "staged.parquet");
      await pipeline(random.stream, createWriteStream(source));
      const copy = join(scratch, "same-bytes.bin");
      await writeFile(copy, await readFile(source));
      await store.putBytes("data/adopted.parquet", "older version");
      await store.adoptFile("data/adopted.parquet", source, { contentType: "application/vnd.apache.parquet" });
      expect(sha256(await store.getBytes("data/adopted.parquet"))).toBe(random.digest());
      const put = await store.putFile("data/put.parquet", copy);
      expect((await store.head("data/adopted.parquet"))?.etag).toBe(put.etag);
      expect((await store.list("data/")).map((o) => o.key)).toEqual(["data/adopted.parquet", "data/put.parquet"]);
      await expect(store.adoptFile("data/missing.parquet", join(scratch, "no-such-file"))).rejects.toBeInstanceOf(ObjectStoreError);
      await expect(store.adoptFile("../escape", copy)).rejects.toBeInstanceOf(InvalidObjectKeyError);
    });

    it("round-trips a stream", async () => {
      const put = await store.putStream("s/x.txt", Readable.from([Buffer.from("abc"), "def"]));
      expect(put.size).toBe(6);
      expect((await readAll(await store.getStream("s/x.txt"))).toString()).toBe("abcdef");
    });

    it("moves a 20 MiB file in both directions intact (multipart on S3)", async () => {
      const source = join(scratch, "big.bin");
      const random = randomStream(20 * MiB + 12_345);
      await pipeline(random.stream, createWriteStream(source));
      const expected = random.digest();
      const put = await store.putFile("big/file.bin", source);
      expect(put.size).toBe(20 * MiB + 12_345);
      expect((await store.head("big/file.bin"))?.size).toBe(20 * MiB + 12_345);
      const target = join(scratch, "big-copy.bin");
      await store.getToFile("big/file.bin", target);
      expect(sha256(await readFile(target))).toBe(expected);
      expect(sha256(await readAll(await store.getStream("big/file.bin")))).toBe(expected);
    });

    it("uploads a 20 MiB stream of unknown length intact", async () => {
      const random = randomStream(20 * MiB + 3);
      const put = await store.putStream("big/stream.bin", random.stream);
      expect(put.size).toBe(20 * MiB + 3);
      expect(sha256(await store.getBytes("big/stream.bin"))).toBe(random.digest());
    });

    it("treats missing objects consistently", async () => {
      expect(await store.head("nope/x")).toBeUndefined();
      expect(await store.getJson("nope/x.json")).toBeUndefined();
      await expect(store.getBytes("nope/x")).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(store.getStream("nope/x")).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(store.getToFile("nope/x", join(scratch, "x"))).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(store.localPath("nope/x", scratch)).rejects.toBeInstanceOf(ObjectNotFoundError);
      expect(await readdir(scratch)).toEqual([]);
      await expect(store.getBytes("nope/x")).rejects.toMatchObject({ code: "OBJECT_NOT_FOUND", key: "nope/x" });
    });

    it("lists by string prefix, sorted, with sizes and etags", async () => {
      for (const key of ["p/b", "p/a/2", "p/a/1", "p/ab", "q/a", "pa"]) await store.putBytes(key, key);
      const keys = async (prefix: string): Promise<string[]> => (await store.list(prefix)).map((info) => info.key);
      expect(await keys("p/")).toEqual(["p/a/1", "p/a/2", "p/ab", "p/b"]);
      expect(await keys("p/a")).toEqual(["p/a/1", "p/a/2", "p/ab"]);
      expect(await keys("p/a/")).toEqual(["p/a/1", "p/a/2"]);
      expect(await keys("p")).toEqual(["p/a/1", "p/a/2", "p/ab", "p/b", "pa"]);
      expect(await keys("")).toEqual(["p/a/1", "p/a/2", "p/ab", "p/b", "pa", "q/a"]);
      expect(await keys("zzz/")).toEqual([]);
      const [first] = await store.list("p/a/1");
      expect(first).toMatchObject({ key: "p/a/1", size: 5, etag: expect.any(String) });
    });

    it("lists and deletes more than 1000 objects (every page, batched deletes)", async () => {
      const keys = Array.from({ length: 1100 }, (_, i) => `many/${String(i).padStart(4, "0")}.txt`);
      for (let i = 0; i < keys.length; i += 100) {
        await Promise.all(keys.slice(i, i + 100).map((key) => store.putBytes(key, key)));
      }
      const listed = await store.list("many/");
      expect(listed.map((info) => info.key)).toEqual(keys);
      await store.deleteMany(keys);
      expect(await store.list("many/")).toEqual([]);
    });

    it("deletes idempotently", async () => {
      await store.putBytes("d/x", "1");
      await store.delete("d/x");
      await store.delete("d/x");
      await store.delete("never/was");
      expect(await store.head("d/x")).toBeUndefined();
      await store.putBytes("d/y", "1");
      await store.putBytes("d/z", "1");
      await store.deleteMany(["d/y", "d/missing", "d/z"]);
      await store.deleteMany([]);
      expect(await store.list("d/")).toEqual([]);
    });

    it("round-trips JSON and rejects non-JSON content", async () => {
      const value = { rows: 3, schema: [{ name: "a", type: "BIGINT" }], nested: { ok: true, none: null } };
      await store.putJson("catalog/m.json", value);
      expect(await store.getJson("catalog/m.json")).toEqual(value);
      await store.putBytes("catalog/bad.json", "{not json");
      await expect(store.getJson("catalog/bad.json")).rejects.toMatchObject({ code: "INVALID_JSON" });
      await expect(store.putJson("catalog/u.json", undefined)).rejects.toBeInstanceOf(ObjectStoreError);
    });

    it("replaces on overwrite; the etag follows the content", async () => {
      const first = await store.putBytes("o/k", "first version");
      const second = await store.putBytes("o/k", "second, longer version");
      expect((await store.getBytes("o/k")).toString()).toBe("second, longer version");
      expect((await store.head("o/k"))?.size).toBe(22);
      expect(second.etag).toBeDefined();
      expect(second.etag).not.toBe(first.etag);
      const again = await store.putBytes("o/k", "second, longer version");
      expect(again.etag).toBe(second.etag);
      expect((await store.list("o/"))[0]?.etag).toBe(second.etag);
    });

    it("keeps the previous object when a stream upload fails", async () => {
      await store.putBytes("f/k", "good");
      async function* failing(): AsyncGenerator<Buffer> {
        yield Buffer.from("partial");
        throw new Error("source broke");
      }
      await expect(store.putStream("f/k", Readable.from(failing()))).rejects.toThrow("source broke");
      expect((await store.getBytes("f/k")).toString()).toBe("good");
      expect((await store.list("f/")).map((info) => info.key)).toEqual(["f/k"]);
    });

    it.each(INVALID_KEYS.map((key) => [JSON.stringify(key).slice(0, 40), key]))("rejects the invalid key %s everywhere", async (_label, key) => {
      const source = join(scratch, "src.txt");
      await writeFile(source, "x");
      const calls: Array<() => Promise<unknown>> = [
        () => store.putBytes(key, "x"),
        () => store.putFile(key, source),
        () => store.putStream(key, Readable.from(["x"])),
        () => store.putJson(key, {}),
        () => store.getBytes(key),
        () => store.getStream(key),
        () => store.getToFile(key, join(scratch, "out")),
        () => store.getJson(key),
        () => store.head(key),
        () => store.delete(key),
        () => store.deleteMany(["ok/key", key]),
        () => store.localPath(key, scratch),
      ];
      for (const call of calls) await expect(call()).rejects.toBeInstanceOf(InvalidObjectKeyError);
    });

    it("rejects invalid list prefixes", async () => {
      for (const prefix of ["/abs", "../", "a//", "a|"]) await expect(store.list(prefix)).rejects.toBeInstanceOf(InvalidObjectKeyError);
    });

    it("stores keys with encoded segments (partition keys like 2025-10|ES)", async () => {
      const partitions = ["2025-10|ES", "2024-01-01T00", "2024-01-01T00:00", "ÉS ü", ".."];
      for (const partition of partitions) {
        const key = `market/raw_bars/${encodeKeySegment(partition)}/data.parquet`;
        await store.putBytes(key, partition);
        expect((await store.getBytes(key)).toString()).toBe(partition);
      }
      const listed = await store.list("market/raw_bars/");
      const decoded = listed.map((info) => decodeKeySegment(info.key.split("/")[2] ?? ""));
      expect(decoded.sort()).toEqual([...partitions].sort());
      expect(listed.map((info) => info.key)).toContain("market/raw_bars/2025-10%7CES/data.parquet");
    });

    it("deletes nothing when deleteMany gets one bad key", async () => {
      await store.putBytes("keep/a", "a");
      await expect(store.deleteMany(["keep/a", "../evil"])).rejects.toBeInstanceOf(InvalidObjectKeyError);
      expect(await store.head("keep/a")).toBeDefined();
    });

    it("putFile of a missing local file is a clear error", async () => {
      await expect(store.putFile("x/y", join(scratch, "missing.csv"))).rejects.toMatchObject({ code: "LOCAL_FILE_NOT_FOUND" });
      await expect(store.putFile("x/y", scratch)).rejects.toMatchObject({ code: "LOCAL_FILE_NOT_FOUND" });
      expect(await store.head("x/y")).toBeUndefined();
    });
  });
}
