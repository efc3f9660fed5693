/**
 * Run configuration and resources, end to end through the real Temporal dev
 * server: a run's `config` reaches the asset validated by its schema (with
 * defaults), is recorded in the manifest and changes its logical version; a
 * bad config fails the run at planning, naming the field, before any step;
 * a resource built from its settings schema reaches every step. Both in a
 * worker this test runs, and in a user's project outside the repository
 * served by a `materia worker` process, run through the CLI.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client, Connection, WorkflowFailedError } from "@temporalio/client";
import { z } from "zod";
import { defineAsset, defineDefinitions, defineResource } from "materia";
import { loadConfig } from "../../src/config";
import type { Manifest } from "../../src/resources/catalog";
import { DuckDbSession } from "../../src/resources/duckdb";
import { buildResources, createExecutionEnvironment, type ExecutionEnvironment } from "../../src/execution";
import { startRun } from "../../src/temporal/client";
import { createLogger } from "../../src/utils/logger";
import { stopChildren, type TestProcess } from "../support/child-processes";
import { startHarness, type Harness } from "../support/temporal-harness";
import { requireEnv, testConfig } from "../support/test-config";
import { materia, startMateria, userProject } from "../support/user-project";
import { waitFor } from "../support/wait";

const rates = defineResource({
  name: "rates",
  config: z.object({ RATES_EUR_PER_USD: z.coerce.number().positive() }),
  setup: (env) => ({ eurPerUsd: env.RATES_EUR_PER_USD }),
});
const priced = defineAsset({
  key: "shop/priced",
  config: z.object({ currency: z.enum(["USD", "EUR"]).default("USD"), orders: z.number().int().positive().default(2) }),
  materialize: async (ctx) => {
    const factor = ctx.config.currency === "EUR" ? rates.from(ctx).eurPerUsd : 1;
    return `SELECT range AS id, '${ctx.config.currency}' AS currency, 10 * ${factor} AS amount FROM range(${ctx.config.orders})`;
  },
});
const definitions = defineDefinitions({ assets: [priced], resources: [rates] });

/** The distinct (currency, amount) rows of a published version. */
async function pricesOf(env: ExecutionEnvironment, manifest: Manifest): Promise<unknown[]> {
  const db = await DuckDbSession.open(env.duckdb);
  try {
    const path = await env.store.localPath(manifest.dataKey, env.scratchRoot);
    return await db.all(`SELECT DISTINCT currency, amount::DOUBLE AS amount FROM read_parquet('${path}')`);
  } finally {
    await db.close();
  }
}

