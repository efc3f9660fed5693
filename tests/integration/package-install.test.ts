/**
 * materia as a team gets it: `npm pack`, `materia init` from the tarball in
 * a folder outside this repository, `npm install <tarball>` there, and then
 * the new project's own commands: its tests pass, an in-process run
 * publishes, `materia dev` runs it through Temporal, and saving a change to
 * an asset restarts the worker so the next run uses the new code.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findFreePort, stopProcess } from "../../src/utils/process";
import { resolveTool } from "../../src/utils/tools";
import { loadConfig } from "../../src/config";
import { waitFor } from "../support/wait";

const ROOT = join(__dirname, "..", "..");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
/** npm pack builds the package, npm install fetches the dependencies: minutes on a busy 2-core machine. */
const TIMEOUT_MS = 20 * 60_000;

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): { code: number | null; out: string } {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8", timeout: 10 * 60_000 });
  return { code: result.status, out: `${result.stdout}\n${result.stderr}` };
}

describe("the packed package in a project of its own", () => {
  it("init, install, test, run in-process, run through materia dev, reload on change", async () => {
    const work = mkdtempSync(join(tmpdir(), "materia-pack-"));
    const packEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== "NODE_OPTIONS"));
    const packed = execFileSync(NPM, ["pack", "--silent", "--pack-destination", work], { cwd: ROOT, env: packEnv, encoding: "utf8", timeout: 10 * 60_000 }).trim().split("\n").pop()!;
    const tarball = join(work, packed);

    const init = run(NPM, ["exec", "--yes", "--package", tarball, "--", "materia", "init", "demo"], work, packEnv);
    expect(init.out).toContain("wrote a project to demo");
    const project = join(work, "demo");
    // No MATERIA_*, TEMPORAL_* or test settings of this process leak into the project.
    // Nor the source condition the test setup gives this checkout's processes: the project uses the installed package.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(MATERIA_|TEMPORAL_|AWS_|NODE_OPTIONS$)/.test(key)));
    const install = run(NPM, ["install", "--no-audit", "--no-fund", tarball], project, env);
    expect(install.code).toBe(0);

    const tests = run(NPM, ["test"], project, env);
    expect(tests.out).toMatch(/# pass 2/);
    expect(tests.code).toBe(0);

    const inProcess = run(NPM, ["exec", "--", "materia", "materialize", "--select", "*", "--partition", "2025-01-15", "--in-process", "--json"], project, { ...env, MATERIA_LOG_LEVEL: "warn" });
    expect(inProcess.code).toBe(0);
    expect((JSON.parse(inProcess.out.slice(inProcess.out.indexOf("{"))) as { status: string }).status).toBe("succeeded");

    // Through Temporal: materia dev with the Temporal CLI this checkout built, on free ports.
    const temporalCli = resolveTool("temporal", loadConfig({ readDotenv: false }).home, undefined)!.path;
    const [port, uiPort, assetUiPort] = [await findFreePort(), await findFreePort(), await findFreePort()];
    const devEnv = { ...env, MATERIA_TEMPORAL_CLI: temporalCli, MATERIA_TEMPORAL_PORT: String(port), MATERIA_TEMPORAL_UI_PORT: String(uiPort), MATERIA_UI_PORT: String(assetUiPort), MATERIA_LOG_LEVEL: "warn" };
    const dev = spawn(NPM, ["exec", "--", "materia", "dev"], { cwd: project, env: devEnv, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let devOutput = "";
    dev.stdout.on("data", (chunk: Buffer) => (devOutput += chunk.toString()));
    dev.stderr.on("data", (chunk: Buffer) => (devOutput += chunk.toString()));
    const readyCount = () => devOutput.split("worker ready").length - 1;
    const materialize = (partition: string) => {
      const result = run(NPM, ["exec", "--", "materia", "materialize", "--job", "shop_daily", "--partition", partition, "--wait", "--json"], project, { ...devEnv, TEMPORAL_ADDRESS: `127.0.0.1:${port}` });
      expect(result.code).toBe(0);
      return JSON.parse(result.out.slice(result.out.indexOf("{"))) as { status: string; steps: Array<{ id: string; rows: number }> };
    };
    try {
      await waitFor("materia dev's worker", () => readyCount() >= 1, { timeoutMs: 180_000 }).catch((error: Error) => {
        throw new Error(`${error.message}; materia dev printed:\n${devOutput}`);
      });
      expect(devOutput).toContain(`materia dev: asset UI http://127.0.0.1:${assetUiPort}`);
      const first = materialize("2025-01-16");
      expect(first.status).toBe("succeeded");
      expect(first.steps.find((s) => s.id === "shop/orders[2025-01-16]")?.rows).toBe(50);

      // Save a change: the worker restarts with the new code, the dev server stays up.
      const definitions = join(project, "src", "definitions.ts");
      writeFileSync(definitions, readFileSync(definitions, "utf8").replace("FROM range(50)", "FROM range(60)"));
      await waitFor("the worker to restart with the change", () => readyCount() >= 2, { timeoutMs: 180_000 });
      expect(devOutput).toContain("src/definitions.ts changed: restarting the worker");
      const second = materialize("2025-01-17");
      expect(second.steps.find((s) => s.id === "shop/orders[2025-01-17]")?.rows).toBe(60);
    } finally {
      // The whole group: npm exec, materia dev, its worker and the dev server.
      if (dev.pid !== undefined && dev.exitCode === null) process.kill(-dev.pid, "SIGINT");
      await stopProcess(dev, 60_000);
      if (dev.pid !== undefined) {
        try {
          process.kill(-dev.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
  }, TIMEOUT_MS);
});
