/**
 * The worker of `materia dev`, supervised: it runs as a child process
 * (`materia worker --sync`) against the dev server, so a code change gets a
 * fresh process with the new code while the dev server stays up. The
 * project's files are watched; a change restarts the worker, printing
 * what changed, and a change that breaks loading prints the error and
 * waits for the next save.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { watch, type FSWatcher } from "node:fs";
import { dirname, relative } from "node:path";
import { stopProcess } from "../utils/process";

export interface DevWorkerOptions {
  /** The definitions module; its folder (and below) is watched. */
  definitionsPath: string;
  /** Extra folders to watch (the folder of materia.config.ts). */
  watchDirs?: string[];
  env: NodeJS.ProcessEnv;
  /** How the CLI re-invokes itself. */
  cli: { command: string; args: string[] };
}

const IGNORED = /(^|[/\\])(node_modules|\.materia|\.git|dist)([/\\]|$)/;
const DEBOUNCE_MS = 300;

export class DevWorker {
  private child: ChildProcess | undefined;
  private watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private changed = new Set<string>();
  private restarting: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: DevWorkerOptions) {}

  start(): void {
    this.spawnWorker();
    const dirs = [...new Set([dirname(this.options.definitionsPath), ...(this.options.watchDirs ?? [])])];
    for (const dir of dirs) {
      const watcher = watch(dir, { recursive: true }, (_event, file) => {
        if (!file || IGNORED.test(String(file)) || !/\.(c|m)?[jt]s$/.test(String(file))) return;
        this.changed.add(relative(process.cwd(), `${dir}/${String(file)}`));
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.restart(), DEBOUNCE_MS);
      });
      this.watchers.push(watcher);
    }
  }

  private restart(): void {
    const files = [...this.changed];
    this.changed.clear();
    console.log(`materia dev: ${files.join(", ")} changed: restarting the worker`);
    this.restarting = this.restarting.then(async () => {
      if (this.child) await stopProcess(this.child, 15_000);
      if (!this.stopped) this.spawnWorker();
    });
  }

  private spawnWorker(): void {
    const { command, args } = this.options.cli;
    const child = spawn(command, [...args, "worker", "--sync", "--definitions", this.options.definitionsPath], { env: this.options.env, stdio: ["ignore", "inherit", "inherit"] });
    this.child = child;
    child.once("exit", (code, signal) => {
      if (this.child !== child || this.stopped) return;
      this.child = undefined;
      if (signal === null && code !== 0) console.error("materia dev: the worker stopped (see above); fix the code and save to start it again.");
    });
  }

  /** Stop watching and stop the worker (draining its steps). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const watcher of this.watchers) watcher.close();
    await this.restarting;
    if (this.child) await stopProcess(this.child, 30_000);
  }
}
