import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashFile, hashFileHandle } from "../../src/utils/hash-file";

describe("hashFileHandle", () => {
  const dir = mkdtempSync(join(tmpdir(), "materia-hash-file-"));

  async function hashed(content: Buffer, algorithm: "sha256" | "md5"): Promise<{ digest: string; bytes: number }> {
    const path = join(dir, `${content.length}.bin`);
    writeFileSync(path, content);
    const handle = await open(path, "r");
    try {
      return await hashFileHandle(handle, algorithm);
    } finally {
      await handle.close();
    }
  }

  it.each([0, 1, 1 << 20, (5 << 19) + 17])("hashes %i bytes across buffer refills like a one-shot hash", async (size) => {
    const content = randomBytes(size);
    for (const algorithm of ["sha256", "md5"] as const) {
      expect(await hashed(content, algorithm)).toEqual({ digest: createHash(algorithm).update(content).digest("hex"), bytes: size });
    }
  });
});

describe("hashFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "materia-hash-path-"));

  // Either side of the one-read limit (1 MiB): both give the one-shot hash.
  it.each([0, 300, 1 << 20, (1 << 20) + 1, (5 << 19) + 17])("hashes a %i-byte file like a one-shot hash", async (size) => {
    const content = randomBytes(size);
    const path = join(dir, `${size}.bin`);
    writeFileSync(path, content);
    for (const algorithm of ["sha256", "md5"] as const) {
      expect(await hashFile(path, algorithm)).toEqual({ digest: createHash(algorithm).update(content).digest("hex"), bytes: size });
    }
  });
});
