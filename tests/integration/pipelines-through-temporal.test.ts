/**
 * The two shipped pipelines, end to end through Temporal: generated vendor
 * data in the landing area, a backfill of the pipeline's monthly job, every
 * asset published for every month with its checks recorded.
 */
import { runGenerator } from "materia/testing";
import { marketGenerator } from "../../src/assets/market";
import { ttbGenerator } from "../../src/assets/ttb";
import { loadDefinitions } from "../../src/definitions";
import { followBackfill, startBackfill } from "../../src/cli/backfill-progress";
import { assetStatuses, materialize, partitionContext } from "../../src/execution";
import { startHarness, type Harness } from "../support/temporal-harness";

/** A whole pipeline over several months: minutes on a loaded 2-core machine (it hit a 120 s limit at load 10). */
const PIPELINE_TEST_TIMEOUT_MS = 20 * 60_000;

describe("the shipped pipelines through Temporal", () => {
  const definitions = loadDefinitions();
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness(definitions);
  });
  afterAll(async () => {
    await harness.close();
  });

  /**
   * Deterministic transforms: the same inputs give the same bytes, so re-running a published partition
   * publishes the same data versions and leaves nothing downstream stale (a parallel floating-point sum
   * once made the market features, labels and rejects differ in their last bits from run to run).
   */
  async function expectSameDataVersionsOnRerun(job: string, partition: string, options: { refreshFirst?: boolean } = {}): Promise<void> {
    // TTB facts show a COLA's current status: a later month's consolidation legitimately changes an earlier month's facts
    if (options.refreshFirst) expect((await materialize(definitions, { job, partitions: [partition], env: harness.env })).status).toBe("succeeded");
    const versions = async (): Promise<Record<string, string | undefined>> => {
      const byAsset: Record<string, string | undefined> = {};
      for (const asset of definitions.jobAssets(job)) {
        const manifest = (await harness.env.catalog.readManifest(asset, partition)) ?? (await harness.env.catalog.readManifest(asset, null));
        byAsset[asset] = manifest?.dataVersion;
      }
      return byAsset;
    };
    const published = await versions();
    expect(Object.values(published).every((v) => v !== undefined)).toBe(true);
    const rerun = await materialize(definitions, { job, partitions: [partition], env: harness.env });
    expect(rerun.status).toBe("succeeded");
    expect(await versions()).toEqual(published);
  }

  async function publishedMonths(asset: string): Promise<string[]> {
    return (await harness.env.catalog.listMaterializations(asset)).map((m) => m.partitionKey ?? "-").sort();
  }

  /** Asset partitions of `assets` over `months` that are not fresh, as `asset[partition] status`. */
  async function notFresh(assets: string[], months: string[]): Promise<string[]> {
    const context = await partitionContext(definitions, harness.env.catalog);
    const statuses = await assetStatuses(definitions, harness.env, { assets, partitions: months, context });
    return statuses.filter((s) => s.status.status !== "fresh").map((s) => `${s.asset}[${s.partition ?? "-"}] ${s.status.status}`);
  }

  it("TTB: 24 months from registry extracts to facts; the consolidated table and each dimension built once; nothing stale", async () => {
    const months = Array.from({ length: 24 }, (_, i) => `${2023 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`);
    await runGenerator(ttbGenerator, { store: harness.env.store, from: months[0]!, to: months[23]! });
    const handle = await startBackfill(harness.client, harness.config.temporal.taskQueue, { job: "ttb_monthly", from: months[0], to: months[23] });
    const summary = await followBackfill(handle, { bar: false });
    expect(summary).toMatchObject({ status: "succeeded", partitions: 24, failed: 0, notRun: 0, waiting: 0 });
    expect(summary.done).toBe(summary.total);
    for (const asset of ["ttb/raw_colas", "ttb/processed_colas", "ttb/status_events", "ttb/rejects", "ttb/fact_label_approvals", "ttb/fact_monthly_summary"]) {
      expect(await publishedMonths(asset)).toEqual(months);
    }
    // Built once each: a second build would have moved the first version into the manifest's history.
    for (const asset of ["ttb/consolidated_colas", "ttb/dim_company", "ttb/dim_brand", "ttb/dim_product_class", "ttb/dim_origin", "ttb/dim_date"]) {
      const manifest = (await harness.env.catalog.readManifest(asset, null))!;
      expect({ asset, versions: 1 + manifest.history.length }).toEqual({ asset, versions: 1 });
    }
    const consolidated = (await harness.env.catalog.readManifest("ttb/consolidated_colas", null))!;
    expect(consolidated.upstream.filter((u) => u.asset === "ttb/processed_colas").length).toBe(24);
    expect(consolidated.checks.every((c) => c.passed)).toBe(true);
    const facts = (await harness.env.catalog.readManifest("ttb/fact_label_approvals", "2024-03"))!;
    expect(facts.rowCount).toBeGreaterThan(1000);
    expect(facts.checks.filter((c) => !c.passed && c.severity === "error")).toEqual([]);
    expect(await notFresh(definitions.jobAssets("ttb_monthly"), months)).toEqual([]);

    await expectSameDataVersionsOnRerun("ttb_monthly", "2024-03", { refreshFirst: true });
  }, PIPELINE_TEST_TIMEOUT_MS);

  it("market: three months from vendor files to the training set; labels read the next month's bars, each asset partition built once", async () => {
    const months = ["2025-08", "2025-09", "2025-10"];
    await runGenerator(marketGenerator, { store: harness.env.store, from: months[0]!, to: months[2]! });
    const handle = await startBackfill(harness.client, harness.config.temporal.taskQueue, { job: "market_monthly", from: months[0], to: months[2] });
    const summary = await followBackfill(handle, { bar: false });
    expect(summary).toMatchObject({ status: "succeeded", partitions: 3, failed: 0, notRun: 0, waiting: 0 });
    expect(summary.done).toBe(summary.total);
    for (const asset of ["market/raw_bars", "market/raw_bars_rejects", "market/front_month_bars", "market/features", "market/labels", "market/training_set"]) {
      expect(await publishedMonths(asset)).toEqual(months);
    }
    const raw = (await harness.env.catalog.readManifest("market/raw_bars", "2025-09"))!;
    expect(raw.rowCount).toBeGreaterThan(400_000);
    const training = (await harness.env.catalog.readManifest("market/training_set", "2025-09"))!;
    expect(training.rowCount).toBeGreaterThan(10_000);
    expect(training.checks.filter((c) => !c.passed && c.severity === "error")).toEqual([]);

    // Every month but the last read the next month's bars on its one and only build: no re-run step.
    const labels = await Promise.all(months.map(async (m) => (await harness.env.catalog.readManifest("market/labels", m))!));
    expect(labels.map((m) => m.metadata.nextMonthRead)).toEqual([true, true, false]);
    expect(labels.map((m) => m.history.length)).toEqual([0, 0, 0]);
    expect(await notFresh(definitions.jobAssets("market_monthly"), months)).toEqual([]);

    await expectSameDataVersionsOnRerun("market_monthly", "2025-10");
  }, PIPELINE_TEST_TIMEOUT_MS);
});
