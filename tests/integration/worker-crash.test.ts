import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Client, Connection } from "@temporalio/client";
import { Catalog } from "../../src/resources/catalog";
import { createObjectStore } from "../../src/resources/object-store";
import { startRun } from "../../src/temporal/client";
import { startTsProcess, stopChildren, type TestProcess } from "../support/child-processes";
import { requireEnv, testConfig } from "../support/test-config";
import { waitFor } from "../support/wait";

const WORKER = join(__dirname, "..", "support", "worker-process.ts");

async function startWorkerProcess(env: Record<string, string>): Promise<TestProcess> {
  const worker = startTsProcess(WORKER, env);
  await worker.waitForOutput("worker-ready");
  return worker;
}

describe("a worker killed with SIGKILL in the middle of a run", () => {
  // Also when the test times out before its finally block runs.
  afterAll(stopChildren);

  it("loses nothing, even killed twice in a step with one attempt: a new worker finishes the run and every published object is intact", async () => {
    const config = testConfig();
    const env = {
      MATERIA_HOME: config.home,
      MATERIA_STORAGE_URL: config.storage.url,
      TEMPORAL_ADDRESS: requireEnv("MATERIA_TEST_TEMPORAL_ADDRESS"),
      MATERIA_TASK_QUEUE: config.temporal.taskQueue,
      MATERIA_LOG_LEVEL: "warn",
    };
    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    const client = new Client({ connection });
    const catalog = new Catalog(createObjectStore(config.storage.url));
    const first = await startWorkerProcess(env);
    try {
      const { handle } = await startRun(client, config.temporal.taskQueue, { selection: "+key:shop/slow_report", partition: "2024-05" });
      // Kill the worker once the slow step is running (its upstream steps are published), twice: the step has
      // a single attempt for errors, and crashes must not use it up.
      let worker = first;
      const killedPids: number[] = [];
      for (let kill = 0; kill < 2; kill++) {
        await worker.waitForOutput("slow step started");
        worker.kill("SIGKILL");
        killedPids.push(worker.child.pid!);
        const killed = worker;
        await waitFor("the killed worker to exit", () => killed.child.signalCode !== null);
        expect(await catalog.readManifest("shop/slow_report", null)).toBeUndefined();
        worker = await startWorkerProcess(env);
      }
      const summary = await handle.result();
      expect(summary.status).toBe("succeeded");
      expect(summary.steps.map((s) => s.status)).toEqual(summary.steps.map(() => "published"));
      const store = createObjectStore(config.storage.url);
      for (const step of summary.steps) {
        const manifest = (await catalog.readManifest(step.step, step.partition))!;
        const bytes = await store.getBytes(manifest.dataKey);
        expect(createHash("sha256").update(bytes).digest("hex")).toBe(manifest.dataVersion);
      }
      // The killed workers' scratch folders (staged Parquet of the step they were in) were removed by the next worker.
      const scratch = readdirSync(join(config.home, "tmp", "steps"));
      expect(scratch.filter((name) => killedPids.some((pid) => name.startsWith(`${pid}-`)))).toEqual([]);
    } finally {
      await stopChildren();
      await connection.close();
    }
  });
});
