/**
 * A worker still running older definitions (the fixture pipeline's shop/*
 * assets only), for the CLI test where the CLI's definitions and the
 * worker's differ. Configured by the environment like `materia worker`.
 */
import { loadConfig } from "../../src/config";
import { createExecutionEnvironment } from "../../src/execution";
import { createMateriaWorker } from "../../src/temporal/worker";
import { createLogger } from "../../src/utils/logger";
import { fixtureDefinitions } from "../support/fixture-pipeline";

async function main(): Promise<void> {
  const config = loadConfig({ readDotenv: false });
  const log = createLogger({ level: "warn", format: "json" });
  const { worker, close } = await createMateriaWorker({ config, log, definitions: fixtureDefinitions(), env: createExecutionEnvironment(config, log) });
  console.log("worker-ready");
  await worker.run();
  await close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
