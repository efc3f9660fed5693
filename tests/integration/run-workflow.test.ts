import { WorkflowFailedError } from "@temporalio/client";
import { ApplicationFailure } from "@temporalio/common";
import { startRun } from "../../src/temporal/client";
import type { RunSummary } from "../../src/temporal/shared";
import { fixtureDefinitions } from "../support/fixture-pipeline";
import { startHarness, type Harness } from "../support/temporal-harness";

describe("run workflow on the real Temporal dev server", () => {
  const definitions = fixtureDefinitions();
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness(definitions);
  });
  afterAll(async () => {
    await harness.close();
  });

  it("materializes a partitioned graph, step by step, with manifests naming the run", async () => {
    const { handle, workflowId } = await startRun(harness.client, harness.config.temporal.taskQueue, { selection: "*", partition: "2024-01" });
    expect(workflowId).toMatch(/^materia-run:sel-[0-9a-z]+:2024-01$/);
    const summary = await handle.result();
    expect(summary.status).toBe("succeeded");
    expect(summary.steps.map((s) => [s.id, s.status, s.rows])).toEqual([
      ["shop/orders[2024-01]", "published", 480],
      ["shop/daily_revenue[2024-01]", "published", 20],
      ["shop/rolling_revenue[2024-01]", "published", 1],
      ["shop/summary", "published", 1],
    ]);
    const manifest = await harness.env.catalog.readManifest("shop/daily_revenue", "2024-01");
    expect(manifest).toMatchObject({ runId: workflowId, rowCount: 20 });
  });

  it("two simultaneous triggers of the same partition run it once", async () => {
    const input = { selection: "key:shop/orders", partition: "2024-04" };
    const [a, b] = await Promise.all([startRun(harness.client, harness.config.temporal.taskQueue, input), startRun(harness.client, harness.config.temporal.taskQueue, input)]);
    expect(a.workflowId).toBe(b.workflowId);
    const [ra, rb] = await Promise.all([a.handle.result(), b.handle.result()]);
    expect(ra).toEqual(rb);
    const executions = [];
    for await (const execution of harness.client.workflow.list({ query: `WorkflowId = "${a.workflowId}"` })) executions.push(execution);
    expect(executions.length).toBeLessThanOrEqual(1);
    const manifest = (await harness.env.catalog.readManifest("shop/orders", "2024-04"))!;
    expect(manifest.history).toHaveLength(0);
  });

  it("is filterable by MateriaPartition in visibility", async () => {
    let found: string[] = [];
    for (let attempt = 0; attempt < 20 && found.length === 0; attempt++) {
      found = [];
      for await (const execution of harness.client.workflow.list({ query: `MateriaPartition = "2024-01" AND MateriaKind = "run"` })) found.push(execution.workflowId);
      if (found.length === 0) await new Promise((r) => setTimeout(r, 250));
    }
    expect(found).toContain((await startRun(harness.client, harness.config.temporal.taskQueue, { selection: "*", partition: "2024-01" })).workflowId);
  });

  it("a failed blocking check publishes nothing, skips downstream and fails the run with a typed failure", async () => {
    const bad = await startHarness(definitions, { resources: { negative: true }, env: { ...harness.env, resources: { negative: true } } });
    try {
      const { handle } = await startRun(bad.client, bad.config.temporal.taskQueue, { selection: "*", partition: "2024-02" });
      const error = await handle.result().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowFailedError);
      const cause = (error as WorkflowFailedError).cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect((cause as ApplicationFailure).type).toBe("CheckFailedError");
      expect((cause as ApplicationFailure).nonRetryable).toBe(true);
      const summary = (cause as ApplicationFailure).details?.[0] as RunSummary;
      expect(summary.steps.map((s) => [s.id, s.status])).toEqual([
        ["shop/orders[2024-02]", "blocked"],
        ["shop/daily_revenue[2024-02]", "skipped"],
        ["shop/rolling_revenue[2024-02]", "skipped"],
        ["shop/summary", "skipped"],
      ]);
      expect(summary.steps[0]?.failedChecks).toEqual(["shop/orders:amount_not_negative"]);
      expect(await harness.env.catalog.readManifest("shop/orders", "2024-02")).toBeUndefined();
    } finally {
      await bad.close();
    }
  });
});
