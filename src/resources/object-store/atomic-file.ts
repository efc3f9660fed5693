/**
 * Atomic file writes: bytes go to a temp file in the target's own folder and
 * are renamed over the target only once complete, so a reader sees the old
 * file or the new one, never a half-written one, and a failed write leaves
 * the old file untouched.
 *
 * Temp names start with `.tmp~`: `~` is outside the object-key charset, so a
 * temp file can never collide with an object or be listed as one.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, renameSync, type BigIntStats } from "node:fs";
import { link, mkdir, open, rename, rm, type FileHandle } from "node:fs/promises";
import { dirname, join } from "node:path";

export const TEMP_FILE_MARKER = ".tmp~";

export interface WrittenFile {
  size: number;
  /** md5 of the content, hex: computed while writing, so it costs no extra read. */
  md5: string;
  /** The written file's stats, taken before the rename (so they are ours even if another writer renames next). */
  stats: BigIntStats;
}

export interface AtomicWriteOptions {
  /** fsync the temp file before the rename: survives power loss, costs a disk flush per write. */
  fsync?: boolean;
  /** Only create: fail with EEXIST when the target exists (hard link instead of rename, which is atomic and exclusive). */
  exclusive?: boolean;
}

export type ByteSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

export function isTempFileName(name: string): boolean {
  return name.startsWith(TEMP_FILE_MARKER);
}

/** A fresh temp file name in `folder` (never a valid object key). */
export function tempPathIn(folder: string): string {
  return join(folder, `${TEMP_FILE_MARKER}${randomBytes(8).toString("hex")}`);
}

export async function writeFileAtomically(targetPath: string, source: ByteSource, options: AtomicWriteOptions = {}): Promise<WrittenFile> {
  const folder = dirname(targetPath);
  const tempPath = tempPathIn(folder);
  const handle = await openTempFile(folder, tempPath);
  try {
    const hash = createHash("md5");
    let size = 0;
    for await (const chunk of source) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
      hash.update(bytes);
      size += bytes.byteLength;
      await writeAll(handle, bytes);
    }
    if (options.fsync) await handle.sync();
    const stats = await handle.stat({ bigint: true });
    await handle.close();
    if (options.exclusive) {
      try {
        await link(tempPath, targetPath);
      } finally {
        await rm(tempPath, { force: true });
      }
    } else {
      await rename(tempPath, targetPath);
    }
    return { size, md5: hash.digest("hex"), stats };
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(tempPath, { force: true }).catch(() => undefined);
    throw error;
  }
}

/**
 * Move a finished file into place with one rename (atomic, no copy). Returns
 * false when source and target are on different filesystems (EXDEV): the
 * caller copies instead. Retries like `openTempFile` when a concurrent
 * delete prunes the freshly created folder.
 */
export async function moveFileAtomically(sourcePath: string, targetPath: string, options: Pick<AtomicWriteOptions, "fsync"> = {}): Promise<boolean> {
  if (options.fsync) {
    const handle = await open(sourcePath, "r+");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
  for (let attempt = 1; ; attempt++) {
    try {
      // Metadata calls whatever the file's size: synchronous, as for small files (small-file.ts says why); the
      // folder is made only when the rename says it is missing.
      renameSync(sourcePath, targetPath);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EXDEV") return false;
      if (attempt >= 5 || code !== "ENOENT") throw error;
      // ENOENT: the target's folder is missing (or the source is: then the rename fails again and says so).
      mkdirSync(dirname(targetPath), { recursive: true });
    }
  }
}

/**
 * Create the folder and the temp file. A concurrent delete may prune empty
 * folders while `mkdir` is creating them or before `open` runs (both fail
 * with ENOENT), so retry a few times.
 */
async function openTempFile(folder: string, tempPath: string): Promise<FileHandle> {
  for (let attempt = 1; ; attempt++) {
    try {
      await mkdir(folder, { recursive: true });
      return await open(tempPath, "wx");
    } catch (error) {
      if (attempt >= 5 || (error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset);
    offset += bytesWritten;
  }
}
