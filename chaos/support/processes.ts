/**
 * Every process a scenario starts (dev server, MinIO, workers, CLI commands)
 * runs under the guardian (guardian.cjs) in its own process group: `kill()`
 * signals the real process and anything it spawned, `stop()` is SIGTERM then
 * SIGKILL, and nothing outlives the suite, even when the suite is SIGKILLed.
 * Output is kept with arrival times (scenarios wait for log lines and measure
 * from them) and copied to a log file per process.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";

const GUARDIAN = join(__dirname, "guardian.cjs");

export interface ExitStatus {
  code: number | null;
  signal: string | null;
}

export interface OutputLine {
  at: number;
  text: string;
  stream: "stdout" | "stderr";
}

/** Every guardian still running, so an exiting suite can take them down synchronously. */
const live = new Set<ChaosProcess>();
process.once("exit", () => {
  for (const running of live) running.kill("SIGKILL");
});

export interface StartOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Folder for `<name>.log`. */
  logDir: string;
}

export class ChaosProcess {
  pid = 0;
  readonly lines: OutputLine[] = [];
  readonly exited: Promise<ExitStatus>;
  private status: ExitStatus | undefined;
  private readonly partial = { stdout: "", stderr: "" };
  private readonly log: WriteStream;
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly name: string,
    private readonly guardian: ChildProcess,
    logDir: string,
  ) {
    this.log = createWriteStream(join(logDir, `${name}.log`), { flags: "a" });
    guardian.stdout!.on("data", (chunk: Buffer) => this.collect("stdout", chunk.toString("utf8")));
    guardian.stderr!.on("data", (chunk: Buffer) => this.collect("stderr", chunk.toString("utf8")));
    this.exited = new Promise((resolve) => {
      let reported: ExitStatus | undefined;
      readJsonLines(guardian.stdio[3] as Readable, (message) => {
        if (typeof message.pid === "number") this.pid = message.pid;
        else reported = { code: (message.code as number | null) ?? null, signal: (message.signal as string | null) ?? null };
      });
      guardian.once("close", (code, signal) => {
        this.collect("stdout", "\n");
        this.collect("stderr", "\n");
        this.status = reported ?? { code, signal };
        live.delete(this);
        this.log.end();
        this.wake();
        resolve(this.status);
      });
    });
  }

  static async start(name: string, command: string, args: string[], options: StartOptions): Promise<ChaosProcess> {
    const guardian = spawn(process.execPath, [GUARDIAN, command, ...args], { cwd: options.cwd, env: options.env, stdio: ["pipe", "pipe", "pipe", "pipe"] });
    const started = new ChaosProcess(name, guardian, options.logDir);
    live.add(started);
    // The pid arrives first on fd 3; a command that cannot start exits at once.
    while (started.pid === 0 && started.status === undefined) await started.nextChange();
    return started;
  }

  get running(): boolean {
    return this.status === undefined;
  }

  get exitStatus(): ExitStatus | undefined {
    return this.status;
  }

  /** Everything it printed, both streams, in arrival order. */
  output(): string {
    return this.lines.map((line) => line.text).join("\n");
  }

  stdout(): string {
    return this.lines
      .filter((line) => line.stream === "stdout")
      .map((line) => line.text)
      .join("\n");
  }

  /** The first line (at or after `since`) that `match` accepts; rejects when the process exits first or the deadline passes. */
  async waitForLine(what: string, match: (text: string) => boolean, options: { timeoutMs?: number; since?: number } = {}): Promise<OutputLine> {
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    let checked = 0;
    for (;;) {
      for (; checked < this.lines.length; checked++) {
        const line = this.lines[checked]!;
        if (line.at >= (options.since ?? 0) && match(line.text)) return line;
      }
      if (!this.running) throw new Error(`${this.name} exited (${describeExit(this.status!)}) before ${what}:\n${this.output().slice(-3000)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Timed out waiting for ${what} from ${this.name}:\n${this.output().slice(-3000)}`);
      await this.nextChange(left);
    }
  }

  /** Its exit status, once it exits; throws when it is still running after `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<ExitStatus> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.name} still running after ${Math.round(timeoutMs / 1000)} s:\n${this.output().slice(-3000)}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Signal the process group (the process and anything it started). */
  kill(signal: NodeJS.Signals): void {
    if (!this.running || this.pid === 0) return;
    try {
      process.kill(-this.pid, signal);
    } catch {
      // Exited meanwhile.
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  async stop(graceMs = 10_000): Promise<ExitStatus> {
    if (!this.running) return this.status!;
    this.kill("SIGTERM");
    const timer = setTimeout(() => this.kill("SIGKILL"), graceMs);
    const status = await this.exited;
    clearTimeout(timer);
    return status;
  }

  private collect(stream: OutputLine["stream"], text: string): void {
    const parts = (this.partial[stream] + text).split("\n");
    this.partial[stream] = parts.pop() ?? "";
    const at = Date.now();
    for (const part of parts) {
      if (part.trim() === "") continue;
      this.lines.push({ at, text: part, stream });
      this.log.write(`${new Date(at).toISOString()} ${part}\n`);
    }
    if (parts.length > 0) this.wake();
  }

  private nextChange(timeoutMs = 1_000): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.min(timeoutMs, 1_000));
      this.waiters.add(done);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

export function describeExit(status: ExitStatus): string {
  return status.signal !== null ? `signal ${status.signal}` : `code ${status.code}`;
}

function readJsonLines(stream: Readable, onMessage: (message: Record<string, unknown>) => void): void {
  let buffered = "";
  stream.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    for (let newline = buffered.indexOf("\n"); newline >= 0; newline = buffered.indexOf("\n")) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      try {
        onMessage(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // Not ours.
      }
    }
  });
}
