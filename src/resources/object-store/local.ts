/**
 * LocalObjectStore: objects are files under a root folder, key segments are
 * folders. The default store: nothing to run, easy to inspect.
 *
 * - Writes are atomic (atomic-file.ts): readers see the old or the new file.
 * - The root is created on the first write; listing a missing root is empty.
 * - A key can never name a path outside the root: keys are validated
 *   (keys.ts) and the resolved path is checked again (defence in depth).
 * - Etags are content md5s (local-etag.ts).
 * - Small objects (JSON, lease and index records) and listings use synchronous
 *   calls (small-file.ts says why); data files are streamed asynchronously.
 *
 * Unlike S3, a folder cannot hold an object "a/b" and an object "a/b/c" at
 * once; such a write fails with code KEY_CONFLICT. Segments longer than the
 * filesystem's name limit (usually 255 bytes) fail too. Symbolic links inside
 * the root are followed for reads and ignored by `list`; the root is trusted.
 */
import { createReadStream, readFileSync, readdirSync, rmdirSync, statSync, unlinkSync, type BigIntStats } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { dirname, resolve, sep } from "node:path";
import type { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { moveFileAtomically, writeFileAtomically, isTempFileName, type ByteSource, type WrittenFile } from "./atomic-file";
import { mapWithConcurrency } from "./concurrency";
import { InvalidObjectKeyError, ObjectNotFoundError, ObjectStoreError } from "./errors";
import { decodeJson, encodeJson } from "./json";
import { compareObjectKeys, isValidObjectKey, validateObjectKey, validateObjectKeyPrefix } from "./keys";
import { ContentEtagCache } from "./local-etag";
import { writeSmallFileAtomicallySync } from "./small-file";
import { errnoCode, sourceFileSize } from "./source-file";
import type { ObjectInfo, ObjectStore } from "./types";

export interface LocalObjectStoreOptions {
  /** fsync each written file before its rename (durable across power loss; slower). Default false. */
  fsync?: boolean;
}

/** How many files `list` and `deleteMany` touch at once. */
const FILE_CONCURRENCY = 16;
const MISSING = new Set(["ENOENT", "ENOTDIR", "EISDIR"]);

export class LocalObjectStore implements ObjectStore {
  readonly root: string;
  readonly description: string;
  private readonly rootWithSep: string;
  private readonly etags = new ContentEtagCache();

  constructor(
    root: string,
    private readonly options: LocalObjectStoreOptions = {},
  ) {
    this.root = resolve(root);
    this.rootWithSep = this.root.endsWith(sep) ? this.root : this.root + sep;
    this.description = pathToFileURL(this.root).href;
  }

  async putFile(key: string, localPath: string): Promise<ObjectInfo> {
    const path = this.pathFor(key);
    await sourceFileSize(localPath);
    return this.write(key, path, createReadStream(localPath));
  }

  async adoptFile(key: string, localPath: string): Promise<void> {
    const path = this.pathFor(key);
    await sourceFileSize(localPath);
    let moved: boolean;
    try {
      // the etag (content md5) is computed lazily, on the first head or list that asks for it
      moved = await moveFileAtomically(localPath, path, { fsync: this.options.fsync ?? false });
    } catch (error) {
      throw this.writeError(key, error);
    }
    if (!moved) await this.putFile(key, localPath);
  }

  async putStream(key: string, stream: Readable): Promise<ObjectInfo> {
    return this.write(key, this.pathFor(key), stream as AsyncIterable<Uint8Array | string>);
  }

  async putBytes(key: string, data: Uint8Array | string): Promise<ObjectInfo> {
    return this.write(key, this.pathFor(key), [data]);
  }

  async createIfAbsent(key: string, data: Uint8Array | string): Promise<boolean> {
    const path = this.pathFor(key);
    try {
      this.infoOfWritten(key, path, writeSmallFileAtomicallySync(path, data, { fsync: this.options.fsync ?? false, exclusive: true }));
      return true;
    } catch (error) {
      if (errnoCode(error) === "EEXIST") return false;
      throw this.writeError(key, error);
    }
  }

  async putJson(key: string, value: unknown): Promise<ObjectInfo> {
    const path = this.pathFor(key);
    const text = encodeJson(key, value);
    try {
      return this.infoOfWritten(key, path, writeSmallFileAtomicallySync(path, text, { fsync: this.options.fsync ?? false }));
    } catch (error) {
      throw this.writeError(key, error);
    }
  }

  async getToFile(key: string, localPath: string): Promise<void> {
    const handle = await this.openObject(key);
    try {
      await writeFileAtomically(resolve(localPath), handle.createReadStream({ autoClose: false }));
    } finally {
      await handle.close();
    }
  }

  async getStream(key: string): Promise<Readable> {
    // Opened before returning, so a missing key rejects here rather than as a later stream error.
    const handle = await this.openObject(key);
    return handle.createReadStream({ autoClose: true });
  }

  async getBytes(key: string): Promise<Buffer> {
    const handle = await this.openObject(key);
    try {
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  async getJson<T>(key: string): Promise<T | undefined> {
    const path = this.pathFor(key);
    let bytes: Buffer;
    try {
      // Small: one synchronous read (small-file.ts says why). A folder is not an object (EISDIR).
      bytes = readFileSync(path);
    } catch (error) {
      if (MISSING.has(errnoCode(error) ?? "")) return undefined;
      throw this.ioError("read", key, error);
    }
    return decodeJson<T>(key, bytes);
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    return this.infoOf(key, this.pathFor(key));
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    validateObjectKeyPrefix(prefix);
    // Start at the deepest folder the prefix names in full; filter the rest by string prefix.
    const startFolderKey = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
    const files: Array<{ key: string; path: string }> = [];
    this.collectFiles(startFolderKey, prefix, files);
    const infos = await mapWithConcurrency(files, FILE_CONCURRENCY, (file) => this.infoOf(file.key, file.path));
    return infos.filter((info): info is ObjectInfo => info !== undefined).sort((a, b) => compareObjectKeys(a.key, b.key));
  }

  async delete(key: string): Promise<void> {
    const path = this.pathFor(key);
    this.etags.forget(path);
    try {
      unlinkSync(path);
    } catch (error) {
      if (MISSING.has(errnoCode(error) ?? "")) return;
      throw this.ioError("delete", key, error);
    }
    this.pruneEmptyFolders(dirname(path));
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    keys.forEach((key) => this.pathFor(key));
    await mapWithConcurrency(keys, FILE_CONCURRENCY, (key) => this.delete(key));
  }

  /** The object's own file: DuckDB reads it in place, so no scratch copy is needed. */
  async localPath(key: string, _scratchDir?: string): Promise<string> {
    const path = this.pathFor(key);
    // existence only: the etag (a content md5) would read the whole file
    let isFile: boolean;
    try {
      isFile = statSync(path).isFile();
    } catch (error) {
      if (!MISSING.has(errnoCode(error) ?? "")) throw this.ioError("read", key, error);
      isFile = false;
    }
    if (!isFile) throw new ObjectNotFoundError(key, this.description);
    return path;
  }

  /** The absolute path of `key`; throws InvalidObjectKeyError for a bad key or any path outside the root. */
  pathFor(key: string): string {
    validateObjectKey(key);
    const path = resolve(this.root, ...key.split("/"));
    if (!path.startsWith(this.rootWithSep)) throw new InvalidObjectKeyError(key, `resolves outside the store root ${this.root}`);
    return path;
  }

  private async write(key: string, path: string, source: ByteSource): Promise<ObjectInfo> {
    try {
      return this.infoOfWritten(key, path, await writeFileAtomically(path, source, { fsync: this.options.fsync ?? false }));
    } catch (error) {
      throw this.writeError(key, error);
    }
  }

  private infoOfWritten(key: string, path: string, written: WrittenFile): ObjectInfo {
    this.etags.remember(path, written.stats, written.md5);
    return { key, size: written.size, etag: written.md5, lastModified: new Date(Number(written.stats.mtimeMs)) };
  }

  /** Open an object for reading; ObjectNotFoundError when it is missing or is a folder. */
  private async openObject(key: string): Promise<FileHandle> {
    const path = this.pathFor(key);
    let handle: FileHandle;
    try {
      handle = await open(path, "r");
    } catch (error) {
      if (MISSING.has(errnoCode(error) ?? "")) throw new ObjectNotFoundError(key, this.description, { cause: error });
      throw this.ioError("read", key, error);
    }
    // Opening a folder for reading succeeds on Linux: a folder is not an object.
    if (!(await handle.stat()).isFile()) {
      await handle.close();
      throw new ObjectNotFoundError(key, this.description);
    }
    return handle;
  }

  private async infoOf(key: string, path: string): Promise<ObjectInfo | undefined> {
    try {
      const stats: BigIntStats = statSync(path, { bigint: true });
      if (!stats.isFile()) return undefined;
      // Hashing a file the store did not write (another process did) reads all of it: that stays asynchronous.
      const etag = this.etags.known(path, stats) ?? (await this.etags.etagOf(path, stats));
      return { key, size: Number(stats.size), etag, lastModified: new Date(Number(stats.mtimeMs)) };
    } catch (error) {
      // Missing, or deleted between the listing and the stat.
      if (MISSING.has(errnoCode(error) ?? "")) return undefined;
      throw this.ioError("read", key, error);
    }
  }

  private collectFiles(folderKey: string, prefix: string, out: Array<{ key: string; path: string }>): void {
    const folder = folderKey === "" ? this.root : this.pathFor(folderKey);
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch (error) {
      if (MISSING.has(errnoCode(error) ?? "")) return;
      throw this.ioError("list", folderKey, error);
    }
    for (const entry of entries) {
      if (isTempFileName(entry.name)) continue;
      const key = folderKey === "" ? entry.name : `${folderKey}/${entry.name}`;
      // Files named outside the key rules cannot be addressed, so they are not listed.
      if (!isValidObjectKey(key)) continue;
      if (entry.isDirectory()) {
        const asFolder = `${key}/`;
        if (asFolder.startsWith(prefix) || prefix.startsWith(asFolder)) this.collectFiles(key, prefix, out);
      } else if (entry.isFile() && key.startsWith(prefix)) {
        out.push({ key, path: resolve(folder, entry.name) });
      }
    }
  }

  /** Remove folders left empty by a delete, up to (not including) the root, as S3 has no folders. */
  private pruneEmptyFolders(folder: string): void {
    for (let current = folder; current.startsWith(this.rootWithSep); current = dirname(current)) {
      try {
        // Look before removing: a folder that still holds objects (a lease's or an index's next generation) is the
        // common case, and a refused rmdir still locks the parent folder, which concurrent steps write to.
        if (readdirSync(current).length > 0) return;
        rmdirSync(current);
      } catch {
        return; // not empty (or already gone): stop
      }
    }
  }

  private writeError(key: string, error: unknown): unknown {
    const code = errnoCode(error);
    if (code === "ENOTDIR" || code === "EEXIST" || code === "EISDIR" || code === "ENOTEMPTY") {
      return new ObjectStoreError(
        `Cannot store ${JSON.stringify(key)} in ${this.description}: a folder-backed store cannot hold an object and ` +
          "a folder of the same name (another key is this key's parent, or has it as a parent)",
        { code: "KEY_CONFLICT", hint: "Choose keys where no key is a '/'-prefix of another, e.g. put data files one level deeper.", cause: error },
      );
    }
    // Errors from the caller's own stream have no errno code: pass them through unchanged.
    return code === undefined ? error : this.ioError("write", key, error);
  }

  private ioError(operation: string, key: string, error: unknown): ObjectStoreError {
    return new ObjectStoreError(`Cannot ${operation} ${JSON.stringify(key)} in ${this.description}: ${(error as Error).message}`, {
      code: "LOCAL_IO",
      hint: "Check the folder's permissions and free space, or point MATERIA_STORAGE_URL at another folder.",
      cause: error,
    });
  }
}
