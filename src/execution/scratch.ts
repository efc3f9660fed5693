/**
 * Step scratch folders: `<scratchRoot>/<pid>-<run>-<random>/`, removed when
 * the step ends. A process killed mid-step leaves its folders behind (staged
 * Parquet, downloaded inputs); a worker starting up removes the folders of
 * processes that are no longer running. Folders of live processes — another
 * worker sharing this MATERIA_HOME — are left alone.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, rmdirSync, rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";

export function newScratchDir(scratchRoot: string, runId: string): string {
  const dir = join(scratchRoot, `${process.pid}-${runId.replace(/[^A-Za-z0-9_-]/g, "_")}-${randomBytes(4).toString("hex")}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Remove a step's scratch folder. Usually it is empty by now (the staged
 * files were moved into the store): one synchronous rmdir. Otherwise (inputs
 * downloaded from S3, a failed step's staged files) the recursive delete
 * runs off the event loop.
 */
export async function removeScratch(dir: string): Promise<void> {
  try {
    rmdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return;
    if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
    await rm(dir, { recursive: true, force: true });
  }
}

/** Remove scratch folders whose process is gone; returns their names. */
export function removeAbandonedScratch(scratchRoot: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(scratchRoot);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    const pid = Number(/^(\d+)-/.exec(entry)?.[1]);
    // Older folders carry no pid: nobody can still be using them after an upgrade's restart.
    if (Number.isInteger(pid) && pid > 0 && (pid === process.pid || isRunning(pid))) continue;
    rmSync(join(scratchRoot, entry), { recursive: true, force: true });
    removed.push(entry);
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
