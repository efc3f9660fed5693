import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { InvalidObjectKeyError, LocalObjectStore, ObjectStoreError } from "../../src/resources/object-store";
import { describeObjectStoreContract } from "../support/object-store-contract";

describeObjectStoreContract("LocalObjectStore", async () => {
  const parent = await mkdtemp(join(tmpdir(), "materia-local-store-"));
  // The root does not exist yet: the store creates it on first write.
  const store = new LocalObjectStore(join(parent, "lake"));
  return { store, cleanup: () => rm(parent, { recursive: true, force: true }) };
});

/** Every file under `folder`, as '/'-separated relative paths. */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(folder.length + 1))
    .sort();
}

describe("LocalObjectStore specifics", () => {
  let parent: string;
  let root: string;
  let store: LocalObjectStore;

  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), "materia-local-"));
    root = join(parent, "lake");
    store = new LocalObjectStore(root);
  });

  afterEach(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  it("describes itself as a file URL and creates the root on first write", async () => {
    expect(store.description).toBe(`file://${root}`);
    expect(await store.list("")).toEqual([]);
    await expect(stat(root)).rejects.toMatchObject({ code: "ENOENT" });
    await store.putBytes("a/b.txt", "x");
    expect(await readFile(join(root, "a", "b.txt"), "utf8")).toBe("x");
    expect(await store.localPath("a/b.txt", "/unused")).toBe(join(root, "a", "b.txt"));
  });

  it("never resolves a path outside the root", async () => {
    const escapes = ["../outside", "a/../../outside", "..", "./../outside", "a\\..\\..\\outside", "/etc/passwd", "a//../outside", "%2E%2E/x/../../y"];
    for (const key of escapes) {
      expect(() => store.pathFor(key)).toThrow(InvalidObjectKeyError);
      await expect(store.putBytes(key, "evil")).rejects.toBeInstanceOf(InvalidObjectKeyError);
    }
    // An escaped ".." is just a folder named "%2E%2E" inside the root.
    await store.putBytes("%2E%2E/x", "fine");
    expect(store.pathFor("%2E%2E/x")).toBe(join(root, "%2E%2E", "x"));
    expect(await filesUnder(parent)).toEqual(["lake/%2E%2E/x"]);
  });

  it("adopts a file on the same filesystem by moving it: the source is gone and no temp file is left", async () => {
    const staged = join(parent, "staged.parquet");
    await writeFile(staged, "parquet bytes");
    const inode = (await stat(staged)).ino;
    await store.adoptFile("data/a/1.parquet", staged);
    await expect(stat(staged)).rejects.toMatchObject({ code: "ENOENT" });
    expect((await stat(join(root, "data", "a", "1.parquet"))).ino).toBe(inode);
    expect(await filesUnder(root)).toEqual(["data/a/1.parquet"]);
    // the etag (content md5) is computed on demand, since the move read nothing
    expect((await store.head("data/a/1.parquet"))?.etag).toBe(createHash("md5").update("parquet bytes").digest("hex"));
  });

  it("leaves no temp file behind after successful writes", async () => {
    await store.putBytes("t/a", "1");
    await store.putStream("t/b", Readable.from(["2"]));
    await store.putJson("t/c.json", { c: 3 });
    const source = join(parent, "src.txt");
    await writeFile(source, "4");
    await store.putFile("t/d", source);
    await store.getToFile("t/a", join(parent, "copies", "a"));
    expect(await readdir(join(root, "t"))).toEqual(["a", "b", "c.json", "d"]);
    expect(await readdir(join(parent, "copies"))).toEqual(["a"]);
  });

  it("keeps the previous content and no temp file when a write fails", async () => {
    await store.putBytes("f/k", "previous");
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(1024 * 1024, 1);
      throw new Error("upstream died");
    }
    await expect(store.putStream("f/k", Readable.from(failing()))).rejects.toThrow("upstream died");
    expect(await readFile(join(root, "f", "k"), "utf8")).toBe("previous");
    expect(await readdir(join(root, "f"))).toEqual(["k"]);
  });

  it("ends concurrent writes of one key with one whole version", async () => {
    const versions = Array.from({ length: 20 }, (_, i) => `version-${i}-`.repeat(5000));
    await Promise.all(versions.map((content) => store.putBytes("c/k", content)));
    expect(versions).toContain((await store.getBytes("c/k")).toString());
    expect(await readdir(join(root, "c"))).toEqual(["k"]);
  });

  it("survives deletes pruning a folder while writes go into it", async () => {
    for (let round = 0; round < 30; round++) {
      await store.putBytes(`race/${round}/old`, "x");
      await Promise.all([store.delete(`race/${round}/old`), store.putBytes(`race/${round}/new`, "y")]);
      expect((await store.getBytes(`race/${round}/new`)).toString()).toBe("y");
    }
  });

  it("does not list temp files or files named outside the key rules", async () => {
    await store.putBytes("l/ok", "1");
    await writeFile(join(root, "l", ".tmp~abc123"), "half");
    await writeFile(join(root, "l", "has space"), "x");
    await mkdir(join(root, "bad|dir"));
    await writeFile(join(root, "bad|dir", "x"), "x");
    expect((await store.list("")).map((info) => info.key)).toEqual(["l/ok"]);
  });

  it("removes folders emptied by deletes, but not the root", async () => {
    await store.putBytes("a/b/c/d", "1");
    await store.putBytes("a/keep", "1");
    await store.delete("a/b/c/d");
    expect(await readdir(join(root, "a"))).toEqual(["keep"]);
    await store.delete("a/keep");
    expect(await readdir(root)).toEqual([]);
  });

  it("treats a folder as a missing object, and a file/folder clash as KEY_CONFLICT", async () => {
    await store.putBytes("dir/file", "1");
    expect(await store.head("dir")).toBeUndefined();
    await expect(store.getBytes("dir")).rejects.toMatchObject({ code: "OBJECT_NOT_FOUND" });
    await store.delete("dir");
    expect(await store.head("dir/file")).toBeDefined();
    await expect(store.putBytes("dir", "x")).rejects.toMatchObject({ code: "KEY_CONFLICT" });
    await expect(store.putBytes("dir/file/under", "x")).rejects.toMatchObject({ code: "KEY_CONFLICT" });
    await expect(store.putBytes("dir/file/under", "x")).rejects.toBeInstanceOf(ObjectStoreError);
    expect((await store.getBytes("dir/file")).toString()).toBe("1");
  });

  it("re-hashes a file changed behind the store's back", async () => {
    const written = await store.putBytes("e/k", "one");
    expect(written.etag).toBe("f97c5d29941bfb1b2fdab0874906ab82"); // md5("one")
    expect((await store.head("e/k"))?.etag).toBe(written.etag);
    await writeFile(join(root, "e", "k"), "two");
    expect((await store.head("e/k"))?.etag).toBe("b8a9f715dbb64fd5c56e7783c6820a61"); // md5("two")
  });

  it("fails clearly when the root is a file", async () => {
    const blocker = join(parent, "blocked");
    await writeFile(blocker, "a file where the root should be");
    const blocked = new LocalObjectStore(blocker);
    await expect(blocked.putBytes("x", "1")).rejects.toMatchObject({ code: "KEY_CONFLICT" });
    expect(await blocked.list("")).toEqual([]);
  });
});
