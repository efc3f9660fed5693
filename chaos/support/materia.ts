/**
 * materia as its users run it: the real CLI from this checkout (`worker`,
 * `backfill`, `materialize`, `generate`, …) in its own process, configured
 * only by environment variables. Each runs as one node process (tsx's loader
 * in-process, not tsx's CLI, which would put a second node process between
 * a SIGKILL and the worker it is meant for).
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { loadConfig, SETTINGS } from "../../src/config";
import { storeFromConfig } from "../../src/execution";
import type { ObjectStore } from "../../src/resources/object-store";
import type { Lab } from "./lab";
import type { ChaosProcess } from "./processes";
import { describeExit } from "./processes";

const ROOT = join(__dirname, "..", "..");
const CLI = join(ROOT, "src", "cli", "main.ts");
const TSX_LOADER = pathToFileURL(join(ROOT, "node_modules", "tsx", "dist", "loader.mjs")).href;

export type Settings = Record<string, string>;

/**
 * A materia process's whole environment: the settings given, nothing
 * inherited but what a process needs to run. Every other MATERIA_ setting
 * is set to its default (or empty, read as unset), so a `.env` in the
 * checkout cannot add to it. (TEMPORAL_ and AWS_ variables are left out:
 * the SDKs read those themselves, and take an empty one as set.)
 */
export function materiaEnv(lab: Lab, settings: Settings): NodeJS.ProcessEnv {
  const ours = SETTINGS.filter((setting) => setting.env.startsWith("MATERIA_"));
  const unset = Object.fromEntries(ours.map((setting) => [setting.env, "default" in setting ? setting.default : ""]));
  return {
    ...unset,
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    MATERIA_HOME: lab.home,
    MATERIA_LOG_FORMAT: "json",
    MATERIA_LOG_LEVEL: "info",
    ...settings,
  };
}

/** The object store those settings point at, for checking what was published. */
export function storeOf(lab: Lab, settings: Settings): ObjectStore {
  return storeFromConfig(loadConfig({ readDotenv: false, cwd: lab.dir, env: materiaEnv(lab, settings) }));
}

export function startMateria(lab: Lab, name: string, args: string[], settings: Settings): Promise<ChaosProcess> {
  // From the checkout's root, where its materia.config.ts names the shipped pipelines.
  return lab.start(name, process.execPath, ["--conditions=materia-source", "--import", TSX_LOADER, CLI, ...args], materiaEnv(lab, settings), { cwd: ROOT });
}

export interface CliResult {
  code: number | null;
  process: ChaosProcess;
}

/** Run a CLI command to its end; a command still running after `timeoutMs` is killed and reported as such. */
export async function runMateria(lab: Lab, args: string[], settings: Settings, timeoutMs = 300_000): Promise<CliResult> {
  const cli = await startMateria(lab, `cli-${args[0] ?? "help"}`, args, settings);
  const timer = setTimeout(() => cli.kill("SIGKILL"), timeoutMs);
  const status = await cli.exited;
  clearTimeout(timer);
  if (status.signal !== null) throw new Error(`materia ${args.join(" ")} did not finish (${describeExit(status)}):\n${cli.output().slice(-3000)}`);
  return { code: status.code, process: cli };
}

/** Like runMateria, but a non-zero exit is an error (setup steps that must work). */
export async function runMateriaOk(lab: Lab, args: string[], settings: Settings, timeoutMs?: number): Promise<CliResult> {
  const result = await runMateria(lab, args, settings, timeoutMs);
  if (result.code !== 0) throw new Error(`materia ${args.join(" ")} exited ${result.code}:\n${result.process.output().slice(-3000)}`);
  return result;
}

/** `materia worker`, once it says it started (its workflow bundle is built by then). */
export async function startWorker(lab: Lab, settings: Settings, name = "worker"): Promise<ChaosProcess> {
  const worker = await startMateria(lab, name, ["worker"], settings);
  await worker.waitForLine("worker started", (text) => text.includes('"worker started"'), { timeoutMs: 180_000 });
  return worker;
}

/** Parsed pino JSON lines of a process (other lines skipped). */
export function logRecords(process: ChaosProcess, since = 0): Array<Record<string, unknown> & { at: number }> {
  const records: Array<Record<string, unknown> & { at: number }> = [];
  for (const line of process.lines) {
    if (line.at < since || !line.text.startsWith("{")) continue;
    try {
      records.push({ ...(JSON.parse(line.text) as Record<string, unknown>), at: line.at });
    } catch {
      // Not a log record.
    }
  }
  return records;
}
