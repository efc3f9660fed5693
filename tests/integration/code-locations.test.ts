/**
 * A project outside this repository, loaded the way a user's is: its own
 * materia.config.ts names its definitions module (TypeScript, no build),
 * which imports "materia" by package name. Through the real CLI: listing,
 * an in-process materialize, and one clear error per kind of broken project.
 */
import { materiaSync as materia, userProject as project } from "../support/user-project";

const CONFIG = `import { defineConfig } from "materia";\nexport default defineConfig({ definitions: "./src/definitions.ts" });\n`;
const DEFINITIONS = `
import { defineAsset, defineDefinitions, defineJob, defineResource, monthlyPartitions, notNull } from "materia";
import { z } from "zod";

const months = monthlyPartitions({ start: "2025-01" });
const greeting = defineResource({ name: "greeting", config: z.object({ SHOP_GREETING: z.string().min(1) }), setup: (env) => env.SHOP_GREETING });

const orders = defineAsset({
  key: "shop/orders",
  partitions: months,
  checks: [notNull("id", { blocking: true })],
  materialize: async (ctx) => \`SELECT range AS id, '\${ctx.partitionKey}' AS month, '\${greeting.from(ctx)}' AS note FROM range(4)\`,
});
const totals = defineAsset({ key: "shop/totals", partitions: months, deps: ["shop/orders"], materialize: async () => "SELECT month, count(*) AS orders FROM orders GROUP BY month" });

export default defineDefinitions({ assets: [orders, totals], jobs: [defineJob({ name: "shop_monthly", selection: "key:shop/*" })], resources: [greeting] });
`;

describe("a user's project, loaded through its materia.config.ts", () => {
  it("lists its assets and materializes them in-process with its resources", () => {
    const dir = project({ "materia.config.ts": CONFIG, "src/definitions.ts": DEFINITIONS });
    const listed = materia(dir, ["assets", "list", "--json"], { SHOP_GREETING: "hello" });
    expect(listed.stderr).toBe("");
    expect((JSON.parse(listed.stdout) as Array<{ key: string }>).map((a) => a.key)).toEqual(["shop/orders", "shop/totals"]);

    const run = materia(dir, ["materialize", "--job", "shop_monthly", "--partition", "2025-02", "--in-process", "--json"], { SHOP_GREETING: "hello" });
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { status: string; steps: Array<{ id: string; status: string }> };
    expect(result.status).toBe("succeeded");
    expect(result.steps.map((s) => [s.id, s.status])).toEqual([
      ["shop/orders[2025-02]", "published"],
      ["shop/totals[2025-02]", "published"],
    ]);
  });

  it.each([
    ["no materia.config.ts", 4, {}, [], /no materia\.config\.ts here or in any folder above[\s\S]*hint: Create one/],
    ["a config exporting nothing", 4, { "materia.config.ts": "export const nothing = 1;\n" }, [], /materia\.config\.ts: exports no configuration/],
    ["a definitions module that does not exist", 4, { "materia.config.ts": CONFIG }, [], /src\/definitions\.ts: the definitions module does not exist/],
    ["a syntax error", 4, { "materia.config.ts": CONFIG, "src/definitions.ts": "export default {\n  assets: [\n" }, [], /src\/definitions\.ts:\d+:\d+: the definitions module failed to load/],
    ["a module that throws at import", 4, { "materia.config.ts": CONFIG, "src/definitions.ts": 'const url = "";\nif (!url) throw new Error("VENDOR_URL is not set");\nexport default {};\n' }, [], /src\/definitions\.ts:2:\d+: the definitions module failed to load: VENDOR_URL is not set/],
    ["a graph that does not build", 2, { "materia.config.ts": CONFIG, "src/definitions.ts": DEFINITIONS.replace('deps: ["shop/orders"]', 'deps: ["shop/order"]') }, [], /src\/definitions\.ts:\d+:\d+: AssetGraphError: .*unknown asset "shop\/order"[\s\S]*hint: did you mean "shop\/orders"/],
    ["a resource setting that is missing", 4, { "materia.config.ts": CONFIG, "src/definitions.ts": DEFINITIONS }, ["materialize", "--job", "shop_monthly", "--partition", "2025-02", "--in-process"], /Resource "greeting" could not be set up: SHOP_GREETING:/],
  ])("%s: one clear error, exit %s", (_what, code, files, args, message) => {
    const dir = project(files);
    const result = materia(dir, (args as string[]).length > 0 ? (args as string[]) : ["assets", "list"]);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  describe("a workspace of code locations", () => {
    const other = DEFINITIONS.replace(/shop\//g, "ops/").replace("shop_monthly", "ops_monthly");
    const workspace = (locations: string) => `import { defineConfig } from "materia";\nexport default defineConfig({ locations: ${locations} });\n`;
    const two = workspace('[{ name: "shop", definitions: "./shop/definitions.ts" }, { name: "ops", definitions: "./ops/definitions.ts" }]');

    it("serves each location on its own task queue; commands say which one they mean", () => {
      const dir = project({ "materia.config.ts": two, "shop/definitions.ts": DEFINITIONS, "ops/definitions.ts": other });
      const ops = materia(dir, ["assets", "list", "--json", "--location", "ops"]);
      expect(ops.stderr).toBe("");
      expect((JSON.parse(ops.stdout) as Array<{ key: string }>).map((a) => a.key)).toEqual(["ops/orders", "ops/totals"]);
      const ambiguous = materia(dir, ["assets", "list"]);
      expect(ambiguous.code).toBe(2);
      expect(ambiguous.stderr).toMatch(/2 code locations; say which one with --location[\s\S]*--location shop \| ops/);
    });

    it.each([
      ["the same task queue", 4, { "materia.config.ts": workspace('[{ name: "shop", definitions: "./shop/definitions.ts", taskQueue: "q" }, { name: "ops", definitions: "./ops/definitions.ts", taskQueue: "q" }]'), "shop/definitions.ts": DEFINITIONS, "ops/definitions.ts": other }, ["assets", "list", "--location", "ops"], /task queue "q"/],
      ["the same asset key", 2, { "materia.config.ts": two, "shop/definitions.ts": DEFINITIONS, "ops/definitions.ts": DEFINITIONS }, ["dev"], /Asset "shop\/orders" is declared by code locations "shop" and "ops"/],
    ])("two locations with %s: one clear error, exit %s, nothing started", (_what, code, files, args, message) => {
      const dir = project(files);
      const result = materia(dir, args, { SHOP_GREETING: "hi" });
      expect(result.code).toBe(code);
      expect(result.stderr).toMatch(message);
    });
  });
});
