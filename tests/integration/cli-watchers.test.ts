/**
 * The CLI's watchers against a Temporal dev server of this file's own (a free
 * loopback port, a throwaway SQLite file), so the tests can stop and restart
 * it: `materia backfill` rides out a server restart and reports the result;
 * a watcher whose server does not come back exits 3; a failed workflow
 * prints its typed cause; a failed backfill names its failed partitions;
 * `sensors sync` and `sensors list` count the same workflows.
 * Every process is started here and stopped in afterAll, even on failure.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, Connection } from "@temporalio/client";
import { runGenerator } from "materia/testing";
import { exampleGenerator } from "../../src/assets/example";
import { loadConfig } from "../../src/config";
import { createObjectStore } from "../../src/resources/object-store";
import { startTemporalDevServer, type TemporalStack } from "../../src/temporal/dev-server";
import { runWorkflowId } from "../../src/temporal/shared";
import { findFreePort, stopProcess } from "../../src/utils/process";
import { resolveTool } from "../../src/utils/tools";
import { tsxArgs } from "../support/child-processes";

const ROOT = join(__dirname, "..", "..");
const CLI = join(ROOT, "src", "cli", "main.ts");
const OLD_DEFINITIONS_WORKER = join(__dirname, "cli-watchers-old-worker.ts");
const MINUTE = 60_000;

interface Child {
  process: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const children = new Set<ChildProcess>();

function startChild(script: string, args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, tsxArgs(script, ...args), { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => void (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { process: child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Poll `probe` until it holds; fail after a generous deadline, saying what was awaited. */
const outputOf = (child: Child): string => `\nstdout:\n${child.stdout()}\nstderr:\n${child.stderr()}`;

/** Poll `probe` until it holds; fail after a generous deadline, saying what was awaited (and what `child` printed). */
async function waitFor(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 3 * MINUTE, child?: Child): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${child ? outputOf(child) : ""}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Wait for `child` to exit and check its code, showing its output when it is not the one expected. */
async function expectExit(child: Child, expected: number, what: string, timeoutMs = 5 * MINUTE): Promise<void> {
  let code: number | null | undefined;
  void child.exited.then((c) => (code = c));
  await waitFor(`${what} to exit`, () => code !== undefined, timeoutMs, child);
  if (code !== expected) throw new Error(`${what} exited with ${String(code)}, expected ${expected}${outputOf(child)}`);
}

