/**
 * Pre-bundles materia's workflow code so production workers start without
 * webpack (`materia worker` loads dist/workflow-bundle.js when present).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { bundleWorkflowCode } from "@temporalio/worker";

async function main(): Promise<void> {
  const started = Date.now();
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve("../src/temporal/workflows"),
    logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
  });
  const out = join(__dirname, "..", "dist", "workflow-bundle.js");
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, code);
  console.error(`materia: workflow bundle written to dist/workflow-bundle.js (${Math.round(code.length / 1024)} KiB, ${Date.now() - started} ms)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
