import { defineDefinitions, landingSensor } from "../../src/core";
import { runGenerator } from "materia/testing";
import { exampleAssets, exampleGenerator } from "../../src/assets/example";
import { exampleJob } from "../../src/jobs/example";
import { syncSensors, sensorWorkflowId } from "../../src/temporal/sensors";
import { startHarness, type Harness } from "../support/temporal-harness";
import { waitFor } from "../support/wait";
import { sensorStateQuery } from "../../src/temporal/sensor-shared";

const definitions = defineDefinitions({
  assets: exampleAssets,
  jobs: [exampleJob],
  sensors: [
    landingSensor({
      name: "example_landing",
      job: "example_monthly",
      prefix: "landing/example/page_views/",
      partitionFor: (key) => /(\d{4}-\d{2})\.csv$/.exec(key)?.[1],
      intervalSeconds: 1,
    }),
  ],
});

describe("the landing sensor on the real Temporal dev server", () => {
  let harness: Harness;

  afterAll(async () => {
    await harness.client.workflow.getHandle(sensorWorkflowId("example_landing")).terminate().catch(() => undefined);
    await harness.close();
  });

  async function runsOfJob(): Promise<string[]> {
    const ids: string[] = [];
    for await (const execution of harness.client.workflow.list({ query: `WorkflowType = "runWorkflow" AND TaskQueue = "${harness.config.temporal.taskQueue}"` })) ids.push(execution.workflowId);
    return ids.sort();
  }

  async function waitForPublished(partition: string): Promise<void> {
    await waitFor(`example/page_views ${partition} to be published`, () => harness.env.catalog.readManifest("example/page_views", partition));
  }

  it("launches exactly one run per new vendor file, including after a worker restart", async () => {
    harness = await startHarness(definitions);
    const { env, config } = harness;
    await runGenerator(exampleGenerator, { store: env.store, from: "2025-01", to: "2025-01" });
    await syncSensors(harness.client, definitions, config.temporal.taskQueue);
    await waitForPublished("2025-01");
    await runGenerator(exampleGenerator, { store: env.store, from: "2025-02", to: "2025-02" });
    await waitForPublished("2025-02");

    // Restart the worker: the sensor's cursor lives in its workflow, not in the worker.
    await harness.close();
    await runGenerator(exampleGenerator, { store: env.store, from: "2025-03", to: "2025-03" });
    harness = await startHarness(definitions, { config, env });
    await waitForPublished("2025-03");
    // Three more evaluations: unchanged files must not trigger again.
    const sensor = harness.client.workflow.getHandle(sensorWorkflowId("example_landing"));
    const evaluated = (await sensor.query(sensorStateQuery)).evaluations;
    await waitFor("three more sensor evaluations", async () => (await sensor.query(sensorStateQuery)).evaluations >= evaluated + 3);

    const runs = await runsOfJob();
    expect(runs).toEqual(["materia-run:example_monthly:2025-01", "materia-run:example_monthly:2025-02", "materia-run:example_monthly:2025-03"]);
    // Syncing again leaves the running sensor (and its cursor) alone.
    expect(await syncSensors(harness.client, definitions, config.temporal.taskQueue)).toEqual({ running: ["example_landing"], cancelled: [] });
  });
});
