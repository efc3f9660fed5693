/**
 * One incident's alerts reach each channel in order, each exactly once: a
 * receiver that is down while a check fails (the trigger is being retried)
 * and while the check passes again (the resolve is planned) gets, once it is
 * back, the trigger and then the resolve, never the resolve first (which
 * would make PagerDuty reopen a resolved incident).
 */
import type { WorkflowHandle } from "@temporalio/client";
import { createExecutionEnvironment } from "../../src/execution";
import { alertDedupKey } from "../../src/resources/alerts";
import { alertQueueStateQuery, alertQueueWorkflowId } from "../../src/temporal/alert-shared";
import { startRun } from "../../src/temporal/client";
import { createLogger } from "../../src/utils/logger";
import { AlertReceiver, alertSettings, type RecordedRequest } from "../support/alert-receiver";
import { waitFor } from "../support/wait";
import { fixtureDefinitions } from "../support/fixture-pipeline";
import { startHarness, type Harness } from "../support/temporal-harness";
import { testConfig } from "../support/test-config";

const PARTITION = "2025-03";
/** Generous: the trigger's retry backoff doubles while the receiver is down, and this machine may be busy. */
const DEADLINE_MS = 180_000;

type PagerDutyEvent = { event_action: string; dedup_key: string };

/** Poll until `probe` holds (a query failing while a queue is being started or handed over is "not yet"). */
const waitUntil = (what: string, probe: () => boolean | Promise<boolean>) => waitFor(what, probe, { timeoutMs: DEADLINE_MS, intervalMs: 200 });

const isResolve = (r: RecordedRequest) => (r.path.startsWith("/pagerduty") ? (r.json as PagerDutyEvent).event_action === "resolve" : /passes again|recovered/i.test(r.rawBody));

describe("alerts of one incident are delivered in order", () => {
  let receiver: AlertReceiver;
  let good: Harness;
  let bad: Harness;

  beforeAll(async () => {
    receiver = await AlertReceiver.start();
    const config = testConfig(alertSettings(receiver));
    const log = createLogger({ level: "error", format: "json" });
    good = await startHarness(fixtureDefinitions(), { config, env: createExecutionEnvironment(config, log) });
    bad = await startHarness(fixtureDefinitions(), {
      config: { ...config, temporal: { ...config.temporal, taskQueue: `${config.temporal.taskQueue}-bad` } },
      env: createExecutionEnvironment(config, log, { store: good.env.store, resources: { negative: true } }),
    });
  }, DEADLINE_MS);
  afterAll(async () => {
    await bad?.close();
    await good?.close();
    await receiver?.close();
  });

  it("receiver down during the trigger, check passes meanwhile, receiver back: trigger then resolve, each exactly once", async () => {
    const dedupKey = alertDedupKey({ asset: "shop/orders", check: "amount_not_negative", partition: PARTITION });
    const queues: Record<"pagerduty" | "slack", WorkflowHandle> = {
      pagerduty: good.client.workflow.getHandle(alertQueueWorkflowId("pagerduty", dedupKey)),
      slack: good.client.workflow.getHandle(alertQueueWorkflowId("slack", dedupKey)),
    };
    const view = (channel: keyof typeof queues) => queues[channel].query(alertQueueStateQuery);
    const run = async (h: Harness) => (await startRun(h.client, h.config.temporal.taskQueue, { selection: "key:shop/orders", partition: PARTITION })).handle.result();

    receiver.goDown(500);
    // The check fails: the trigger is planned and queued on both channels, and its delivery meets the outage.
    // (Blocked by the check, not failed: handing off the alerts worked.)
    await expect(run(bad)).rejects.toMatchObject({ cause: { type: "CheckFailedError" } });
    await waitUntil("a refused trigger attempt on each channel", () => ["/pagerduty", "/slack"].every((path) => receiver.requestsTo(path).some((r) => r.status === 500)));

    // Fixed data while the receiver is still down: the check passes and the resolve is queued behind the trigger.
    await run(good);
    for (const channel of ["pagerduty", "slack"] as const) {
      const queued = await view(channel);
      expect(queued.pending.map((e) => e.decision)).toEqual(["trigger", "resolve"]);
    }

    receiver.comeBack();
    await waitUntil("both queues to settle their two events", async () => {
      const views = await Promise.all([view("pagerduty"), view("slack")]);
      return views.every((v) => v.pending.length === 0 && v.settled.length === 2);
    });
    for (const channel of ["pagerduty", "slack"] as const) {
      expect((await view(channel)).settled.map((e) => [e.decision, e.outcome])).toEqual([
        ["trigger", "delivered"],
        ["resolve", "delivered"],
      ]);
    }

    // PagerDuty: the outage refused only triggers; then exactly one trigger and one resolve were taken, in that order.
    const pagerDuty = receiver.requestsTo("/pagerduty");
    const refused = pagerDuty.filter((r) => r.status !== 200);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.some(isResolve)).toBe(false);
    const accepted = pagerDuty.filter((r) => r.status === 200).map((r) => r.json as PagerDutyEvent);
    expect(accepted.map((e) => e.event_action)).toEqual(["trigger", "resolve"]);
    expect(accepted.every((e) => e.dedup_key === dedupKey)).toBe(true);
    expect(pagerDuty.findIndex(isResolve)).toBeGreaterThan(pagerDuty.findIndex((r) => r.status === 200));

    // Slack, the other channel of the same incident: the same order.
    const slack = receiver.requestsTo("/slack");
    expect(slack.filter((r) => r.status !== 200).some(isResolve)).toBe(false);
    const slackAccepted = slack.filter((r) => r.status === 200);
    expect(slackAccepted.map(isResolve)).toEqual([false, true]);
    expect(slackAccepted[0]!.rawBody).toContain("amount_not_negative");
  }, DEADLINE_MS + 60_000);
});
