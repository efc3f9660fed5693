/**
 * The README walk: the command blocks README.md marks `<!-- readme-walk -->`
 * run line by line in bash, as a reader would type them, on a fresh
 * MATERIA_HOME and throwaway ports.
 *
 * Every ```bash block carries a marker on the line before it:
 * - `<!-- readme-walk -->`: run in this checkout;
 * - `<!-- readme-walk: new folder -->`: run in a new empty folder outside it
 *   (a project of the reader's own; its MATERIA_HOME is its own `.materia`);
 * - `<!-- readme-walk: skip (why) -->`: not run (why is said there).
 *
 * How the commands run:
 * - "the checkout" is a copy of this checkout's files (tracked and new, as
 *   the working tree has them; no dist/, no .materia/; node_modules linked),
 *   so an edit or a build made while the walk runs reaches neither its
 *   `materia dev` watcher nor its workers' workflow bundle;
 * - `npx materia …` is this checkout's CLI from source (tsx, "materia"
 *   resolving to src/), as `npm run materia -- …` is by its own script;
 * - in the checkout, `npm start [-- args]` is `materia demo [args]` from
 *   source (what the script runs, without its build), `npm install` is a
 *   no-op (the walk runs on this checkout's install) and `npm test` is
 *   skipped (it is the suite the walk is part of);
 * - in a new folder, `npm install` links the package's dependencies from
 *   this checkout (materia itself included) instead of fetching them (the
 *   packed tarball path is tests/integration/package-install.test.ts);
 *   everything else is the real npm;
 * - `materia dev` (and a `--keep` demo) runs in the background until the end
 *   of its block, and the walk waits for its worker to be ready;
 * - `<backfill id>` is the id the last `backfill` command printed; any other
 *   `<placeholder>` fails the walk.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { tsxArgs } from "./child-processes";
import { waitFor } from "./wait";

const ROOT = realpathSync(join(__dirname, "..", ".."));
const GUARDIAN = join(ROOT, "chaos", "support", "guardian.cjs");

export interface WalkCommand {
  /** README.md line number (1-based). */
  line: number;
  text: string;
  background: boolean;
}

export interface WalkBlock {
  line: number;
  where: "checkout" | "new folder";
  commands: WalkCommand[];
}

export interface ReadmeBlocks {
  walked: WalkBlock[];
  skipped: Array<{ line: number; reason: string }>;
  /** Lines of ```bash blocks with no marker: the walk refuses them, so no documented block escapes it unnoticed. */
  unmarked: number[];
}

const MARKER = /^<!--\s*readme-walk(?::\s*(.*?))?\s*-->$/;
const BACKGROUND = /(?:npx materia|npm run materia --)\s+dev\b|--keep\b/;

export function readmeBlocks(markdown: string): ReadmeBlocks {
  const lines = markdown.split("\n");
  const result: ReadmeBlocks = { walked: [], skipped: [], unmarked: [] };
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!fence) continue;
    const start = i;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    i = end;
    if (fence[1] !== "bash") continue;
    let before = start - 1;
    while (before >= 0 && lines[before]!.trim() === "") before--;
    const marker = before >= 0 ? MARKER.exec(lines[before]!.trim()) : null;
    if (!marker) {
      result.unmarked.push(start + 1);
      continue;
    }
    const option = marker[1] ?? "";
    if (option.startsWith("skip")) {
      result.skipped.push({ line: start + 1, reason: option.replace(/^skip\s*/, "").replace(/^\((.*)\)$/, "$1") || "skip" });
      continue;
    }
    if (option !== "" && option !== "new folder") throw new Error(`README.md:${before + 1}: unknown readme-walk marker "${option}" (none, "new folder" or "skip (why)")`);
    const commands: WalkCommand[] = [];
    for (let j = start + 1; j < end; j++) {
      let text = lines[j]!;
      const line = j + 1;
      while (text.endsWith("\\") && j + 1 < end) text = `${text.slice(0, -1)} ${lines[++j]!.trim()}`;
      if (text.trim() === "" || text.trim().startsWith("#")) continue;
      commands.push({ line, text: text.trim(), background: BACKGROUND.test(text.slice(0, commentStart(text))) });
    }
    result.walked.push({ line: start + 1, where: option === "new folder" ? "new folder" : "checkout", commands });
  }
  return result;
}

