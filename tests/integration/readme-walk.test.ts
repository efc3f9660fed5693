/**
 * The README walk: README.md's command blocks marked `<!-- readme-walk -->`
 * run in order, line by line, on a copy of the checkout with a fresh
 * MATERIA_HOME and throwaway ports,
 * so a documented command that fails is a failing test naming its README
 * line and its last output. What each marker means and how `npm`/`npx`
 * commands are run: tests/support/readme-walk.ts.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, SETTINGS } from "../../src/config";
import { findFreePort } from "../../src/utils/process";
import { resolveTool } from "../../src/utils/tools";
import { ReadmeWalk, readmeBlocks, snapshotCheckout, walkEnvironment } from "../support/readme-walk";

const README = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
const blocks = readmeBlocks(README);
/** The demo (`npm start`) alone takes a minute or two on a busy 2-core machine. */
const BLOCK_TIMEOUT_MS = 30 * 60_000;

describe("the README walk", () => {
  const work = mkdtempSync(join(tmpdir(), "materia-readme-walk-"));
  let walk: ReadmeWalk;

  beforeAll(async () => {
    // Every port setting (the dev server's, its Web UI's, MinIO's, any added later) gets a free one.
    const ports: Record<string, string> = {};
    for (const setting of SETTINGS) if (setting.env.endsWith("_PORT")) ports[setting.env] = String(await findFreePort());
    // The Temporal CLI this checkout built: the walk never downloads one.
    const temporalCli = resolveTool("temporal", loadConfig({ readDotenv: false }).home, undefined);
    if (!temporalCli) throw new Error("The README walk needs the Temporal CLI: run `npm run tools` first (npm test does).");
    const checkout = snapshotCheckout(join(work, "checkout"));
    walk = new ReadmeWalk({
      workDir: work,
      checkout,
      env: walkEnvironment(checkout, { ...ports, MATERIA_TEMPORAL_CLI: temporalCli.path }),
      checkoutEnv: { MATERIA_HOME: join(work, "home") },
    });
  });

  afterAll(() => {
    const summary = walk.steps.map((s) => `README.md:${s.line} ${s.seconds.toFixed(1).padStart(6)} s${s.background ? " (until ready)" : ""}  ${s.text}`);
    if (summary.length > 0) console.log(`README walk (output: ${walk.transcript}):\n${summary.join("\n")}`);
  });

  it("marks every bash block: walked, walked in a new folder, or skipped with a reason", () => {
    expect(blocks.unmarked).toEqual([]);
    expect(blocks.walked.length).toBeGreaterThan(0);
    for (const skipped of blocks.skipped) expect(skipped.reason).not.toBe("skip");
  });

  let folders = 0;
  it.each(blocks.walked.map((block) => [block.line, block.where, block] as const))("the block at README.md:%s (%s) runs", async (_line, _where, block) => {
    await walk.runBlock(block, () => mkdtempSync(join(tmpdir(), `materia-readme-folder-${++folders}-`)));
  }, BLOCK_TIMEOUT_MS);
});
