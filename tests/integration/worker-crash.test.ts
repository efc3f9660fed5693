import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { Client, Connection } from "@temporalio/client";
import { Catalog } from "../../src/resources/catalog";
import { createObjectStore } from "../../src/resources/object-store";
import { startRun } from "../../src/temporal/client";
import { requireEnv, testConfig } from "../support/test-config";

function startWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(__dirname, "..", "..", "node_modules", "tsx", "dist", "cli.mjs"), join(__dirname, "..", "support", "worker-process.ts")], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("worker-ready")) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}:\n${output}`)));
  });
}

describe("a worker killed with SIGKILL in the middle of a run", () => {
  it("loses nothing: a new worker finishes the run and every published object is intact", async () => {
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
    let first: ChildProcess | undefined = await startWorkerProcess(env);
    let second: ChildProcess | undefined;
    try {
      const { handle } = await startRun(client, config.temporal.taskQueue, { selection: "+key:shop/slow_report", partition: "2024-05" });
      // Wait until the slow step is running (its upstream steps are published), then kill the worker.
      for (let i = 0; i < 200 && !(await catalog.readManifest("shop/summary", null)); i++) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1500));
      first.kill("SIGKILL");
      first = undefined;
      expect(await catalog.readManifest("shop/slow_report", null)).toBeUndefined();

      second = await startWorkerProcess(env);
      const summary = await handle.result();
      expect(summary.status).toBe("succeeded");
      expect(summary.steps.map((s) => s.status)).toEqual(summary.steps.map(() => "published"));
      const store = createObjectStore(config.storage.url);
      for (const step of summary.steps) {
        const manifest = (await catalog.readManifest(step.step, step.partition))!;
        const bytes = await store.getBytes(manifest.dataKey);
        expect(createHash("sha256").update(bytes).digest("hex")).toBe(manifest.dataVersion);
      }
    } finally {
      first?.kill("SIGKILL");
      second?.kill("SIGTERM");
      await connection.close();
    }
  });
});
