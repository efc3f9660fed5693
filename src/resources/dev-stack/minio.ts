/**
 * The embedded MinIO: an S3-compatible store on loopback, for tests and for
 * anyone who wants S3 locally. Data under <home>/minio/data; credentials
 * from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or generated once and kept
 * (mode 0600) in <home>/minio/credentials.json; the bucket created on start.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BucketAlreadyExists, BucketAlreadyOwnedByYou, CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import type { Logger } from "../../utils/logger";
import { PortInUseError, RuntimeError, ToolMissingError } from "../../utils/errors";
import { isPortFree, spawnManaged, waitUntil } from "../../utils/process";
import { resolveTool } from "../../utils/tools";

export interface MinioCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface MinioServer {
  endpoint: string;
  consoleUrl: string;
  bucket: string;
  credentials: MinioCredentials;
  stop(): Promise<void>;
}

export interface MinioOptions {
  home: string;
  port: number;
  consolePort: number;
  bucket: string;
  binaryPath?: string | undefined;
  credentials?: MinioCredentials | undefined;
  /** Default <home>/minio/data. */
  dataDir?: string;
  log?: Logger;
  startTimeoutMs?: number;
}

export async function startMinio(options: MinioOptions): Promise<MinioServer> {
  const tool = resolveTool("minio", options.home, options.binaryPath);
  if (!tool) {
    throw new ToolMissingError("No MinIO binary found.", "Run `npm run tools` to build it from tools/minio (needs Go), or set MATERIA_MINIO to a minio binary.");
  }
  for (const [port, what, setting] of [
    [options.port, "MinIO S3 API", "MATERIA_MINIO_PORT"],
    [options.consolePort, "MinIO console", "MATERIA_MINIO_CONSOLE_PORT"],
  ] as const) {
    if (!(await isPortFree(port))) throw new PortInUseError(port, what, setting);
  }
  const dataDir = options.dataDir ?? join(options.home, "minio", "data");
  mkdirSync(dataDir, { recursive: true });
  const credentials = options.credentials ?? loadOrCreateCredentials(join(options.home, "minio"));
  const endpoint = `http://127.0.0.1:${options.port}`;

  options.log?.info({ binary: tool.path, endpoint, dataDir }, "starting MinIO");
  const server = spawnManaged(tool.path, ["server", dataDir, "--address", `127.0.0.1:${options.port}`, "--console-address", `127.0.0.1:${options.consolePort}`, "--quiet"], {
    env: {
      ...process.env,
      MINIO_ROOT_USER: credentials.accessKeyId,
      MINIO_ROOT_PASSWORD: credentials.secretAccessKey,
      MINIO_BROWSER: "on",
      MINIO_UPDATE: "off",
    },
  });
  const ready = await waitUntil(async () => (await fetch(`${endpoint}/minio/health/live`)).ok, {
    timeoutMs: options.startTimeoutMs ?? 30_000,
    child: server.child,
  });
  if (!ready.ok) {
    await server.stop();
    throw new RuntimeError("MINIO", `MinIO did not become ready (${ready.reason}).\n${server.recentOutput()}`, { hint: `Check the output above and ${dataDir}.` });
  }
  await createBucket(endpoint, credentials, options.bucket);
  options.log?.info({ endpoint, bucket: options.bucket }, "MinIO ready");
  return {
    endpoint,
    consoleUrl: `http://127.0.0.1:${options.consolePort}`,
    bucket: options.bucket,
    credentials,
    stop: () => server.stop(10_000),
  };
}

/** Create the bucket; an existing one is fine. */
export async function createBucket(endpoint: string, credentials: MinioCredentials, bucket: string): Promise<void> {
  const client = new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials });
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (!(error instanceof BucketAlreadyOwnedByYou) && !(error instanceof BucketAlreadyExists)) throw error;
  } finally {
    client.destroy();
  }
}

function loadOrCreateCredentials(dir: string): MinioCredentials {
  const fromEnv = { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY };
  if (fromEnv.accessKeyId && fromEnv.secretAccessKey) return fromEnv as MinioCredentials;
  const file = join(dir, "credentials.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as MinioCredentials;
  mkdirSync(dir, { recursive: true });
  const generated = { accessKeyId: `materia-${randomBytes(4).toString("hex")}`, secretAccessKey: randomBytes(24).toString("base64url") };
  writeFileSync(file, JSON.stringify(generated, null, 2), { mode: 0o600 });
  return generated;
}
