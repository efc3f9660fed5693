/**
 * A worker on its own task queue against the test dev server, serving given
 * definitions on a local-folder lake; plus a client. For integration tests.
 */
import { Client, Connection } from "@temporalio/client";
import type { Worker } from "@temporalio/worker";
import type { Definitions } from "../../src/core";
import { createExecutionEnvironment, type ExecutionEnvironment } from "../../src/execution";
import { createMateriaWorker } from "../../src/temporal/worker";
import { createLogger } from "../../src/utils/logger";
import type { MateriaConfig } from "../../src/config";
import { requireEnv, testConfig } from "./test-config";

export interface Harness {
  config: MateriaConfig;
  env: ExecutionEnvironment;
  client: Client;
  worker: Worker;
  /** Resolves when the worker has stopped. */
  running: Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(definitions: Definitions, options: { resources?: Record<string, unknown>; config?: MateriaConfig; env?: ExecutionEnvironment } = {}): Promise<Harness> {
  const address = requireEnv("MATERIA_TEST_TEMPORAL_ADDRESS");
  const config = options.config ?? testConfig();
  const log = createLogger({ level: "warn", format: "json" });
  const env = options.env ?? createExecutionEnvironment(config, log, { resources: options.resources ?? {} });
  const { worker, close } = await createMateriaWorker({ config, address, definitions, env, bundleOnTheFly: true });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: "default" });
  return {
    config,
    env,
    client,
    worker,
    running,
    close: async () => {
      worker.shutdown();
      await running;
      await close();
      await connection.close();
    },
  };
}