/** A copy of this checkout's files in `dest` (see the header); returns its real path. */
export function snapshotCheckout(dest: string): string {
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
  for (const file of files) {
    // A tracked file deleted in the working tree is deleted in the copy too; links and folders
    // (a node_modules or tool folder linked in from elsewhere shows as an untracked file) are not copied.
    if (!existsSync(join(ROOT, file)) || !lstatSync(join(ROOT, file)).isFile()) continue;
    mkdirSync(dirname(join(dest, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(dest, file));
  }
  symlinkSync(join(ROOT, "node_modules"), join(dest, "node_modules"), "dir");
  return realpathSync(dest);
}

/** The shell functions that route the README's npm/npx commands (see the header). */
function preamble(checkout: string): string {
  const cli = tsxArgs(join(checkout, "src", "cli", "main.ts")).map((arg) => `'${arg}'`).join(" ");
  return `set -o pipefail
__materia() { node ${cli} "$@"; }
npx() {
  if [ "$1" = materia ]; then shift; __materia "$@"; else command npx "$@"; fi
}
npm() {
  if [ "$(pwd -P)" = "$MATERIA_WALK_ROOT" ]; then
    case "$1" in
      start) shift; [ "$1" = -- ] && shift; __materia demo "$@"; return ;;
      install) if [ $# -eq 1 ]; then echo "readme walk: npm install: this checkout is installed already"; return 0; fi ;;
      test) echo "readme walk: npm test: skipped (the suite this walk is part of)"; return 0 ;;
    esac
  elif [ "$1" = install ] && [ $# -eq 1 ]; then
    node -e "$MATERIA_WALK_LINK_JS" "$MATERIA_WALK_ROOT"; return
  fi
  command npm "$@"
}
`;
}

/** `npm install` in a new project: its dependencies linked from this checkout (materia is the checkout itself). */
const LINK_JS = `
const fs = require("fs"), path = require("path");
const root = process.argv[1];
const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
const names = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
for (const name of names) {
  const target = name === pkg.name ? null : name === "materia" ? root : path.join(root, "node_modules", name);
  if (!target) continue;
  if (!fs.existsSync(target)) { console.error("readme walk: npm install: " + name + " is not installed in the checkout"); process.exit(1); }
  const link = path.join("node_modules", name);
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.rmSync(link, { force: true });
  fs.symlinkSync(target, link, "dir");
}
console.log("readme walk: npm install: linked " + names.join(", ") + " from the checkout");
`;

/** The environment of the walk's shells in `checkout` (a snapshot): this process's, minus its materia/Temporal/AWS settings, plus `settings`. */
export function walkEnvironment(checkout: string, settings: Record<string, string>): Record<string, string> {
  const base = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined && !/^(MATERIA_|TEMPORAL_|AWS_|BASH_ENV$)/.test(entry[0])));
  const nodeOptions = [base.NODE_OPTIONS, "--conditions=materia-source"].filter(Boolean).join(" ");
  return { ...base, NODE_OPTIONS: nodeOptions, ...settings, MATERIA_WALK_ROOT: checkout, MATERIA_WALK_LINK_JS: LINK_JS };
}

/** One command line in bash, in its own process group under the guardian (gone with this process, however it dies). */
class ShellCommand {
  private readonly guardian: ChildProcess;
  private text = "";
  private groupPid: number | undefined;
  readonly exited: Promise<number | null>;
  readonly started = Date.now();

  constructor(script: string, cwd: string, env: Record<string, string>) {
    this.guardian = spawn(process.execPath, [GUARDIAN, "bash", "-c", script], { cwd, env, stdio: ["pipe", "pipe", "pipe", "pipe"] });
    running.add(this);
    const collect = (chunk: Buffer) => {
      this.text += chunk.toString("utf8");
      // Keep the tail: a failing command is reported by its last lines.
      if (this.text.length > 400_000) this.text = this.text.slice(-200_000);
    };
    this.guardian.stdout!.on("data", collect);
    this.guardian.stderr!.on("data", collect);
    (this.guardian.stdio[3] as NodeJS.ReadableStream).on("data", (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
        const message = JSON.parse(line) as { pid?: number };
        if (message.pid !== undefined) this.groupPid = message.pid;
      }
    });
    this.exited = new Promise((resolve) => this.guardian.once("exit", (code) => resolve(code)));
    void this.exited.then(() => running.delete(this));
  }

  output(): string {
    return this.text;
  }

  get done(): boolean {
    return this.guardian.exitCode !== null || this.guardian.signalCode !== null;
  }

  /** Ctrl-C to its whole group, as a terminal would; whatever is left after `timeoutMs` is killed. */
  async interrupt(timeoutMs = 90_000): Promise<void> {
    if (this.done) return;
    this.guardian.kill("SIGINT");
    const stopped = await Promise.race([this.exited.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref())]);
    if (!stopped) this.killNow();
    await this.exited;
  }

  killNow(): void {
    try {
      if (this.groupPid !== undefined) process.kill(-this.groupPid, "SIGKILL");
    } catch {
      // already gone
    }
    this.guardian.kill("SIGKILL");
  }
}

const running = new Set<ShellCommand>();
process.on("exit", () => {
  for (const command of running) command.killNow();
});

/** Where a command line's comment starts: the first `#` after a blank, outside quotes (its length when none). */
function commentStart(text: string): number {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"') i++;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "\\") i++;
    else if (c === "#" && (i === 0 || /\s/.test(text[i - 1]!))) return i;
  }
  return text.length;
}

function tail(text: string, lines = 60): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n").slice(-8000);
}

