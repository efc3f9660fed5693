/**
 * Installs the pinned tool binaries into <MATERIA_HOME>/bin, building each
 * from tools/<name>/go.mod when missing or when its pins changed.
 * Idempotent: a current build is left alone.
 *
 *   tsx scripts/install-tools.ts                 # all tools (tests, CI)
 *   tsx scripts/install-tools.ts temporal        # just the dev server (npm start)
 */
import { loadConfig } from "../src/config";
import { ensureToolBuilt, resolveTool, TOOLS, type ToolName } from "../src/utils/tools";

async function main(): Promise<void> {
  const config = loadConfig();
  const all = Object.keys(TOOLS) as ToolName[];
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !all.includes(name as ToolName));
  if (unknown.length > 0) throw new Error(`Unknown tool(s) ${unknown.join(", ")}; known: ${all.join(", ")}`);
  for (const name of wanted.length > 0 ? (wanted as ToolName[]) : all) {
    const override = config.toolOverrides[name];
    if (override !== undefined) {
      console.error(`materia: using ${name} from ${resolveTool(name, config.home, override)?.path ?? override}`);
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
