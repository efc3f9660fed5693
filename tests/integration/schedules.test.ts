import { ScheduleOverlapPolicy } from "@temporalio/client";
import { scheduleId, syncSchedules } from "../../src/temporal/schedules";
import { defineSchedule } from "../../src/core";
import { fixtureDefinitions, SHOP_MONTHLY_SCHEDULE } from "../support/fixture-pipeline";
import { startHarness, type Harness } from "../support/temporal-harness";
import { waitFor } from "../support/wait";


describe("schedules from code on the real Temporal dev server", () => {
  const definitions = fixtureDefinitions();
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness(definitions);
  });
  afterAll(async () => {
    await harness.client.schedule.getHandle(scheduleId("shop_monthly")).delete().catch(() => undefined);
    await harness.close();
  });

  it("syncs idempotently, updates on change, deletes only its own", async () => {
    const taskQueue = harness.config.temporal.taskQueue;
    await harness.client.schedule.create({
      scheduleId: "someone-elses-schedule",
      spec: { cronExpressions: ["0 0 1 1 *"] },
      action: { type: "startWorkflow", workflowType: "pingWorkflow", taskQueue, args: ["x"] },
      state: { paused: true },
    });
    expect(await syncSchedules(harness.client, definitions, taskQueue)).toMatchObject({ created: ["shop_monthly"], deleted: [] });
    expect(await syncSchedules(harness.client, definitions, taskQueue)).toMatchObject({ created: [], updated: [], unchanged: ["shop_monthly"], deleted: [] });
    const changed = fixtureDefinitions({ schedules: [defineSchedule({ ...SHOP_MONTHLY_SCHEDULE, cron: "0 4 2 * *" })] });
    expect(await syncSchedules(harness.client, changed, taskQueue)).toMatchObject({ updated: ["shop_monthly"] });
    const description = await harness.client.schedule.getHandle(scheduleId("shop_monthly")).describe();
    expect(description.policies.overlap).toBe(ScheduleOverlapPolicy.ALLOW_ALL);
    expect(await syncSchedules(harness.client, fixtureDefinitions({ schedules: [] }), taskQueue)).toMatchObject({ deleted: ["shop_monthly"] });
    await expect(harness.client.schedule.getHandle("someone-elses-schedule").describe()).resolves.toBeDefined();
    await harness.client.schedule.getHandle("someone-elses-schedule").delete();
  });

  it("a schedule backfill over three months (what the Web UI sends) materializes exactly those partitions", async () => {
    const taskQueue = harness.config.temporal.taskQueue;
    await syncSchedules(harness.client, definitions, taskQueue);
    const handle = harness.client.schedule.getHandle(scheduleId("shop_monthly"));
    // Nominal times 2024-06-02, 07-02, 08-02 at 02:00 UTC → partitions 2024-05, 2024-06, 2024-07.
    await handle.backfill([{ start: new Date("2024-06-01T00:00:00Z"), end: new Date("2024-08-31T00:00:00Z"), overlap: ScheduleOverlapPolicy.ALLOW_ALL }]);
    const expected = ["2024-05", "2024-06", "2024-07"];
    const published = async () => (await harness.env.catalog.listMaterializations("shop/daily_revenue")).map((m) => m.partitionKey).sort();
    // Every run the backfill started has finished: nothing more can be published by it.
    const scheduledRuns = async () => {
      const statuses: string[] = [];
      for await (const run of harness.client.workflow.list({ query: `TemporalScheduledById = "${scheduleId("shop_monthly")}"` })) statuses.push(run.status.name);
      return statuses;
    };
    await waitFor("the schedule backfill's three runs to finish", async () => {
      const statuses = await scheduledRuns();
      return statuses.length >= 3 && statuses.every((status) => status !== "RUNNING");
    });
    expect(await scheduledRuns()).toEqual(["COMPLETED", "COMPLETED", "COMPLETED"]);
    expect(await published()).toEqual(expected);
    expect((await harness.env.catalog.listMaterializations("shop/orders")).map((m) => m.partitionKey).sort()).toEqual(expected);
    for (const partition of expected) {
      expect((await harness.env.catalog.readManifest("shop/orders", partition))!.runId).toBe(`materia-run:shop_monthly:${partition}`);
    }
  });
});
