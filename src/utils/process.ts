/** Small helpers for the child processes materia manages (dev server, MinIO). */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { createServer } from "node:net";

/** True when nothing listens on host:port (we can bind it). */
export function isPortFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port the OS says is free right now (tests use it to avoid fixed ports). */
export function findFreePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ port: 0, host }, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Poll `probe` until it returns true, the child exits, or the deadline
 * passes. Returns a reason on failure so the caller can say what happened.
 */
export async function waitUntil(
  probe: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; child?: ChildProcess },
): Promise<{ ok: true } | { ok: false; reason: "timeout" | "exited"; exitCode: number | null }> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (options.child && options.child.exitCode !== null) return { ok: false, reason: "exited", exitCode: options.child.exitCode };
    if (await probe().catch(() => false)) return { ok: true };
    await sleep(options.intervalMs ?? 250);
  }
  return { ok: false, reason: "timeout", exitCode: null };
}

/** A child process whose last output lines are kept for error messages. */
export interface ManagedProcess {
  child: ChildProcess;
  recentOutput(): string;
  stop(timeoutMs?: number): Promise<void>;
}

/** Managed children still running; killed when this process exits, however it exits, so no server outlives materia. */
const managedChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function trackUntilExit(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Only synchronous work is possible here: a signal is all a dying process can send.
    process.once("exit", () => {
      for (const running of managedChildren) running.kill("SIGKILL");
    });
  }
  managedChildren.add(child);
  child.once("exit", () => managedChildren.delete(child));
}

export function spawnManaged(command: string, args: string[], options: SpawnOptions & { keepLines?: number } = {}): ManagedProcess {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
  trackUntilExit(child);
  const lines: string[] = [];
  const keep = options.keepLines ?? 40;
  const collect = (chunk: Buffer): void => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (line.trim() === "") continue;
      lines.push(line);
      if (lines.length > keep) lines.shift();
    }
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  return {
    child,
    recentOutput: () => lines.join("\n"),
    stop: (timeoutMs = 10_000) => stopProcess(child, timeoutMs),
  };
}

/** SIGTERM, then SIGKILL after `timeoutMs`. Resolves when the process has exited. */
export function stopProcess(child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
