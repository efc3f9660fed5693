/**
 * Run configuration and resources, end to end through the real Temporal dev
 * server: a run's `config` reaches the asset validated by its schema (with
 * defaults), is recorded in the manifest and changes its logical version; a
 * bad config fails the run at planning, naming the field, before any step;
 * a resource built from its settings schema reaches every step.
 */
import { WorkflowFailedError } from "@temporalio/client";
import { z } from "zod";
import { defineAsset, defineDefinitions, defineResource } from "materia";
import { DuckDbSession } from "../../src/resources/duckdb";
import { buildResources, createExecutionEnvironment } from "../../src/execution";
import { startRun } from "../../src/temporal/client";
import { createLogger } from "../../src/utils/logger";
import { startHarness, type Harness } from "../support/temporal-harness";
import { testConfig } from "../support/test-config";

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
    const db = await DuckDbSession.open(harness.env.duckdb);
    try {
      const path = await harness.env.store.localPath(eur.dataKey, harness.env.scratchRoot);
      expect(await db.all(`SELECT DISTINCT currency, amount::DOUBLE AS amount FROM read_parquet('${path}')`)).toEqual([{ currency: "EUR", amount: 5 }]);
    } finally {
      await db.close();
    }
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
