/** Checks on the caller's local files, shared by both stores. */
import { stat } from "node:fs/promises";
import { ObjectStoreError } from "./errors";

/** The size of the file `putFile` is about to upload; a clear error when it is missing or not a file. */
export async function sourceFileSize(localPath: string): Promise<number> {
  try {
    const stats = await stat(localPath);
    if (stats.isFile()) return stats.size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") throw error;
  }
  throw new ObjectStoreError(`putFile: ${localPath} does not exist or is not a regular file`, {
    code: "LOCAL_FILE_NOT_FOUND",
    hint: "Pass the path of an existing file (relative paths are resolved against the current directory).",
  });
}

export function errnoCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null ? ((error as NodeJS.ErrnoException).code ?? undefined) : undefined;
}
