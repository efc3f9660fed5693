/**
 * The materia worker: serves materia's workflows and activities on the
 * configured task queue. In production it loads the workflow bundle built
 * by `npm run build` (no webpack at start-up); in development and tests it
 * bundles src/temporal/workflows on the fly.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Client, Connection } from "@temporalio/client";
import { NativeConnection, Worker, type WorkerOptions } from "@temporalio/worker";
import type { MateriaConfig } from "../config";
import { packageRoot } from "../utils/package-root";
import type { Logger } from "../utils/logger";
import { ServerUnreachableError } from "../utils/errors";
import type { Definitions } from "../core";
import { removeAbandonedScratch, type ExecutionEnvironment } from "../execution";
import { createPingActivities } from "./activities/ping";
import { createAlertActivities } from "./activities/alerts";
import { createAutomationActivities } from "./activities/automation";
import { createBackfillActivities } from "./activities/backfill";
import { createMonitoringActivities } from "./activities/monitoring";
import { createRunActivities } from "./activities/run";
import { createScheduleActivities } from "./activities/schedule";
import { createSensorActivities } from "./activities/sensor";
import { START_EMBEDDED_HINT } from "./connection";
import { installTemporalRuntimeLogging } from "./runtime";

export const WORKFLOW_BUNDLE_PATH = join(packageRoot(), "dist", "workflow-bundle.js");
const RUNNING_COMPILED = __filename.endsWith(".js");

export interface MateriaWorkerOptions {
  config: MateriaConfig;
  /** What this worker materializes, and where. Without them it serves only the ping workflow. */
  definitions?: Definitions;
  env?: ExecutionEnvironment;
  /** Override the server address (tests, embedded server). */
  address?: string;
  /** Extra activities (merged over the built-in ones). */
  activities?: Record<string, (...args: never[]) => Promise<unknown>>;
  log?: Logger;
  /** Force on-the-fly bundling even when a prebuilt bundle exists. */
  bundleOnTheFly?: boolean;
}

export interface MateriaWorker {
  worker: Worker;
  /** Close the worker's connections (after `worker.run()` has resolved). */
  close: () => Promise<void>;
}

export async function createMateriaWorker(options: MateriaWorkerOptions): Promise<MateriaWorker> {
  const { config } = options;
  const address = options.address ?? config.temporal.address ?? `127.0.0.1:${config.temporal.embeddedPort}`;
  installTemporalRuntimeLogging(options.log);
  if (options.env) {
    // Steps of a killed worker left their staged files behind.
    const removed = removeAbandonedScratch(options.env.scratchRoot);
    if (removed.length > 0) options.log?.info({ removed }, "removed scratch folders of steps whose process is gone");
    // Up to maxConcurrentActivities steps run here at once: they share the cores rather than each taking all of them.
    options.env.duckdbPool.divideCoresAmong(config.worker.maxConcurrentActivities);
    options.log?.debug({ duckdbThreads: options.env.duckdbPool.threads ?? "one per core" }, "DuckDB threads per step");
  }
  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect({ address, ...(config.temporal.apiKey ? { apiKey: config.temporal.apiKey } : {}) });
  } catch (error) {
    throw new ServerUnreachableError("Temporal server", address, START_EMBEDDED_HINT, error);
  }
  // Backfills follow runs started by others, and alerts are queued per incident, through a client on the same server.
  const clientConnection = options.definitions || options.env ? await Connection.connect({ address, ...(config.temporal.apiKey ? { apiKey: config.temporal.apiKey } : {}) }) : undefined;
  const client = clientConnection ? new Client({ connection: clientConnection, namespace: config.temporal.namespace }) : undefined;
  // The prebuilt bundle goes with compiled code (the package, the image). Run from source (tsx), the workflows
  // are bundled from those same sources: a dist/ left by an earlier build would run older workflow code.
  const workflowSource: Pick<WorkerOptions, "workflowBundle" | "workflowsPath"> =
    !options.bundleOnTheFly && RUNNING_COMPILED && existsSync(WORKFLOW_BUNDLE_PATH)
      ? { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH } }
      : { workflowsPath: require.resolve("./workflows") };
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...workflowSource,
    activities: {
      ...createPingActivities(),
      ...(options.definitions && options.env ? createRunActivities(options.definitions, options.env, { config, store: options.env.store, ...(options.log ? { log: options.log } : {}) }) : {}),
      ...(options.env ? createAlertActivities({ config, store: options.env.store, ...(options.log ? { log: options.log } : {}) }, client) : {}),
      ...(options.definitions && options.env ? createMonitoringActivities(options.definitions, options.env, { config, store: options.env.store }) : {}),
      ...(options.definitions && options.env ? createBackfillActivities(options.definitions, options.env, client) : {}),
      ...(options.definitions ? createScheduleActivities(options.definitions) : {}),
      ...(options.definitions && options.env ? createSensorActivities(options.definitions, options.env) : {}),
      ...(options.definitions && options.env ? createAutomationActivities(options.definitions, options.env) : {}),
      ...(options.activities ?? {}),
    },
    maxConcurrentActivityTaskExecutions: config.worker.maxConcurrentActivities,
    maxCachedWorkflows: config.worker.maxCachedWorkflows,
    // Let running steps finish (or notice cancellation) before the process exits.
    shutdownGraceTime: "30 seconds",
  });
  return {
    worker,
    close: async () => {
      await clientConnection?.close();
      await connection.close();
    },
  };
}
