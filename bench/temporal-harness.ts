/**
 * A throwaway Temporal dev server (free loopback ports, its own state) and
 * an in-process materia worker for benchmarks that go through Temporal.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, Connection } from "@temporalio/client";
import { loadConfig, type MateriaConfig } from "../src/config";
import type { Definitions } from "../src/core";
import { createExecutionEnvironment, type ExecutionEnvironment } from "../src/execution";
import { startTemporalDevServer } from "../src/temporal/dev-server";
import { createMateriaWorker } from "../src/temporal/worker";
import { createLogger } from "../src/utils/logger";
import { findFreePort } from "../src/utils/process";
import { resolveTool } from "../src/utils/tools";

export interface BenchTemporal {
  home: string;
  config: MateriaConfig;
  env: ExecutionEnvironment;
  client: Client;
  taskQueue: string;
  /** CPU seconds the dev server has used so far (Linux), or undefined. */
  serverCpuSeconds(): number | undefined;
}

/** Run `work` against a fresh dev server and worker; everything is stopped and deleted afterwards. */
export async function withBenchTemporal<T>(definitions: Definitions, settings: Record<string, string>, work: (bench: BenchTemporal) => Promise<T>): Promise<T> {
  const home = mkdtempSync(join(tmpdir(), "materia-bench-"));
  const repo = loadConfig({ readDotenv: false });
  const cli = resolveTool("temporal", repo.home, repo.temporal.cliPath);
  const [port, uiPort] = [await findFreePort(), await findFreePort()];
  const server = await startTemporalDevServer({ home, port, uiPort, namespace: "default", cliPath: cli?.path, dbFile: join(home, "temporal.sqlite") });
  const taskQueue = "bench";
  const config = loadConfig({
    readDotenv: false,
    env: { MATERIA_HOME: home, MATERIA_STORAGE_URL: `file://${join(home, "lake")}`, TEMPORAL_ADDRESS: server.address, MATERIA_TASK_QUEUE: taskQueue, ...settings },
  });
  const log = createLogger({ level: "error", format: "json" });
  const env = createExecutionEnvironment(config, log);
  const { worker, close } = await createMateriaWorker({ config, log, definitions, env });
  const running = worker.run();
  const connection = await Connection.connect({ address: server.address });
  try {
    return await work({ home, config, env, client: new Client({ connection }), taskQueue, serverCpuSeconds: () => processCpuSeconds(server.pid) });
  } finally {
    worker.shutdown();
    await running;
    await close();
    await connection.close();
    await server.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

/** CPU seconds the whole machine has spent busy since boot (Linux /proc/stat), or undefined elsewhere. */
export function machineBusySeconds(): number | undefined {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = fields;
    return (user + nice + system + irq + softirq) / 100;
  } catch {
    return undefined;
  }
}

/** utime + stime of a process from /proc/<pid>/stat (clock ticks of 1/100 s), or undefined. */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}