export interface WalkStep {
  line: number;
  text: string;
  seconds: number;
  background: boolean;
}

/** Runs blocks in order, keeping what later commands need (the last backfill id). */
export class ReadmeWalk {
  private readonly placeholders = new Map<string, string>();
  readonly steps: WalkStep[] = [];

  constructor(
    private readonly options: {
      /** A folder of the walk's own (cwd files, new folders). */
      workDir: string;
      /** The checkout the walk runs in (snapshotCheckout). */
      checkout: string;
      /** The environment of every command (see walkEnvironment). */
      env: Record<string, string>;
      /** Settings of checkout blocks only (their fresh MATERIA_HOME). */
      checkoutEnv: Record<string, string>;
      commandTimeoutMs?: number;
      readyTimeoutMs?: number;
    },
  ) {}

  async runBlock(block: WalkBlock, newFolder: () => string): Promise<void> {
    let cwd = block.where === "checkout" ? this.options.checkout : newFolder();
    const env = block.where === "checkout" ? { ...this.options.env, ...this.options.checkoutEnv } : this.options.env;
    const background: Array<{ command: WalkCommand; shell: ShellCommand }> = [];
    const cwdFile = join(this.options.workDir, "cwd");
    mkdirSync(this.options.workDir, { recursive: true });
    const failure = (command: WalkCommand, what: string, output: string) => {
      const others = background.filter((b) => b.shell.done).map((b) => `\n--- README.md:${b.command.line} \`${b.command.text}\` (in the background) exited; its last lines:\n${tail(b.shell.output(), 30)}`);
      return new Error(`README.md:${command.line}: \`${command.text}\` ${what}; its last lines:\n${tail(output)}${others.join("")}\n(everything the walk's commands printed: ${this.transcript})`);
    };
    try {
      for (const command of block.commands) {
        const text = this.fill(command);
        if (command.background) {
          const shell = new ShellCommand(`${preamble(this.options.checkout)}\n${text}\n`, cwd, env);
          background.push({ command, shell });
          await waitFor(`README.md:${command.line} to be ready`, () => {
            if (/worker ready|keep running/.test(shell.output())) return true;
            if (shell.done) throw failure(command, "exited before it was ready", shell.output());
            return false;
          }, { timeoutMs: this.options.readyTimeoutMs ?? 300_000 }).catch((error: Error) => {
            throw error.message.startsWith("README.md") ? error : failure(command, `was not ready in time (${error.message})`, shell.output());
          });
          this.steps.push({ line: command.line, text: command.text, seconds: (Date.now() - shell.started) / 1000, background: true });
          continue;
        }
        const shell = new ShellCommand(`${preamble(this.options.checkout)}\n${text}\n__rc=$?; pwd -P > '${cwdFile}'; exit $__rc\n`, cwd, env);
        const timeoutMs = this.options.commandTimeoutMs ?? 600_000;
        const timer = setTimeout(() => shell.killNow(), timeoutMs);
        const code = await shell.exited.finally(() => clearTimeout(timer));
        const seconds = (Date.now() - shell.started) / 1000;
        if (code !== 0) this.record(command, shell.output());
        if (code !== 0) throw failure(command, code === null ? `was killed after ${Math.round(seconds)} s (limit ${timeoutMs / 1000} s)` : `exited ${code} after ${Math.round(seconds)} s`, shell.output());
        this.steps.push({ line: command.line, text: command.text, seconds, background: false });
        this.record(command, shell.output());
        cwd = readFileSync(cwdFile, "utf8").trim();
        const backfill = [...shell.output().matchAll(/^backfill (materia-backfill:\S+): /gm)].pop();
        if (backfill) this.placeholders.set("<backfill id>", backfill[1]!);
      }
    } finally {
      // The end of the block: Ctrl-C to what it left running (materia dev stops its workers and dev server).
      await Promise.all(background.map((b) => b.shell.interrupt()));
      for (const b of background) this.record(b.command, b.shell.output());
    }
  }

  /** Everything each command printed, in `<workDir>/transcript.log`. */
  get transcript(): string {
    return join(this.options.workDir, "transcript.log");
  }

  private record(command: WalkCommand, output: string): void {
    appendFileSync(this.transcript, `\n===== README.md:${command.line}: ${command.text}\n${output}`);
  }

  /** The command with its placeholders filled in from earlier output. */
  private fill(command: WalkCommand): string {
    // Placeholders in the command, not in its comment (which may name some for the reader).
    const at = commentStart(command.text);
    let text = command.text.slice(0, at);
    for (const [placeholder, value] of this.placeholders) text = text.split(placeholder).join(`'${value}'`);
    const unknown = /<[a-z][^<>]*>/i.exec(text);
    if (unknown) throw new Error(`README.md:${command.line}: \`${command.text}\`: the walk cannot fill ${unknown[0]} (it knows ${[...this.placeholders.keys()].join(", ") || "no placeholder yet"}; see tests/support/readme-walk.ts)`);
    return text + command.text.slice(at);
  }
}
