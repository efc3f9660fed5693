/**
 * Hash a file's content through one reused buffer. Partitions are large
 * (~85 MB for a month of market features) and hashed on every publish:
 * a stream's default 64 KiB chunks cost twice the CPU of 1 MiB reads, and
 * a fresh Buffer per chunk adds garbage-collector work on the worker's
 * main thread (profiled in the market backfill).
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";

const CHUNK_BYTES = 1 << 20;

/** Hex digest of everything read from `handle`, from its current position to the end. */
export async function hashFileHandle(handle: FileHandle, algorithm: "sha256" | "md5"): Promise<{ digest: string; bytes: number }> {
  const hash = createHash(algorithm);
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let bytes = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
    if (bytesRead === 0) break;
    hash.update(buffer.subarray(0, bytesRead));
    bytes += bytesRead;
  }
  return { digest: hash.digest("hex"), bytes };
}

/** Up to this size a file is hashed from one synchronous read: a small step's staged file is a few hundred bytes, and the chunk buffer alone is 1 MiB. */
const SMALL_FILE_BYTES = CHUNK_BYTES;

/** Hex digest and size of the file at `path`. */
export async function hashFile(path: string, algorithm: "sha256" | "md5"): Promise<{ digest: string; bytes: number }> {
  if (statSync(path).size <= SMALL_FILE_BYTES) {
    const content = readFileSync(path);
    return { digest: createHash(algorithm).update(content).digest("hex"), bytes: content.byteLength };
  }
  const handle = await open(path, "r");
  try {
    return await hashFileHandle(handle, algorithm);
  } finally {
    await handle.close();
  }
}
