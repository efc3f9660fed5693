import { createExecutionEnvironment } from "../../src/execution";
import { createLogger } from "../../src/utils/logger";
import { startRun } from "../../src/temporal/client";
import { AlertReceiver } from "../support/alert-receiver";
import { fixtureDefinitions } from "../support/fixture-pipeline";
import { startHarness, type Harness } from "../support/temporal-harness";
import { testConfig } from "../support/test-config";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ROUTING_KEY = "0123456789abcdef0123456789abcdef";

async function waitForRequests(receiver: AlertReceiver, path: string, count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (receiver.requestsTo(path).length < count && Date.now() < deadline) await sleep(100);
}

describe("check alerts through Temporal to real HTTP receivers", () => {
  let receiver: AlertReceiver;
  let good: Harness;
  let bad: Harness;

  beforeAll(async () => {
    receiver = await AlertReceiver.start();
    const config = testConfig({
      MATERIA_SLACK_WEBHOOK_URL: receiver.url("/slack/T000/B000/secret-token"),
      MATERIA_PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
      MATERIA_PAGERDUTY_URL: receiver.url("/pagerduty"),
      MATERIA_ALERT_ROUTES: "error=pagerduty,slack;warn=slack",
    });
    const log = createLogger({ level: "error", format: "json" });
    const definitions = fixtureDefinitions();
    good = await startHarness(definitions, { config, env: createExecutionEnvironment(config, log) });
    bad = await startHarness(definitions, {
      config: { ...config, temporal: { ...config.temporal, taskQueue: `${config.temporal.taskQueue}-bad` } },
      env: createExecutionEnvironment(config, log, { store: good.env.store, resources: { negative: true } }),
    });
  });
  afterAll(async () => {
    await bad.close();
    await good.close();
    await receiver.close();
  });

  it("pages once on failure (through a receiver that is down for a while), and resolves with the same dedup key when the check passes again", async () => {
    receiver.respondWith(500, 3); // the first deliveries fail; retries with backoff get through
    const failing = await startRun(bad.client, bad.config.temporal.taskQueue, { selection: "key:shop/orders", partition: "2024-09" });
    await failing.handle.result().catch(() => undefined);
    const acceptedCount = (path: string) => receiver.requestsTo(path).filter((r) => r.status === 200).length;
    for (let i = 0; i < 300 && (acceptedCount("/pagerduty") < 1 || acceptedCount("/slack") < 1); i++) await sleep(100);
    await sleep(1500);

    type PagerDutyEvent = { event_action: string; dedup_key: string; routing_key: string };
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
    await sleep(1500);
    expect(receiver.requests.length).toBe(before);

    // Fixed data: the check passes, PagerDuty gets a resolve with the same dedup key.
    await (await startRun(good.client, good.config.temporal.taskQueue, { selection: "key:shop/orders", partition: "2024-09" })).handle.result();
    await waitForRequests(receiver, "/pagerduty", pagerDuty.length + 1);
    const last = receiver.requestsTo("/pagerduty").map((r) => r.json as PagerDutyEvent).pop()!;
    expect(last).toMatchObject({ event_action: "resolve", dedup_key: trigger.dedup_key });
    // The recovery also reaches Slack, where the failure went.
    for (let i = 0; i < 100 && acceptedCount("/slack") < 2; i++) await sleep(100);
    expect(receiver.requestsTo("/slack").filter((r) => r.status === 200).pop()!.rawBody).toMatch(/recover|resolved|passes/i);
  });

  it("a receiver answering 4xx fails the delivery for good: no retry storm, the failure is visible in Temporal", async () => {
    receiver.reset();
    receiver.respondWith(400, 2, "invalid routing key");
    await (await startRun(bad.client, bad.config.temporal.taskQueue, { selection: "key:shop/orders", partition: "2024-10" })).handle.result().catch(() => undefined);
    const forPartition = () => receiver.requests.filter((r) => r.rawBody.includes("2024-10"));
    for (let i = 0; i < 100 && forPartition().length < 2; i++) await sleep(100);
    await sleep(3000);
    expect(forPartition().map((r) => r.status)).toEqual([400, 400]);
    const failed: string[] = [];
    for await (const execution of good.client.workflow.list({ query: `WorkflowType = "alertDeliveryWorkflow" AND ExecutionStatus = "Failed"` })) failed.push(execution.workflowId);
    expect(failed.filter((id) => id.includes(":trigger:")).length).toBeGreaterThanOrEqual(2);
  });
});
