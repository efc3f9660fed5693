import { Client, Connection } from "@temporalio/client";
import { startTemporalDevServer, ensureTemporal } from "../../src/temporal/dev-server";
import { connectTemporalAt } from "../../src/temporal/connection";
import { createMateriaWorker } from "../../src/temporal/worker";
import { MATERIA_SEARCH_ATTRIBUTES } from "../../src/temporal/search-attributes";
import { PortInUseError, ServerUnreachableError } from "../../src/utils/errors";
import { loadConfig } from "../../src/config";
import { requireEnv, testConfig } from "../support/test-config";

describe("embedded Temporal dev server (built from tools/temporal)", () => {
  const address = requireEnv("MATERIA_TEST_TEMPORAL_ADDRESS");
  let connection: Connection;

  beforeAll(async () => {
    connection = await connectTemporalAt(address);
  });
  afterAll(async () => {
    await connection.close();
  });

  it("runs a workflow with an activity on a materia worker", async () => {
    const config = testConfig();
    const { worker, close } = await createMateriaWorker({ config, address, bundleOnTheFly: true });
    const client = new Client({ connection, namespace: "default" });
    const result = await worker.runUntil(
      client.workflow.execute("pingWorkflow", { taskQueue: config.temporal.taskQueue, workflowId: `ping-${Date.now()}`, args: ["hello"] }),
    );
    await close();
    expect(result).toEqual({ message: "pong: hello", workerIdentity: expect.stringContaining(config.temporal.taskQueue) });
  });

  it("serves the Web UI over HTTP", async () => {
    const response = await fetch(requireEnv("MATERIA_TEST_TEMPORAL_UI_URL"));
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/<html/i);
  });

  it("has materia's custom search attributes registered", async () => {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: "default" });
    for (const key of MATERIA_SEARCH_ATTRIBUTES) {
      expect(Object.keys(customAttributes ?? {})).toContain(key.name);
    }
    // MateriaAssets is a list: 7 = INDEXED_VALUE_TYPE_KEYWORD_LIST.
    expect(customAttributes?.MateriaAssets).toBe(7);
  });

  it("refuses to start on a port that is taken, naming the port and the setting", async () => {
    const takenPort = Number(address.split(":")[1]);
    const error = await startTemporalDevServer({ home: requireEnv("MATERIA_TEST_HOME"), port: takenPort, uiPort: 1, namespace: "default" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortInUseError);
    expect((error as Error).message).toContain(String(takenPort));
    expect((error as PortInUseError).hint).toContain("MATERIA_TEMPORAL_PORT");
  });

  it("fails fast with a clear error when TEMPORAL_ADDRESS is unreachable", async () => {
    const config = loadConfig({ readDotenv: false, env: { TEMPORAL_ADDRESS: "127.0.0.1:1" } });
    const started = Date.now();
    const error = await ensureTemporal(config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerUnreachableError);
    expect((error as Error).message).toContain("127.0.0.1:1");
    expect((error as ServerUnreachableError).hint).toMatch(/TEMPORAL_ADDRESS/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
