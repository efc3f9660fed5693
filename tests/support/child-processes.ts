/**
 * Processes a test starts (workers in their own process, so a test can
 * SIGKILL them) are tracked here and always stopped: by the test's
 * `stopChildren()` in afterAll/finally, by this Jest worker's exit, and —
 * should Jest itself be killed — by the child itself, which exits when the
 * pipe to its parent closes (see `exitWithParent`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { stopProcess } from "../../src/utils/process";
import { waitFor } from "./wait";

const ROOT = join(__dirname, "..", "..");
const TSX = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");

/**
 * node's arguments to run `file` from source with tsx, "materia" resolving to
 * this checkout's sources. The condition goes after tsx's own path: tsx hands
 * node flags given there on to the node process it starts, while one given
 * before it stays with the launcher (and "materia" would resolve to dist/).
 */
export function tsxArgs(file: string, ...args: string[]): string[] {
  return [TSX, "--conditions=materia-source", file, ...args];
}

const running = new Set<ChildProcess>();

process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export interface TestProcess {
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves once its output contains `text`; rejects if it exits first or the deadline passes. */
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): void;
  stop(): Promise<void>;
}

/** Run a TypeScript file with tsx in its own process; its stdin stays open so it can tell when this process is gone. */
export function startTsProcess(file: string, env: Record<string, string>, options: { args?: string[]; cwd?: string } = {}): TestProcess {
  const child = spawn(process.execPath, tsxArgs(file, ...(options.args ?? [])), { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"], ...(options.cwd !== undefined ? { cwd: options.cwd } : {}) });
  running.add(child);
  child.once("exit", () => running.delete(child));
  let output = "";
  const collect = (chunk: Buffer) => (output += chunk.toString());
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  return {
    child,
    output: () => output,
    waitForOutput: (text, timeoutMs = 120_000) =>
      waitFor(`"${text}" from ${file}`, () => {
        if (output.includes(text)) return true;
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`it exited (${child.exitCode ?? child.signalCode}) first:\n${output.slice(-4000)}`);
        return false;
      }, { timeoutMs }).then(() => undefined),
    kill: (signal = "SIGKILL") => child.kill(signal),
    stop: () => stopProcess(child, 10_000),
  };
}

/** Stop every process this test file started that is still running. */
export async function stopChildren(): Promise<void> {
  await Promise.all([...running].map((child) => stopProcess(child, 10_000)));
}

/** In a child started by `startTsProcess`: exit as soon as the parent is gone (its end of stdin closes). */
export function exitWithParent(): void {
  process.stdin.on("end", () => process.exit(1));
  process.stdin.on("error", () => process.exit(1));
  process.stdin.resume();
}
