import { createExecutionEnvironment } from "../../src/execution";
import { createLogger } from "../../src/utils/logger";
import { startRun } from "../../src/temporal/client";
import { AlertReceiver, alertSettings, TEST_ROUTING_KEY as ROUTING_KEY } from "../support/alert-receiver";
import { fixtureDefinitions } from "../support/fixture-pipeline";
import { startHarness, type Harness } from "../support/temporal-harness";
import { testConfig } from "../support/test-config";
import { waitFor } from "../support/wait";
import { alertQueueStateQuery, alertQueueWorkflowId } from "../../src/temporal/alert-shared";
import type { AlertChannelName } from "../../src/resources/alerts/types";


async function waitForRequests(receiver: AlertReceiver, path: string, count: number): Promise<void> {
  await waitFor(`${count} requests to ${path}`, () => receiver.requestsTo(path).length >= count);
}

type PagerDutyEvent = { event_action: string; dedup_key: string; routing_key: string; payload?: { summary: string } };

describe("check alerts through Temporal to real HTTP receivers", () => {
  let receiver: AlertReceiver;
  let good: Harness;
  let bad: Harness;
  let broken: Harness;

  beforeAll(async () => {
    receiver = await AlertReceiver.start();
    const config = testConfig(alertSettings(receiver));
    const log = createLogger({ level: "error", format: "json" });
    const definitions = fixtureDefinitions();
    good = await startHarness(definitions, { config, env: createExecutionEnvironment(config, log) });
    bad = await startHarness(definitions, {
      config: { ...config, temporal: { ...config.temporal, taskQueue: `${config.temporal.taskQueue}-bad` } },
      env: createExecutionEnvironment(config, log, { store: good.env.store, resources: { negative: true } }),
    });
    broken = await startHarness(definitions, {
      config: { ...config, temporal: { ...config.temporal, taskQueue: `${config.temporal.taskQueue}-broken` } },
      env: createExecutionEnvironment(config, log, { store: good.env.store, resources: { unavailable: true } }),
    });
  });
  /**
   * The events one channel's queue holds for an incident, settled or not. A run enqueues its alerts before
   * it finishes, so once its result is in, this is final for that run: "nobody paged twice" needs no waiting.
   */
  async function queuedEvents(channel: AlertChannelName, dedupKey: string): Promise<{ pending: number; settled: number }> {
    const view = await good.client.workflow.getHandle(alertQueueWorkflowId(channel, dedupKey)).query(alertQueueStateQuery);
    return { pending: view.pending.length, settled: view.settled.length };
  }

  afterAll(async () => {
    await broken.close();
    await bad.close();
    await good.close();
    await receiver.close();
  });

  it("pages once on failure (through a receiver that is down for a while), and resolves with the same dedup key when the check passes again", async () => {
    receiver.respondWith(500, 3); // the first deliveries fail; retries with backoff get through
    const failing = await startRun(bad.client, bad.config.temporal.taskQueue, { selection: "key:shop/orders", partition: "2024-09" });
    await failing.handle.result().catch(() => undefined);
    const acceptedCount = (path: string) => receiver.requestsTo(path).filter((r) => r.status === 200).length;
    await waitFor("the trigger accepted on both channels", () => acceptedCount("/pagerduty") >= 1 && acceptedCount("/slack") >= 1);
    const dedupKey = (receiver.requestsTo("/pagerduty").find((r) => r.status === 200)!.json as PagerDutyEvent).dedup_key;
    // Both queues settled their one event: no other delivery of it can follow.
    for (const channel of ["pagerduty", "slack"] as const) await waitFor(`the ${channel} queue to settle`, async () => (await queuedEvents(channel, dedupKey)).settled === 1);

    const pagerDuty = receiver.requestsTo("/pagerduty");
    const accepted = pagerDuty.filter((r) => r.status === 200).map((r) => r.json as PagerDutyEvent);
    // Some attempts met the outage (500); after recovery exactly one trigger was accepted.
    expect(receiver.requests.some((r) => r.status === 500)).toBe(true);
    expect(accepted.filter((e) => e.event_action === "trigger")).toHaveLength(1);
    const trigger = accepted[0]!;
    expect(trigger.routing_key).toBe(ROUTING_KEY);
    expect(JSON.stringify(trigger)).toContain("amount_not_negative");
    expect(JSON.stringify(trigger)).toContain("2024-09");
    const slack = receiver.requestsTo("/slack").filter((r) => r.status === 200);
    expect(slack).toHaveLength(1);
    expect(slack[0]!.rawBody).toContain("amount_not_negative");
    expect(slack[0]!.rawBody).toContain("materia materialize");
    expect(slack[0]!.rawBody).toContain("/namespaces/default/workflows/");

    // The same failure again: the incident is open, so nobody is paged twice.
    const before = receiver.requests.length;
    await (await startRun(bad.client, bad.config.temporal.taskQueue, { selection: "key:shop/orders", partition: "2024-09" })).handle.result().catch(() => undefined);
    for (const channel of ["pagerduty", "slack"] as const) expect(await queuedEvents(channel, dedupKey)).toEqual({ pending: 0, settled: 1 });
    expect(receiver.requests.length).toBe(before);

    // Fixed data: the check passes, PagerDuty gets a resolve with the same dedup key.
    await (await startRun(good.client, good.config.temporal.taskQueue, { selection: "key:shop/orders", partition: "2024-09" })).handle.result();
    await waitForRequests(receiver, "/pagerduty", pagerDuty.length + 1);
    const last = receiver.requestsTo("/pagerduty").map((r) => r.json as PagerDutyEvent).pop()!;
    expect(last).toMatchObject({ event_action: "resolve", dedup_key: trigger.dedup_key });
    // The recovery also reaches Slack, where the failure went.
    await waitFor("the recovery on Slack", () => acceptedCount("/slack") >= 2);
    expect(receiver.requestsTo("/slack").filter((r) => r.status === 200).pop()!.rawBody).toMatch(/recover|resolved|passes/i);
  });

  it("a receiver answering 4xx fails the delivery for good: no retry storm, the failure is visible in Temporal", async () => {
    receiver.reset();
    receiver.respondWith(400, 2, "invalid routing key");
    await (await startRun(bad.client, bad.config.temporal.taskQueue, { selection: "key:shop/orders", partition: "2024-10" })).handle.result().catch(() => undefined);
    const forPartition = () => receiver.requests.filter((r) => r.rawBody.includes("2024-10"));
    // Both deliveries (one per channel) end Failed: a finished delivery sends nothing more, so the count is final.
    const failedTriggers = async () => {
      const failed: string[] = [];
      for await (const execution of good.client.workflow.list({ query: `WorkflowType = "alertDeliveryWorkflow" AND ExecutionStatus = "Failed"` })) failed.push(execution.workflowId);
      return failed.filter((id) => id.includes(":trigger:"));
    };
    await waitFor("both trigger deliveries to fail for good", async () => (await failedTriggers()).length >= 2);
    expect(forPartition().map((r) => r.status)).toEqual([400, 400]);
  });

  it("pages once when a step fails, stays quiet while its partition keeps failing, and resolves when the step publishes it again", async () => {
    receiver.reset();
    const partition = "2024-11";
    const run = async (h: Harness) => (await startRun(h.client, h.config.temporal.taskQueue, { selection: "key:shop/orders", partition })).handle.result();
    const accepted = () => receiver.requestsTo("/pagerduty").filter((r) => r.status === 200).map((r) => r.json as PagerDutyEvent);

    await expect(run(broken)).rejects.toThrow();
    await waitFor("the step-failure page", () => accepted().length >= 1);
    const [trigger] = accepted();
    expect(trigger).toMatchObject({ event_action: "trigger" });
    expect(trigger!.payload!.summary).toMatch(/run failed on shop\/orders \[2024-11\].*unavailable/);

    // Failing again (another run of the same step partition): the incident is open, nobody is paged twice.
    await expect(run(broken)).rejects.toThrow();
    expect((await queuedEvents("pagerduty", trigger!.dedup_key)).pending + (await queuedEvents("pagerduty", trigger!.dedup_key)).settled).toBe(1);
    expect(accepted()).toHaveLength(1);

    // The step publishes the partition: PagerDuty gets a resolve with the failure's dedup key, Slack the recovery.
    await run(good);
    await waitFor("the resolve", () => accepted().length >= 2);
    expect(accepted()[1]).toMatchObject({ event_action: "resolve", dedup_key: trigger!.dedup_key });
    const slack = () => receiver.requestsTo("/slack").filter((r) => r.status === 200);
    await waitFor("the recovery on Slack", () => slack().length >= 2);
    expect(slack().pop()!.rawBody).toContain("published again");

    // Closed: a later failure pages again.
    await expect(run(broken)).rejects.toThrow();
    await waitFor("the new page", () => accepted().length >= 3);
    expect(accepted()[2]).toMatchObject({ event_action: "trigger", dedup_key: trigger!.dedup_key });
  });
});
