import { defineAsset, defineDefinitions, defineJob, defineSensor, freshness, monthlyPartitions } from "../../src/core";
import { createExecutionEnvironment } from "../../src/execution";
import { startRun } from "../../src/temporal/client";
import { freshnessMonitorId, sensorWorkflowId, syncSensors } from "../../src/temporal/sensors";
import { createLogger } from "../../src/utils/logger";
import { AlertReceiver } from "../support/alert-receiver";
import { startHarness, type Harness } from "../support/temporal-harness";
import { testConfig } from "../support/test-config";
import { waitFor } from "../support/wait";
import { sensorStateQuery } from "../../src/temporal/sensor-shared";
type PagerDutyEvent = { event_action: string; dedup_key: string; payload: { summary: string; custom_details?: Record<string, unknown> } };

describe("freshness deadlines and failing sensors page on-call", () => {
  let receiver: AlertReceiver;
  let harness: Harness;
  // Partitions that ended long ago, so the test holds on any date: the monitor looks at the last three
  // complete ones (2020-04, 2020-03, 2020-02), all past their deadline (2 days after month end) whatever today is.
  // Open-ended partitions made this depend on the calendar: on the 1st and 2nd of a month the latest one is not yet due.
  const months = monthlyPartitions({ start: "2020-01", end: "2020-05" });
  const definitions = defineDefinitions({
    assets: [defineAsset({ key: "fresh/totals", partitions: months, checks: [freshness({ partitionDeadline: { afterPartitionEnd: "P2D" }, severity: "error" })], materialize: async () => "SELECT 1 AS one" })],
    jobs: [defineJob({ name: "fresh_job", selection: "key:fresh/totals" })],
    sensors: [defineSensor({ name: "broken", job: "fresh_job", intervalSeconds: 1, evaluate: async () => { throw new Error("vendor API answered 503"); } })],
  });

  beforeAll(async () => {
    receiver = await AlertReceiver.start();
    const config = testConfig({ MATERIA_PAGERDUTY_ROUTING_KEY: "0123456789abcdef0123456789abcdef", MATERIA_PAGERDUTY_URL: receiver.url("/pagerduty"), MATERIA_ALERT_ROUTES: "error=pagerduty;warn=pagerduty" });
    harness = await startHarness(definitions, { config, env: createExecutionEnvironment(config, createLogger({ level: "error", format: "json" })) });
  });
  afterAll(async () => {
    for (const id of [freshnessMonitorId(harness.config.temporal.taskQueue), sensorWorkflowId("broken")]) await harness.client.workflow.getHandle(id).terminate().catch(() => undefined);
    await harness.close();
    await receiver.close();
  });

  it("pages once per missed partition deadline, once for a sensor failing repeatedly, and resolves when the partition is published", async () => {
    await syncSensors(harness.client, definitions, harness.config.temporal.taskQueue);
    const events = () => receiver.requestsTo("/pagerduty").map((r) => r.json as PagerDutyEvent);
    await waitFor("three freshness pages and one sensor page", () => events().filter((e) => e.event_action === "trigger").length >= 4);
    // Three more failed evaluations after the one that paged: still one page.
    const sensor = harness.client.workflow.getHandle(sensorWorkflowId("broken"));
    const failuresAtPage = (await sensor.query(sensorStateQuery)).consecutiveFailures;
    await waitFor("three more failed sensor evaluations", async () => (await sensor.query(sensorStateQuery)).consecutiveFailures >= failuresAtPage + 3);
    const triggers = events().filter((e) => e.event_action === "trigger");
    const freshnessTriggers = triggers.filter((e) => JSON.stringify(e).includes("fresh/totals"));
    const recent = ["2020-04", "2020-03", "2020-02"];
    // by the partition field: a month's page also names the next month in its deadline ("2020-04-02" on 2020-03's)
    const partitionOf = (e: PagerDutyEvent) => e.payload.custom_details?.partition;
    expect(freshnessTriggers.map(partitionOf).sort()).toEqual([...recent].sort());
    const sensorTriggers = triggers.filter((e) => JSON.stringify(e).includes("broken"));
    expect(sensorTriggers).toHaveLength(1);
    expect(JSON.stringify(sensorTriggers[0])).toContain("503");

    // Publishing the latest month (late) passes its freshness check: that incident resolves.
    const latest = recent[0]!;
    await (await startRun(harness.client, harness.config.temporal.taskQueue, { job: "fresh_job", partition: latest })).handle.result();
    const latestTrigger = freshnessTriggers.find((e) => partitionOf(e) === latest)!;
    await waitFor("the resolve of the published month's incident", () => events().some((e) => e.event_action === "resolve"));
    expect(events().filter((e) => e.event_action === "resolve").map((e) => e.dedup_key)).toEqual([latestTrigger.dedup_key]);
  });
});
