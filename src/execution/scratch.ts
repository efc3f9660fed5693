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
import { dirname, join } from "node:path";

/**
 * Emptied folders kept for the next step of this process, per scratch root:
 * creating and deleting a folder per step made ext4 scan its inode table past
 * recently deleted inodes (profiled: the largest kernel cost of a small
 * step). Those left at exit are removed then, or by the next worker's start.
 */
const POOL_SIZE = 16;
const pools = new Map<string, string[]>();
let exitHookInstalled = false;

export function newScratchDir(scratchRoot: string, runId: string): string {
  const pooled = pools.get(scratchRoot)?.pop();
  if (pooled !== undefined) return pooled;
  const dir = join(scratchRoot, `${process.pid}-${runId.replace(/[^A-Za-z0-9_-]/g, "_")}-${randomBytes(4).toString("hex")}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Done with a step's scratch folder. Usually it is empty by now (the staged
 * files were moved into the store): it goes back to the pool. Otherwise
 * (inputs downloaded from S3, a failed step's staged files) it is deleted,
 * off the event loop.
 */
export async function removeScratch(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  const root = dirname(dir);
  const pool = pools.get(root) ?? [];
  if (entries.length === 0 && pool.length < POOL_SIZE) {
    pools.set(root, pool);
    pool.push(dir);
    installExitHook();
    return;
  }
  await rm(dir, { recursive: true, force: true });
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const dir of [...pools.values()].flat()) {
      try {
        rmdirSync(dir);
      } catch {
        // in use or gone: the next worker's start removes what is left
      }
    }
  });
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
