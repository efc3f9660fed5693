/**
 * The usual world of a scenario: a Temporal dev server, optionally MinIO as
 * the lake (S3 storage), the settings every materia process of the scenario
 * gets, and the store they point at (for deliveries and for checking).
 */
import { Client, Connection } from "@temporalio/client";
import type { ObjectStore } from "../../src/resources/object-store";
import type { Lab } from "./lab";
import { storeOf, type Settings } from "./materia";
import { MinioServer, TemporalServer } from "./servers";

export interface Stack {
  temporal: TemporalServer;
  minio: MinioServer | undefined;
  settings: Settings;
  store: ObjectStore;
  /** A client of our own, for what the CLI does not show (executions of a workflow id, queue state). */
  client(): Promise<Client>;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Put the lake in MinIO instead of a local folder. */
  s3?: { credentials: { accessKeyId: string; secretAccessKey: string } };
  /** Extra settings (alert channels, log level, …). */
  settings?: Settings;
  /** Where the dev server keeps its SQLite file. */
  temporalDbFile?: string;
}

const BUCKET = "materia-chaos";

export async function startStack(lab: Lab, options: StackOptions = {}): Promise<Stack> {
  const temporal = await TemporalServer.start(lab, options.temporalDbFile);
  const minio = options.s3 ? await MinioServer.start(lab, { bucket: BUCKET, credentials: options.s3.credentials }) : undefined;
  const settings: Settings = {
    TEMPORAL_ADDRESS: temporal.address,
    MATERIA_TASK_QUEUE: `chaos-${lab.scenario}`,
    ...(minio
      ? {
          MATERIA_STORAGE_URL: `s3://${BUCKET}/lake`,
          MATERIA_S3_ENDPOINT: minio.endpoint,
          AWS_ACCESS_KEY_ID: minio.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: minio.credentials.secretAccessKey,
          AWS_REGION: "us-east-1",
        }
      : {}),
    ...options.settings,
  };
  const store = storeOf(lab, settings);
  let connection: Connection | undefined;
  return {
    temporal,
    minio,
    settings,
    store,
    client: async () => {
      connection ??= await Connection.connect({ address: temporal.address });
      return new Client({ connection });
    },
    close: async () => {
      await connection?.close().catch(() => undefined);
      await store.close?.();
    },
  };
}

/** How many executions the server has of a workflow id (a second one means a second run). */
export async function executionsOf(client: Client, workflowId: string): Promise<number> {
  let count = 0;
  for await (const _execution of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) count++;
  return count;
}
