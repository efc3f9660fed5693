/**
 * DuckDB reads a truncated zstd file without complaint and returns the rows
 * it got. So before reading, walk the frames' block headers (no
 * decompression: a few bytes per 128 KiB block) and refuse a file whose last
 * frame does not end exactly where the file does.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

const ZSTD_MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;

/** Undefined when every frame is complete, else what is wrong. */
export function zstdIntegrityProblem(path: string): string | undefined {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const buffer = Buffer.alloc(18);
    const read = (at: number, length: number): Buffer | undefined => {
      if (at + length > size) return undefined;
      readSync(fd, buffer, 0, length, at);
      return buffer;
    };
    if (size === 0) return "the file is empty";
    let at = 0;
    while (at < size) {
      const magic = read(at, 4)?.readUInt32LE(0);
      if (magic === undefined) return `the file ends inside a frame header at byte ${at}`;
      if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
        const length = read(at + 4, 4)?.readUInt32LE(0);
        if (length === undefined) return `the file ends inside a skippable frame at byte ${at}`;
        at += 8 + length;
        continue;
      }
      if (magic !== ZSTD_MAGIC) return `no zstd frame starts at byte ${at}`;
      const descriptor = read(at + 4, 1)?.readUInt8(0);
      if (descriptor === undefined) return `the file ends inside a frame header at byte ${at}`;
      const singleSegment = (descriptor & 0x20) !== 0;
      const hasChecksum = (descriptor & 0x04) !== 0;
      const dictionaryBytes = [0, 1, 2, 4][descriptor & 0x03] ?? 0;
      const contentSizeFlag = descriptor >> 6;
      const contentSizeBytes = contentSizeFlag === 0 ? (singleSegment ? 1 : 0) : ([0, 2, 4, 8][contentSizeFlag] ?? 0);
      at += 5 + (singleSegment ? 0 : 1) + dictionaryBytes + contentSizeBytes;
      for (;;) {
        const header = read(at, 3);
        if (header === undefined) return `the file is truncated: it ends inside a block header at byte ${at}`;
        const value = header.readUIntLE(0, 3);
        const last = (value & 1) === 1;
        const type = (value >> 1) & 3;
        const blockSize = value >>> 3;
        if (type === 3) return `a reserved block type at byte ${at}`;
        at += 3 + (type === 1 ? 1 : blockSize);
        if (at > size) return `the file is truncated: a block runs past its end (${size} bytes)`;
        if (last) break;
      }
      if (hasChecksum) at += 4;
      if (at > size) return "the file is truncated: the frame checksum is missing";
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}