describe("run config and resources through Temporal", () => {
  let harness: Harness;
  beforeAll(async () => {
    const config = testConfig();
    const resources = await buildResources(definitions, { RATES_EUR_PER_USD: "0.5" });
    harness = await startHarness(definitions, { config, env: createExecutionEnvironment(config, createLogger({ level: "warn", format: "json" }), { resources: resources.values }) });
  });
  afterAll(async () => {
    await harness.close();
  });

  const run = async (config?: Record<string, unknown>) => (await startRun(harness.client, harness.config.temporal.taskQueue, { selection: "key:shop/priced", ...(config ? { config } : {}) })).handle.result();

  it("hands each step its validated config, records it, and a new config is a new logical version", async () => {
    expect((await run()).status).toBe("succeeded");
    const defaults = (await harness.env.catalog.readManifest("shop/priced", null))!;
    expect(defaults.rowCount).toBe(2);
    expect(defaults.runConfig).toBeUndefined();

    expect((await run({ "shop/priced": { currency: "EUR", orders: 3 } })).status).toBe("succeeded");
    const eur = (await harness.env.catalog.readManifest("shop/priced", null))!;
    expect(eur.rowCount).toBe(3);
    expect(eur.runConfig).toEqual({ currency: "EUR", orders: 3 });
    expect(eur.logicalVersion).not.toBe(defaults.logicalVersion);
    // The resource's setting reached the step: 10 USD at 0.5 EUR per USD.
    expect(await pricesOf(harness.env, eur)).toEqual([{ currency: "EUR", amount: 5 }]);
  });

  it("fails a run with a bad config at planning, naming the asset and the field, before any step runs", async () => {
    const before = (await harness.env.catalog.readManifest("shop/priced", null))!;
    const error = await run({ "shop/priced": { currency: "GBP" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause as Error & { cause?: Error };
    expect(`${cause.message} ${cause.cause?.message ?? ""}`).toMatch(/config for "shop\/priced" is not valid: currency:/);
    expect((await harness.env.catalog.readManifest("shop/priced", null))!.runId).toBe(before.runId);
    const unknown = (await run({ "shop/pricd": {} }).catch((e: unknown) => e)) as WorkflowFailedError;
    const unknownCause = unknown.cause as Error & { cause?: Error };
    expect(`${unknownCause.message} ${unknownCause.cause?.message ?? ""}`).toMatch(/no asset or step/);
  });

  it("a resource whose setting is missing fails before anything starts, naming the field", async () => {
    await expect(buildResources(definitions, {})).rejects.toThrow(/Resource "rates" could not be set up: RATES_EUR_PER_USD:/);
  });
});

/** The same asset and resource in a project of its own, as a team writes them (imports by package name). */
const PROJECT_CONFIG = `import { defineConfig } from "materia";\nexport default defineConfig({ definitions: "./src/definitions.ts" });\n`;
const PROJECT_DEFINITIONS = `
import { defineAsset, defineDefinitions, defineResource } from "materia";
import { z } from "zod";

const rates = defineResource({
  name: "rates",
  config: z.object({ SHOP_EUR_PER_USD: z.coerce.number().positive() }),
  setup: (env) => ({ eurPerUsd: env.SHOP_EUR_PER_USD }),
});

export const priced = defineAsset({
  key: "shop/priced",
  config: z.object({ currency: z.enum(["USD", "EUR"]).default("USD"), orders: z.number().int().positive().default(2) }),
  materialize: async (ctx) => {
    const factor = ctx.config.currency === "EUR" ? rates.from(ctx).eurPerUsd : 1;
    return \`SELECT range AS id, \${ctx.sql.literal(ctx.config.currency)} AS currency, 10 * \${factor} AS amount FROM range(\${ctx.config.orders})\`;
  },
});

export default defineDefinitions({ assets: [priced], resources: [rates] });
`;

describe("a user's project served by a `materia worker` process", () => {
  const dir = userProject({ "materia.config.ts": PROJECT_CONFIG, "src/definitions.ts": PROJECT_DEFINITIONS });
  const address = requireEnv("MATERIA_TEST_TEMPORAL_ADDRESS");
  const taskQueue = `materia-test-${Math.random().toString(36).slice(2, 10)}`;
  // The CLI and the worker share the project's MATERIA_HOME (so its lake); only the worker has the resource's setting.
  const server = { TEMPORAL_ADDRESS: address, MATERIA_TASK_QUEUE: taskQueue };
  const lake = createExecutionEnvironment(loadConfig({ readDotenv: false, env: { MATERIA_HOME: join(dir, ".materia"), ...server } }), createLogger({ level: "warn", format: "json" }));
  let worker: TestProcess;
  let client: Client;
  const runsOnQueue = async () => (await client.workflow.count(`TaskQueue = "${taskQueue}"`)).count;

  beforeAll(async () => {
    worker = startMateria(dir, ["worker"], { ...server, SHOP_EUR_PER_USD: "0.5" });
    client = new Client({ connection: await Connection.connect({ address }), namespace: "default" });
    await worker.waitForOutput("worker ready", 240_000);
  });
  afterAll(async () => {
    await stopChildren();
    await client?.connection.close();
  });

  it("runs with --config file.json --wait: the manifest records the config, the worker's resource reached the asset", async () => {
    writeFileSync(join(dir, "eur.json"), JSON.stringify({ "shop/priced": { currency: "EUR", orders: 3 } }));
    const run = await materia(dir, ["materialize", "--select", "key:shop/priced", "--config", "eur.json", "--wait", "--json"], server);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { status: string }).status).toBe("succeeded");
    const manifest = (await lake.catalog.readManifest("shop/priced", null))!;
    expect(manifest.rowCount).toBe(3);
    expect(manifest.runConfig).toEqual({ currency: "EUR", orders: 3 });
    // 10 USD at the worker's SHOP_EUR_PER_USD=0.5.
    expect(await pricesOf(lake, manifest)).toEqual([{ currency: "EUR", amount: 5 }]);
  });

  it("a bad config fails at planning naming the field, with nothing started", async () => {
    const before = (await lake.catalog.readManifest("shop/priced", null))!;
    // The good run is visible on the queue (so an unchanged count below means something).
    const runsBefore = await waitFor("the earlier run in visibility", runsOnQueue);
    // The CLI plans with the project's definitions: it refuses before starting any workflow.
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ "shop/priced": { currency: "GBP" } }));
    const refused = await materia(dir, ["materialize", "--select", "key:shop/priced", "--config", "bad.json", "--wait"], server);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/config for "shop\/priced" is not valid: currency:/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(await runsOnQueue()).toBe(runsBefore);
    // The same input from the Web UI's Start Workflow: the worker's planner refuses it before any step.
    const error = await (await startRun(client, taskQueue, { selection: "key:shop/priced", config: { "shop/priced": { currency: "GBP" } } })).handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause as Error & { cause?: Error };
    expect(`${cause.message} ${cause.cause?.message ?? ""}`).toMatch(/config for "shop\/priced" is not valid: currency:/);
    expect((await lake.catalog.readManifest("shop/priced", null))!.runId).toBe(before.runId);
  });
});
