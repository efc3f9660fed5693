/**
 * A scenario's throwaway world: its folders (state, MATERIA_HOME, logs), the
 * processes it started (all stopped by `close()`, whatever happened), and
 * the figures and problems it reports. A problem does not stop the scenario
 * at once: it goes on measuring, so the table shows every figure, and the
 * scenario fails.
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChaosProcess } from "./processes";

export type Figure = string | number;

export class Lab {
  readonly dir: string;
  /** MATERIA_HOME of every materia process of this scenario. */
  readonly home: string;
  readonly logDir: string;
  readonly figures = new Map<string, Figure>();
  readonly problems: string[] = [];
  /** Lines printed under the table (too long for a row). */
  readonly details: string[] = [];
  readonly processes: ChaosProcess[] = [];
  private counter = 0;

  constructor(
    readonly scenario: string,
    root: string,
  ) {
    mkdirSync(root, { recursive: true });
    this.dir = mkdtempSync(join(root, `${scenario}-`));
    this.home = join(this.dir, "home");
    this.logDir = join(this.dir, "logs");
    mkdirSync(this.home, { recursive: true });
    mkdirSync(this.logDir, { recursive: true });
  }

  /** Start a guarded process; `name` gets a sequence number so every log file is its own. */
  async start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, options: { cwd?: string } = {}): Promise<ChaosProcess> {
    const started = await ChaosProcess.start(`${String(++this.counter).padStart(2, "0")}-${name}`, command, args, { env, cwd: options.cwd ?? this.dir, logDir: this.logDir });
    this.processes.push(started);
    return started;
  }

  figure(name: string, value: Figure): void {
    this.figures.set(name, value);
  }

  detail(text: string): void {
    this.details.push(text);
  }

  /** Record a broken expectation (the scenario fails) and go on. */
  problem(text: string): void {
    this.problems.push(text);
  }

  /** `actual` must equal `expected`; otherwise a problem naming `what`. Returns whether it held. */
  expectEqual(what: string, actual: unknown, expected: unknown): boolean {
    const ok = JSON.stringify(actual) === JSON.stringify(expected);
    if (!ok) this.problem(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    return ok;
  }

  /** Every process this scenario started, stopped; stragglers SIGKILLed. */
  async close(): Promise<void> {
    await Promise.all(this.processes.filter((p) => p.running).map((p) => p.stop(10_000)));
  }
}

/** The suite's root folder for one invocation. */
export function labRoot(): string {
  return mkdtempSync(join(tmpdir(), "materia-chaos-"));
}
