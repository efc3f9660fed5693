/**
 * Integration tests run against real servers: a Temporal dev server (built
 * from tools/temporal) and MinIO (built from tools/minio), started here on
 * free loopback ports with throwaway state, and stopped in global-teardown.
 * Tests read their addresses from MATERIA_TEST_* environment variables.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config";
import { startMinio } from "../../src/resources/dev-stack/minio";
import { startTemporalDevServer } from "../../src/temporal/dev-server";
import { findFreePort } from "../../src/utils/process";
import { resolveTool } from "../../src/utils/tools";

export interface TestStack {
  stop(): Promise<void>;
  home: string;
}

declare global {
  var __materiaTestStack: TestStack | undefined;
}

export default async function globalSetup(): Promise<void> {
  const config = loadConfig({ readDotenv: false });
  const temporalCli = resolveTool("temporal", config.home, config.temporal.cliPath);
  const minioBinary = resolveTool("minio", config.home, config.minio.binaryPath);
  if (!temporalCli || !minioBinary) {
    throw new Error("Integration tests need the Temporal CLI and MinIO binaries: run `npm run tools` first (npm test does).");
  }
  const home = mkdtempSync(join(tmpdir(), "materia-test-"));
  const [port, uiPort, minioPort, consolePort] = [await findFreePort(), await findFreePort(), await findFreePort(), await findFreePort()];

  const temporal = await startTemporalDevServer({ home, port, uiPort, namespace: "default", cliPath: temporalCli.path, dbFile: join(home, "temporal.sqlite") });
  const minio = await startMinio({
    home,
    port: minioPort,
    consolePort,
    bucket: "materia-test",
    binaryPath: minioBinary.path,
    credentials: { accessKeyId: "materia-test", secretAccessKey: "materia-test-secret-key" },
    dataDir: join(home, "minio"),
  }).catch(async (error: unknown) => {
    await temporal.stop();
    throw error;
  });

  Object.assign(process.env, {
    // Processes the tests start (the CLI and workers, from source through tsx, which runs a child node) resolve
    // "materia" to this checkout's sources, like Jest's moduleNameMapper: nothing depends on a build in dist/.
    NODE_OPTIONS: [process.env.NODE_OPTIONS, "--conditions=materia-source"].filter(Boolean).join(" "),
    MATERIA_TEST_HOME: home,
    MATERIA_TEST_TEMPORAL_ADDRESS: temporal.address,
    MATERIA_TEST_TEMPORAL_UI_URL: temporal.uiUrl,
    MATERIA_TEST_S3_ENDPOINT: minio.endpoint,
    MATERIA_TEST_S3_BUCKET: minio.bucket,
    AWS_ACCESS_KEY_ID: minio.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: minio.credentials.secretAccessKey,
    AWS_REGION: "us-east-1",
  });
  globalThis.__materiaTestStack = {
    home,
    stop: async () => {
      await Promise.allSettled([temporal.stop(), minio.stop()]);
    },
  };
}
