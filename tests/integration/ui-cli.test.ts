/**
 * `materia ui` as a user runs it: the CLI from source serves the repo's own
 * code location (materia.config.ts) on MATERIA_UI_PORT at 127.0.0.1, stops on
 * Ctrl-C, and a taken port fails at once naming the setting (exit 2).
 */
import { createServer } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findFreePort } from "../../src/utils/process";
import { startTsProcess, stopChildren } from "../support/child-processes";
import { requireEnv } from "../support/test-config";
import { waitFor } from "../support/wait";

const CLI = join(__dirname, "..", "..", "src", "cli", "main.ts");

function env(port: number): Record<string, string> {
  return { MATERIA_HOME: mkdtempSync(join(tmpdir(), "materia-ui-cli-")), MATERIA_UI_PORT: String(port), TEMPORAL_ADDRESS: requireEnv("MATERIA_TEST_TEMPORAL_ADDRESS"), MATERIA_LOG_LEVEL: "warn" };
}

describe("materia ui", () => {
  afterAll(async () => {
    await stopChildren();
  });

  it("serves the project's assets on MATERIA_UI_PORT at 127.0.0.1 and stops on SIGINT", async () => {
    const port = await findFreePort();
    const ui = startTsProcess(CLI, env(port), { args: ["ui"], cwd: join(__dirname, "..", "..") });
    await ui.waitForOutput(`materia ui: http://127.0.0.1:${port}`);
    const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    for (const key of ["example/page_views", "ttb/raw_colas", "market/features"]) expect(page).toContain(`data-asset="${key}"`);
    ui.kill("SIGINT");
    await waitFor("materia ui to exit", () => ui.child.exitCode !== null);
    expect(ui.child.exitCode).toBe(0);
  });

  it("fails at once on a taken port, naming the setting that changes it", async () => {
    const port = await findFreePort();
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(port, "127.0.0.1", resolve));
    try {
      const ui = startTsProcess(CLI, env(port), { args: ["ui"], cwd: join(__dirname, "..", "..") });
      await waitFor("materia ui to exit", () => ui.child.exitCode !== null);
      expect(ui.child.exitCode).toBe(2);
      expect(ui.output()).toContain(`Port ${port} is taken`);
      expect(ui.output()).toContain("MATERIA_UI_PORT");
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
