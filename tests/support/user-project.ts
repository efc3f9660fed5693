/**
 * A project outside this repository, as a team has one: its own folder with
 * its materia.config.ts and definitions, "materia" resolvable from its
 * node_modules (as `npm install materia` makes it; here: this checkout, which
 * the tests' source condition resolves to src/), and the materia CLI run from
 * source in that folder.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTsProcess, tsxArgs, type TestProcess } from "./child-processes";

const ROOT = join(__dirname, "..", "..");
const CLI = join(ROOT, "src", "cli", "main.ts");

/** A new folder under the system temp folder holding `files` (path → text). */
export function userProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "materia-project-"));
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(ROOT, join(dir, "node_modules", "materia"), "dir");
  // A library the project itself depends on (for its resources' settings and run config schemas).
  symlinkSync(join(ROOT, "node_modules", "zod"), join(dir, "node_modules", "zod"), "dir");
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a project's CLI: its own MATERIA_HOME, quiet JSON logs, then `env`. */
function cliEnv(cwd: string, env: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, MATERIA_HOME: join(cwd, ".materia"), MATERIA_LOG_LEVEL: "warn", MATERIA_LOG_FORMAT: "json", ...env };
}

/** `materia <args>` in `cwd`, synchronously (for commands that finish at once). */
export function materiaSync(cwd: string, args: string[], env: Record<string, string> = {}): CliResult {
  const result = spawnSync(process.execPath, tsxArgs(CLI, ...args), { cwd, encoding: "utf8", timeout: 120_000, env: cliEnv(cwd, env) });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `materia <args>` in `cwd`, without blocking this process (so processes it started keep being read). */
export function materia(cwd: string, args: string[], env: Record<string, string> = {}, timeoutMs = 300_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, tsxArgs(CLI, ...args), { cwd, env: cliEnv(cwd, env), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A long-running `materia <args>` (a worker) in `cwd`, tracked and stopped like every test process; it exits when this process is gone. */
export function startMateria(cwd: string, args: string[], env: Record<string, string> = {}): TestProcess {
  const settings = Object.fromEntries(Object.entries(cliEnv(cwd, env)).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return startTsProcess(join(__dirname, "materia-cli-process.ts"), settings, { args, cwd });
}
