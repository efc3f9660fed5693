/**
 * Installs the pinned tool binaries (Temporal CLI, MinIO) into
 * <MATERIA_HOME>/bin, building them from tools/<name>/go.mod when missing.
 * Idempotent: a current build is left alone. Run by `npm test`, `npm start`
 * and `.ci/run` (via `npm run tools`).
 */
import { loadConfig } from "../src/config";
import { ensureToolBuilt, resolveTool, type ToolName } from "../src/utils/tools";

async function main(): Promise<void> {
  const config = loadConfig();
  const overrides: Record<ToolName, string | undefined> = { temporal: config.temporal.cliPath, minio: config.minio.binaryPath };
  for (const name of ["temporal", "minio"] as const) {
    const override = overrides[name];
    if (override !== undefined) {
      const resolved = resolveTool(name, config.home, override);
      console.error(`materia: using ${name} from ${resolved?.path ?? override}`);
      continue;
    }
    await ensureToolBuilt(name, config.home);
  }
}

main().catch((error: unknown) => {
  const described = error instanceof Error && "describe" in error && typeof error.describe === "function" ? String(error.describe()) : String(error);
  console.error(`materia: ${described}`);
  process.exit(1);
});
