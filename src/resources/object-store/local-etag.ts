/**
 * Content etags for the local store.
 *
 * The etag is the md5 of the content (as S3 gives for single-part uploads), so
 * re-delivering identical bytes keeps the etag and changed bytes change it.
 * A size+mtime etag would be free but changes on every re-write of identical
 * content and can miss a change within the mtime resolution; content hashing
 * costs a read of the file. To keep `list` cheap we hash lazily and remember
 * each result against the file's identity (device, inode, size, mtime):
 * writes through the store record the md5 they computed while writing, and a
 * file changed behind the store's back gets a new identity and is re-hashed.
 * The trade-off: the first `list` of a large folder written by another process
 * reads every file once.
 */
import type { BigIntStats } from "node:fs";
import { open } from "node:fs/promises";
import { hashFileHandle } from "../../utils/hash-file";

const MAX_REMEMBERED = 50_000;

export class ContentEtagCache {
  private readonly byPath = new Map<string, { identity: string; etag: string }>();

  /** Record the md5 a write computed, so the next head/list need not read the file. */
  remember(path: string, stats: BigIntStats, md5: string): void {
    this.byPath.delete(path);
    this.byPath.set(path, { identity: identityOf(stats), etag: md5 });
    if (this.byPath.size > MAX_REMEMBERED) {
      const oldest = this.byPath.keys().next();
      if (!oldest.done) this.byPath.delete(oldest.value);
    }
  }

  /** The remembered etag when the file is still the one it was computed for. */
  known(path: string, stats: BigIntStats): string | undefined {
    const known = this.byPath.get(path);
    return known && known.identity === identityOf(stats) ? known.etag : undefined;
  }

  async etagOf(path: string, stats: BigIntStats): Promise<string> {
    const known = this.known(path, stats);
    if (known !== undefined) return known;
    // Hash through one open handle and remember the identity of what was
    // actually read, in case the file was replaced since `stats` was taken.
    const handle = await open(path, "r");
    try {
      const hashed = await handle.stat({ bigint: true });
      const etag = (await hashFileHandle(handle, "md5")).digest;
      this.remember(path, hashed, etag);
      return etag;
    } finally {
      await handle.close();
    }
  }

  forget(path: string): void {
    this.byPath.delete(path);
  }
}

function identityOf(stats: BigIntStats): string {
  // Not ctime: a rename changes it, and store writes end with a rename.
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}`;
}
