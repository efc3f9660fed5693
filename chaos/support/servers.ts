/**
 * The real servers a scenario runs against, started as guarded processes so
 * a scenario can SIGKILL them and start them again on the same port and
 * state: the Temporal dev server (SQLite file kept across restarts) and
 * MinIO (data folder kept). Same binaries and flags as materia's own
 * embedded stack (src/temporal/dev-server.ts, src/resources/dev-stack/minio.ts).
 */
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { Connection } from "@temporalio/client";
import { createBucket, type MinioCredentials } from "../../src/resources/dev-stack/minio";
import { DEV_SERVER_TYPE_NAMES, MATERIA_SEARCH_ATTRIBUTES } from "../../src/temporal/search-attributes";
import { findFreePort } from "../../src/utils/process";
import { resolveTool, type ToolName } from "../../src/utils/tools";
import type { Lab } from "./lab";
import type { ChaosProcess } from "./processes";
import { waitFor } from "../../tests/support/wait";

const ROOT = join(__dirname, "..", "..");
const OVERRIDES: Record<ToolName, string> = { temporal: "MATERIA_TEMPORAL_CLI", minio: "MATERIA_MINIO", "docker-compose": "MATERIA_DOCKER_COMPOSE" };

export function toolPath(name: ToolName): string {
  const tool = resolveTool(name, join(ROOT, ".materia"), process.env[OVERRIDES[name]]);
  if (!tool) throw new Error(`The fault suite needs the ${name} binary: run \`npm run tools\` first (npm run chaos does).`);
  return tool.path;
}

/** Only what a server needs from our environment: never a secret of ours. */
function serverEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, ...extra };
}

export class TemporalServer {
  private process: ChaosProcess | undefined;

  private constructor(
    private readonly lab: Lab,
    readonly port: number,
    private readonly uiPort: number,
    readonly dbFile: string,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async start(lab: Lab, dbFile = join(lab.dir, "temporal.sqlite")): Promise<TemporalServer> {
    mkdirSync(dirname(dbFile), { recursive: true });
    const server = new TemporalServer(lab, await findFreePort(), await findFreePort(), dbFile);
    await server.startAgain();
    return server;
  }

  /** (Re)start on the same port and SQLite file; resolves once it answers. */
  async startAgain(): Promise<void> {
    const args = ["server", "start-dev", "--ip", "127.0.0.1", "--port", String(this.port), "--ui-port", String(this.uiPort), "--db-filename", this.dbFile, "--log-level", "error"];
    for (const key of MATERIA_SEARCH_ATTRIBUTES) args.push("--search-attribute", `${key.name}=${DEV_SERVER_TYPE_NAMES[key.type]}`);
    const started = await this.lab.start("temporal", toolPath("temporal"), args, serverEnv());
    this.process = started;
    await waitFor(
      `the Temporal dev server on ${this.address}`,
      async () => {
        if (!started.running) throw new Error(`it exited: ${started.output().slice(-2000)}`);
        const connection = await Connection.connect({ address: this.address, connectTimeout: 1_000 });
        try {
          await connection.workflowService.getSystemInfo({});
          return true;
        } finally {
          await connection.close();
        }
      },
      { timeoutMs: 90_000, intervalMs: 300 },
    );
  }

  /** SIGKILL: no shutdown, the SQLite file as a crash leaves it. */
  async kill(): Promise<void> {
    this.process?.kill("SIGKILL");
    await this.process?.exited;
  }

  async stop(): Promise<void> {
    await this.process?.stop(15_000);
  }
}

export class MinioServer {
  private process: ChaosProcess | undefined;

  private constructor(
    private readonly lab: Lab,
    readonly port: number,
    private readonly consolePort: number,
    private readonly dataDir: string,
    readonly bucket: string,
    readonly credentials: MinioCredentials,
  ) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(lab: Lab, options: { bucket: string; credentials: MinioCredentials; dataDir?: string }): Promise<MinioServer> {
    const server = new MinioServer(lab, await findFreePort(), await findFreePort(), options.dataDir ?? join(lab.dir, "minio"), options.bucket, options.credentials);
    await server.startAgain();
    return server;
  }

  async startAgain(): Promise<void> {
    const args = ["server", this.dataDir, "--address", `127.0.0.1:${this.port}`, "--console-address", `127.0.0.1:${this.consolePort}`, "--quiet"];
    const env = serverEnv({ MINIO_ROOT_USER: this.credentials.accessKeyId, MINIO_ROOT_PASSWORD: this.credentials.secretAccessKey, MINIO_UPDATE: "off", MINIO_BROWSER: "off" });
    const started = await this.lab.start("minio", toolPath("minio"), args, env);
    this.process = started;
    await waitFor(
      `MinIO on ${this.endpoint}`,
      async () => {
        if (!started.running) throw new Error(`it exited: ${started.output().slice(-2000)}`);
        return (await fetch(`${this.endpoint}/minio/health/live`)).ok;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    await createBucket(this.endpoint, this.credentials, this.bucket);
  }

  async kill(): Promise<void> {
    this.process?.kill("SIGKILL");
    await this.process?.exited;
  }

  async stop(): Promise<void> {
    await this.process?.stop(10_000);
  }
}
