import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineAsset, defineDefinitions, defineMultiAsset, MaterializeError, type Definitions } from "../../src/core";
import { loadConfig } from "../../src/config";
import { createExecutionEnvironment, materialize, runStep } from "../../src/execution";
import { LocalObjectStore } from "../../src/resources/object-store";
import { createLogger } from "../../src/utils/logger";

function environment() {
  const config = loadConfig({ readDotenv: false, env: { MATERIA_HOME: mkdtempSync(join(tmpdir(), "materia-step-")) } });
  return createExecutionEnvironment(config, createLogger({ level: "error", format: "json" }), { store: new LocalObjectStore(mkdtempSync(join(tmpdir(), "materia-lake-"))) });
}

async function stepError(definitions: Definitions, step: string): Promise<unknown> {
  return runStep(definitions, { runId: "r", step, partition: null }, environment()).catch((e: unknown) => e);
}

describe("what a materialize function must return", () => {
  it("returning nothing is a typed error that says what to return, and publishes nothing", async () => {
    const definitions = defineDefinitions({ assets: [defineAsset({ key: "t/empty", materialize: async () => undefined as unknown as string })] });
    const env = environment();
    const error = await runStep(definitions, { runId: "r", step: "t/empty", partition: null }, env).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MaterializeError);
    expect((error as MaterializeError).message).toContain('materialize of "t/empty" returned nothing');
    expect((error as MaterializeError).hint).toContain("SELECT");
    expect(await env.catalog.readManifest("t/empty", null)).toBeUndefined();
  });

  it("a multi-asset must return exactly its outputs", async () => {
    const multi = defineMultiAsset({
      name: "t/split",
      outputs: [{ key: "t/good" }, { key: "t/bad" }],
      materialize: async () => ({ outputs: { "t/good": { query: "SELECT 1 AS x" }, "t/other": { query: "SELECT 2 AS x" } } }),
    });
    const error = await stepError(defineDefinitions({ assets: [multi] }), "t/split");
    expect(error).toBeInstanceOf(MaterializeError);
    expect((error as Error).message).toMatch(/is missing outputs t\/bad and returned unknown outputs t\/other/);
  });

  it("a multi-asset publishes each output under its own key, from one step", async () => {
    const multi = defineMultiAsset({
      name: "t/split",
      outputs: [{ key: "t/evens" }, { key: "t/odds" }],
      async materialize(ctx) {
        await ctx.sql.run("CREATE TABLE numbers AS SELECT range AS n FROM range(10)");
        return { outputs: { "t/evens": { query: "SELECT n FROM numbers WHERE n % 2 = 0" }, "t/odds": { table: "numbers" } } };
      },
    });
    const env = environment();
    const result = await materialize(defineDefinitions({ assets: [multi] }), { selection: "*", partitions: [], env });
    expect(result.steps.map((s) => [s.step, s.status, s.outputs.map((o) => [o.asset, o.rowCount])])).toEqual([["t/split", "published", [["t/evens", 5], ["t/odds", 10]]]]);
  });

  it("SQL that fails is an error naming DuckDB's problem, and the previous version stays", async () => {
    let sql = "SELECT 1 AS x";
    const definitions = defineDefinitions({ assets: [defineAsset({ key: "t/flaky", materialize: async () => sql })] });
    const env = environment();
    await runStep(definitions, { runId: "r1", step: "t/flaky", partition: null }, env);
    const before = (await env.catalog.readManifest("t/flaky", null))!;
    sql = "SELECT no_such_column FROM range(3)";
    await expect(runStep(definitions, { runId: "r2", step: "t/flaky", partition: null }, env)).rejects.toThrow(/no_such_column/);
    expect((await env.catalog.readManifest("t/flaky", null))!.dataVersion).toBe(before.dataVersion);
  });
});
