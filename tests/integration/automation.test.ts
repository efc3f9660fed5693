import { anyOf, dailyPartitions, defineAsset, defineDefinitions, onMissing, onUpstreamUpdated } from "../../src/core";
import { materialize } from "../../src/execution";
import { automationStateQuery, automationWorkflowId } from "../../src/temporal/automation-shared";
import { syncSensors } from "../../src/temporal/sensors";
import { startHarness, type Harness } from "../support/temporal-harness";
import { waitFor } from "../support/wait";

// A fixed end: the window (the latest days) never depends on today's date.
const days = dailyPartitions({ start: "2020-01-01", end: "2020-03-01" });
const latest = days.keys().slice(-3).reverse(); // 2020-02-29, 2020-02-28, 2020-02-27
/** What raw publishes: changed by the test to give raw a new data version. */
let rawValue = 1;

const definitions = defineDefinitions({
  assets: [
    defineAsset({ key: "auto/raw", partitions: days, automation: onMissing({ latest: 3 }), materialize: async () => `SELECT ${rawValue} AS v` }),
    defineAsset({ key: "auto/clean", partitions: days, deps: ["auto/raw"], automation: anyOf(onMissing({ latest: 2 }), onUpstreamUpdated({ latest: 2 })), materialize: async () => "SELECT v * 10 AS v FROM raw" }),
  ],
});

describe("declarative automation through the real Temporal dev server", () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness(definitions);
  });
  afterAll(async () => {
    await harness.client.workflow.getHandle(automationWorkflowId(harness.config.temporal.taskQueue)).terminate().catch(() => undefined);
    await harness.close();
  });

  it("fills the window from the first tick, capped per tick, never the history; then follows an upstream update", async () => {
    const { running } = await syncSensors(harness.client, definitions, harness.config.temporal.taskQueue, { intervalSeconds: 1, maxLaunchesPerTick: 2 });
    const id = automationWorkflowId(harness.config.temporal.taskQueue);
    expect(running).toContain(id);
    const handle = harness.client.workflow.getHandle(id);
    const published = async (asset: string) => (await harness.env.catalog.listMaterializations(asset)).map((m) => m.partitionKey).sort();

    await waitFor("raw's 3 latest days and clean's 2 latest days to be published", async () => (await published("auto/raw")).length === 3 && (await published("auto/clean")).length === 2);
    expect(await published("auto/raw")).toEqual([...latest].sort());
    expect(await published("auto/clean")).toEqual(latest.slice(0, 2).sort());

    const state = await handle.query(automationStateQuery);
    // The first tick: raw's 3 missing days requested (clean waits for raw), 2 launched, 1 deferred to the next tick.
    expect(state.recent[0]).toMatchObject({ requested: 3, launched: 2, deferred: 1, outcome: "succeeded" });
    expect(state.recent.every((tick) => tick.launched <= 2)).toBe(true);

    // raw's newest day gets a new data version: clean's newest day follows it, on its own.
    rawValue = 2;
    const result = await materialize(definitions, { selection: "key:auto/raw", partitions: [latest[0]!], env: harness.env });
    expect(result.status).toBe("succeeded");
    const raw = (await harness.env.catalog.readManifest("auto/raw", latest[0]!))!;
    const clean = await waitFor("clean's newest day to be rebuilt from raw's new version", async () => {
      const manifest = await harness.env.catalog.readManifest("auto/clean", latest[0]!);
      return manifest?.upstream.some((u) => u.asset === "auto/raw" && u.dataVersion === raw.dataVersion) && manifest;
    });
    expect(clean.history.length).toBe(1);
    // Nothing outside the windows was ever materialized.
    expect(await published("auto/raw")).toHaveLength(3);
    expect(await published("auto/clean")).toHaveLength(2);
  });
});