describe("the CLI's watchers", () => {
  const home = mkdtempSync(join(tmpdir(), "materia-watchers-"));
  const lake = `file://${join(home, "lake")}`;
  const dbFile = join(home, "temporal.sqlite");
  let port = 0;
  let uiPort = 0;
  let server: TemporalStack | undefined;
  const clients: Connection[] = [];

  const address = (): string => `127.0.0.1:${port}`;
  const up = async (): Promise<void> => {
    const tool = resolveTool("temporal", loadConfig({ readDotenv: false }).home);
    if (!tool) throw new Error("no Temporal CLI binary: run `npm run tools`");
    server ??= await startTemporalDevServer({ home, port, uiPort, namespace: "default", cliPath: tool.path, dbFile });
  };
  const down = async (): Promise<void> => {
    await server?.stop();
    server = undefined;
  };
  const client = async (): Promise<Client> => {
    const connection = await Connection.connect({ address: address() });
    clients.push(connection);
    return new Client({ connection });
  };
  /** The environment of every materia process here: this file's server, lake and a task queue of the test's own. */
  const envFor = (taskQueue: string, extra: Record<string, string> = {}): Record<string, string> => ({
    MATERIA_HOME: home,
    MATERIA_STORAGE_URL: lake,
    TEMPORAL_ADDRESS: address(),
    MATERIA_TASK_QUEUE: taskQueue,
    MATERIA_LOG_LEVEL: "info",
    MATERIA_LOG_FORMAT: "json",
    ...extra,
  });
  const materia = (args: string[], env: Record<string, string>): Child => startChild(CLI, args, env);
  const materiaWorker = async (taskQueue: string): Promise<Child> => {
    const worker = materia(["worker"], envFor(taskQueue));
    await waitFor("the materia worker to start", () => worker.stderr().includes("worker started"), 5 * MINUTE, worker);
    return worker;
  };

  beforeAll(async () => {
    [port, uiPort] = [await findFreePort(), await findFreePort()];
    await up();
  });

  afterAll(async () => {
    await Promise.allSettled([...children].map((child) => stopProcess(child, 10_000)));
    await Promise.allSettled(clients.map((connection) => connection.close()));
    await down();
    rmSync(home, { recursive: true, force: true });
  });

  it("prints a failed workflow's typed cause and hint (a worker with other definitions), not 'Workflow execution failed'", async () => {
    await up();
    // The fixture worker serves shop/* only: the CLI's definitions have group "example", the worker's do not.
    const worker = startChild(OLD_DEFINITIONS_WORKER, [], envFor("watchers-cause"));
    await waitFor("the worker with older definitions", () => worker.stdout().includes("worker-ready"), 5 * MINUTE, worker);
    const run = materia(["materialize", "--select", "group:example", "--partition", "2025-01", "--wait"], envFor("watchers-cause"));
    await expectExit(run, 1, "materialize --wait");
    expect(run.stderr()).toContain('SelectionError: No asset has group "example"');
    expect(run.stderr()).toContain("activity planRun");
    expect(run.stderr()).toContain("restart the worker");
    const backfill = materia(["backfill", "--select", "group:example", "--from", "2025-01", "--to", "2025-02"], envFor("watchers-cause"));
    await expectExit(backfill, 1, "backfill");
    expect(backfill.stderr()).toMatch(/failed \(in activity planBackfill\): SelectionError: No asset has group "example"/);
    await stopProcess(worker.process);
  });

  it("`materia backfill` carries on through a server restart and reports the final result", async () => {
    await up();
    const store = createObjectStore(lake);
    await runGenerator(exampleGenerator, { store, from: "2025-01", to: "2025-02" });
    // No worker yet: the backfill cannot finish before the server goes away.
    const backfill = materia(["backfill", "--job", "example_monthly", "--from", "2025-01", "--to", "2025-02", "--concurrency", "1"], envFor("watchers-restart", { MATERIA_CLI_RECONNECT_SECONDS: "600" }));
    await waitFor("the backfill to start", () => /backfill (materia-backfill:\S+): /.test(backfill.stderr()), 3 * MINUTE, backfill);
    const id = /backfill (materia-backfill:\S+): /.exec(backfill.stderr())![1]!;

    await down();
    await waitFor("the watcher to say it is reconnecting", () => backfill.stderr().includes("reconnecting"), 3 * MINUTE, backfill);
    expect(backfill.process.exitCode).toBeNull();
    await up();
    const worker = await materiaWorker("watchers-restart");

    await expectExit(backfill, 0, "the backfill watcher");
    expect(backfill.stderr()).toContain("reconnected to Temporal");
    expect(backfill.stdout()).toMatch(/backfill succeeded: 5 done, 0 failed, 0 kept, 0 not run, 0 waiting of 5 asset partitions \(2 partitions\)/);

    // `backfill status --json` prints JSON (the parent command's --json used to swallow it).
    const status = materia(["backfill", "status", id, "--json"], envFor("watchers-restart"));
    await expectExit(status, 0, "backfill status");
    expect(JSON.parse(status.stdout())).toMatchObject({ id, status: "COMPLETED" });

    // A backfill whose partitions fail lists them, with the step and why. No landing data for these months.
    const failing = materia(["backfill", "--job", "example_monthly", "--from", "2025-05", "--to", "2025-06"], envFor("watchers-restart"));
    await expectExit(failing, 1, "the failing backfill");
    expect(failing.stdout()).toMatch(/backfill failed: 0 done, 2 failed/);
    expect(failing.stdout()).toMatch(/2025-05\s+failed\s+example\/page_views: .*2025-05/);
    expect(failing.stdout()).toMatch(/2025-06\s+failed\s+example\/page_views: .*2025-06/);
    expect(failing.stderr()).not.toContain("Workflow execution failed");
    await stopProcess(worker.process);
  });

  it("`sensors sync` and `sensors list` agree, the freshness monitor on its own line in both", async () => {
    await up();
    const sync = materia(["sensors", "sync"], envFor("watchers-sensors"));
    await expectExit(sync, 0, "sensors sync");
    const list = materia(["sensors", "list", "--json"], envFor("watchers-sensors"));
    await expectExit(list, 0, "sensors list");
    const rows = JSON.parse(list.stdout()) as Array<{ kind: string; status: string }>;
    const sensors = rows.filter((r) => r.kind === "sensor");
    expect(sync.stdout()).toContain(`sensors: ${sensors.length} running`);
    expect(sync.stdout()).toContain("freshness monitor running");
    expect(rows.filter((r) => r.kind === "freshness-monitor")).toEqual([expect.objectContaining({ status: "RUNNING" })]);
    expect(sensors.every((r) => r.status === "RUNNING")).toBe(true);
  });

  it("a watcher whose server does not come back gives up as unreachable (exit 3)", async () => {
    await up();
    // No worker: the run waits, and so does `materialize --wait`.
    const run = materia(["materialize", "--select", "group:example", "--partition", "2025-03", "--wait"], envFor("watchers-give-up", { MATERIA_CLI_RECONNECT_SECONDS: "5" }));
    const temporal = await client();
    const workflowId = runWorkflowId({ selection: "group:example" }, ["2025-03"]);
    await waitFor("the run to be started", async () => {
      const description = await temporal.workflow.getHandle(workflowId).describe().catch(() => undefined);
      return description?.status.name === "RUNNING" && description.taskQueue === "watchers-give-up";
    });
    await down();
    await expectExit(run, 3, "materialize --wait");
    expect(run.stderr()).toContain("reconnecting for up to 5s");
    expect(run.stderr()).toContain(`${address()} is not reachable`);
  });
});
