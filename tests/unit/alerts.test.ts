/**
 * Alert channels against a real HTTP receiver on 127.0.0.1 (random port):
 * what Slack, PagerDuty and the webhook receive, how refusals and outages
 * are typed, that secrets never leak, and the incident state that keeps an
 * alert from being doubled.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { loadConfig, type MateriaConfig } from "../../src/config";
import type { CheckResult } from "../../src/resources/catalog";
import { LocalObjectStore } from "../../src/resources/object-store";
import {
  AlertDeliveryError,
  AlertRejectedError,
  channelsNamed,
  checkResultAlert,
  createAlertChannels,
  decideAlert,
  deliverAlert,
  freshnessMissedAlert,
  incidentFor,
  listOpenIncidents,
  planAlert,
  planCheckAlerts,
  readIncident,
  rerunCommand,
  routeAlert,
  runFailedAlert,
  runRecoveredAlert,
  slackMessage,
  verifyWebhookSignature,
  webhookChannel,
  type Alert,
  type RunLink,
} from "../../src/resources/alerts";
import { createLogger } from "../../src/utils/logger";
import { AlertReceiver } from "../support/alert-receiver";

const ROUTING_KEY = "R0uT1nGkEy0123456789abcdefABCDEF";
const WEBHOOK_SECRET = "shared-secret-for-hmac-signing";
const SLACK_PATH = "/slack/services/T000/B000/sLaCkToKeN123";
const LINK: RunLink = { uiUrl: "http://127.0.0.1:8233", namespace: "default", workflowId: "run:key:shop/orders:2024-02" };

function failingResult(overrides: Partial<CheckResult> = {}): CheckResult {
  return {
    check: "amount_not_negative",
    asset: "shop/orders",
    partition: "2024-02",
    passed: false,
    severity: "error",
    blocking: true,
    measured: 2,
    threshold: 0,
    failingCount: 2,
    failingSample: [
      { order_id: 999999, amount: -5 },
      { order_id: 1000000, amount: -1 },
    ],
    message: "2 rows with amount < 0",
    durationMs: 12,
    evaluatedAt: "2024-03-02T02:00:00.000Z",
    runId: "run-1",
    ...overrides,
  };
}

describe("alert channels (real HTTP receiver on loopback)", () => {
  let receiver: AlertReceiver;
  let config: MateriaConfig;

  beforeAll(async () => {
    receiver = await AlertReceiver.start();
    config = loadConfig({
      readDotenv: false,
      env: {
        MATERIA_HOME: mkdtempSync(join(tmpdir(), "materia-alerts-")),
        MATERIA_SLACK_WEBHOOK_URL: receiver.url(SLACK_PATH),
        MATERIA_PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
        MATERIA_PAGERDUTY_URL: receiver.url("/pagerduty/v2/enqueue"),
        MATERIA_WEBHOOK_URL: receiver.url("/hooks/materia"),
        MATERIA_WEBHOOK_SECRET: WEBHOOK_SECRET,
      },
    });
  });
  afterEach(() => receiver.reset());
  afterAll(async () => receiver.close());

  const channels = () => createAlertChannels(config.alerts, { timeoutMs: 2000 });
  const alert = (overrides: Partial<CheckResult> = {}): Alert => checkResultAlert(failingResult(overrides), LINK);

  it("sends Slack the asset, partition, check, severity, measured vs threshold, failing rows, Web UI link and re-run command", async () => {
    await deliverAlert(channelsNamed(channels(), ["slack"]), alert());
    const [request] = receiver.requestsTo("/slack/");
    expect(request).toMatchObject({ method: "POST", path: SLACK_PATH, headers: expect.objectContaining({ "content-type": "application/json" }) });
    const body = request!.json as { text: string; blocks: Array<Record<string, unknown>> };
    expect(body.text).toContain("Check failed: amount_not_negative on shop/orders [2024-02]");
    const text = JSON.stringify(body.blocks);
    for (const field of ["*Asset*\\nshop/orders", "*Partition*\\n2024-02", "*Check*\\namount_not_negative", "*Severity*\\nerror", "*Measured*\\n2", "*Threshold*\\n0"]) {
      expect(text).toContain(field);
    }
    expect(text).toContain('{\\"order_id\\":999999,\\"amount\\":-5}');
    expect(text).toContain("<http://127.0.0.1:8233/namespaces/default/workflows/run%3Akey%3Ashop%2Forders%3A2024-02|Run in Temporal Web UI>");
    expect(text).toContain('materia materialize --select \\"key:shop/orders\\" --partition 2024-02');
  });

  it("pages once per failing check and partition, stays quiet on repeats, and resolves with the same dedup_key when it passes", async () => {
    const store = new LocalObjectStore(mkdtempSync(join(tmpdir(), "materia-incidents-")));
    const byName = channels();
    const deliver = async (planned: Awaited<ReturnType<typeof planCheckAlerts>>) => {
      for (const p of planned) await deliverAlert(channelsNamed(byName, p.channels), p.alert);
    };

    const first = await planCheckAlerts(store, config.alerts, [failingResult()], LINK);
    expect(first.map((p) => [p.decision, p.channels])).toEqual([["trigger", ["slack", "pagerduty", "webhook"]]]);
    await deliver(first);
    // The same check fails again on a later run: the incident is open, nothing is sent.
    await deliver(await planCheckAlerts(store, config.alerts, [failingResult({ runId: "run-2" })], { ...LINK, workflowId: "run-2" }));
    const triggers = receiver.requestsTo("/pagerduty/");
    expect(triggers).toHaveLength(1);
    expect(receiver.requestsTo("/slack/")).toHaveLength(1);
    const trigger = triggers[0]!.json as { dedup_key: string };
    expect(trigger).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: "trigger",
      dedup_key: expect.stringMatching(/^[0-9a-f]{40}$/),
      payload: {
        summary: expect.stringContaining("amount_not_negative on shop/orders [2024-02]"),
        source: "shop/orders",
        severity: "error",
        custom_details: { asset: "shop/orders", partition: "2024-02", check: "amount_not_negative", measured: 2, threshold: 0, rerun_command: expect.any(String) },
      },
      links: [{ href: expect.stringContaining("/namespaces/default/workflows/"), text: "Run in Temporal Web UI" }],
    });
    expect(await readIncident(store, trigger.dedup_key)).toMatchObject({ channels: ["slack", "pagerduty", "webhook"], asset: "shop/orders" });

    receiver.reset();
    const recovery = await planCheckAlerts(store, config.alerts, [failingResult({ passed: true, measured: 0, failingSample: [], message: null, runId: "run-3" })], LINK);
    expect(recovery.map((p) => p.decision)).toEqual(["resolve"]);
    await deliver(recovery);
    const [resolve] = receiver.requestsTo("/pagerduty/");
    expect(resolve!.json).toEqual({ routing_key: ROUTING_KEY, event_action: "resolve", dedup_key: trigger.dedup_key });
    expect((receiver.requestsTo("/slack/")[0]!.json as { text: string }).text).toContain("Check recovered");
    expect(await listOpenIncidents(store)).toEqual([]);
    // A pass with no open incident sends nothing.
    expect(await planCheckAlerts(store, config.alerts, [failingResult({ passed: true })], LINK)).toEqual([]);
  });

  it("signs the webhook body: the HMAC verifies with the shared secret and fails with a wrong one or a changed body", async () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const channel = webhookChannel({ url: receiver.url("/hooks/materia"), secret: WEBHOOK_SECRET, now: () => now });
    await deliverAlert([channel], alert());
    const [request] = receiver.requestsTo("/hooks/");
    const signature = request!.headers["x-materia-signature"] as string;
    const timestamp = request!.headers["x-materia-timestamp"] as string;
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(timestamp).toBe(String(now.getTime() / 1000));
    expect(request!.json).toMatchObject({ version: 1, alert: { kind: "check_failed", asset: "shop/orders", dedupKey: expect.any(String) } });
    expect(request!.headers["x-materia-dedup-key"]).toBe((request!.json as { alert: Alert }).alert.dedupKey);

    const input = { secret: WEBHOOK_SECRET, rawBody: request!.rawBody, signature, timestamp, now };
    expect(verifyWebhookSignature(input)).toBe(true);
    expect(verifyWebhookSignature({ ...input, secret: "not-the-shared-secret-at-all" })).toBe(false);
    expect(verifyWebhookSignature({ ...input, rawBody: request!.rawBody.replace("shop/orders", "shop/other") })).toBe(false);
    expect(verifyWebhookSignature({ ...input, timestamp: String(Number(timestamp) - 1) })).toBe(false);
    expect(verifyWebhookSignature({ ...input, now: new Date(now.getTime() + 10 * 60_000) })).toBe(false);
    expect(verifyWebhookSignature({ ...input, signature: undefined })).toBe(false);
  });

  it("types a 4xx as a non-retryable AlertRejectedError without the routing key, URL or secret", async () => {
    receiver.respondWith(400, 1, `{"status":"invalid event","message":"routing_key ${ROUTING_KEY} is not valid"}`);
    const error = await deliverAlert(channelsNamed(channels(), ["pagerduty"]), alert()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlertRejectedError);
    expect(error).toMatchObject({ nonRetryable: true, channel: "pagerduty", status: 400 });
    const message = (error as Error).message;
    expect(message).toMatch(/^pagerduty rejected the alert with HTTP 400: .*invalid event/);
    expect(message).not.toContain(ROUTING_KEY);
    expect(message).not.toContain("127.0.0.1");

    receiver.respondWith(404, 1, `no such hook ${SLACK_PATH}`);
    const slackError = await deliverAlert(channelsNamed(channels(), ["slack"]), alert()).catch((e: unknown) => e);
    expect(slackError).toMatchObject({ name: "AlertRejectedError", nonRetryable: true, status: 404 });
    expect((slackError as Error).message).not.toContain("sLaCkToKeN123");
  });

  it("types 500, 429, a timeout and an unreachable receiver as retryable AlertDeliveryError", async () => {
    receiver.respondWith(500, 1, "upstream down");
    await expect(deliverAlert(channelsNamed(channels(), ["webhook"]), alert())).rejects.toMatchObject({ name: "AlertDeliveryError", nonRetryable: false, status: 500 });
    receiver.respondWith(429);
    await expect(deliverAlert(channelsNamed(channels(), ["slack"]), alert())).rejects.toMatchObject({ name: "AlertDeliveryError", status: 429 });

    receiver.respondWith(200, 1, "late", 1500);
    const slow = createAlertChannels(config.alerts, { timeoutMs: 200 });
    const timeout = await deliverAlert(channelsNamed(slow, ["slack"]), alert()).catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(AlertDeliveryError);
    expect((timeout as Error).message).toBe("slack did not take the alert: no answer within 200 ms");

    const closed = await AlertReceiver.start();
    const url = closed.url(SLACK_PATH);
    await closed.close();
    const unreachable = await deliverAlert([webhookChannel({ url, secret: WEBHOOK_SECRET })], alert()).catch((e: unknown) => e);
    expect(unreachable).toBeInstanceOf(AlertDeliveryError);
    expect((unreachable as Error).message).toBe("webhook did not take the alert: could not reach the receiver (ECONNREFUSED)");
  });

  it("delivers exactly once after a receiver answering 500 comes back, logging failures without secrets", async () => {
    const lines: string[] = [];
    const destination = new PassThrough();
    destination.on("data", (chunk: Buffer) => lines.push(chunk.toString("utf8")));
    const log = createLogger({ level: "info", format: "json", destination });
    receiver.respondWith(500, 3, `internal error for ${ROUTING_KEY}`);
    const target = channelsNamed(channels(), ["pagerduty"]);
    let attempts = 0;
    let delivered: string[] | undefined;
    // What the Temporal activity's retry policy does, without the backoff.
    while (delivered === undefined && attempts < 10) {
      attempts++;
      delivered = await deliverAlert(target, alert(), { log }).catch((error: unknown) => {
        expect(error).toBeInstanceOf(AlertDeliveryError);
        return undefined;
      });
    }
    expect(attempts).toBe(4);
    expect(delivered).toEqual(["pagerduty"]);
    expect(receiver.requests).toHaveLength(4);
    const logged = lines.join("");
    expect(logged).toContain('"msg":"alert not delivered"');
    expect(logged).toContain('"msg":"alert delivered"');
    for (const secret of [ROUTING_KEY, WEBHOOK_SECRET, "sLaCkToKeN123", "127.0.0.1"]) expect(logged).not.toContain(secret);
  });
});

describe("alert routing and incident decisions", () => {
  const config = loadConfig({
    readDotenv: false,
    env: {
      MATERIA_HOME: mkdtempSync(join(tmpdir(), "materia-routes-")),
      MATERIA_SLACK_WEBHOOK_URL: "http://127.0.0.1:9/slack",
      MATERIA_PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
      MATERIA_ALERT_ROUTES: "error=pagerduty,slack;warn=slack",
    },
  });

  it("decides trigger, resolve or none from the open incident", () => {
    const open = incidentFor(checkResultAlert(failingResult(), LINK), ["pagerduty"]);
    expect(decideAlert(undefined, { passed: false })).toBe("trigger");
    expect(decideAlert(open, { passed: false })).toBe("none");
    expect(decideAlert(open, { passed: true })).toBe("resolve");
    expect(decideAlert(undefined, { passed: true })).toBe("none");
  });

  it("routes by severity, and a recovery to where its failure went", () => {
    expect(routeAlert(config.alerts, { kind: "check_failed", severity: "error" })).toEqual(["pagerduty", "slack"]);
    expect(routeAlert(config.alerts, { kind: "check_failed", severity: "warn" })).toEqual(["slack"]);
    const incident = incidentFor(checkResultAlert(failingResult(), LINK), ["pagerduty", "slack"]);
    expect(routeAlert(config.alerts, { kind: "check_recovered", severity: "warn" }, incident)).toEqual(["pagerduty", "slack"]);
  });

  it("resolves a missed freshness deadline when the freshness check passes for that partition", async () => {
    const store = new LocalObjectStore(mkdtempSync(join(tmpdir(), "materia-freshness-")));
    const missed = freshnessMissedAlert({
      asset: "shop/orders",
      partition: "2024-02",
      check: "freshness",
      severity: "error",
      deadline: new Date("2024-03-03T00:00:00Z"),
      lateByMs: 3_600_000,
      message: "partition 2024-02 missed its deadline",
      link: { ...LINK, workflowId: undefined },
    });
    expect(missed).toMatchObject({ webUiUrl: null, measured: "60 min late", rerunCommand: 'materia materialize --select "key:shop/orders" --partition 2024-02' });
    expect(await planAlert(store, config.alerts, missed)).toMatchObject({ decision: "trigger", channels: ["pagerduty", "slack"] });
    expect(await planAlert(store, config.alerts, missed)).toBeUndefined();
    const passed = checkResultAlert(failingResult({ check: "freshness", passed: true, severity: "warn" }), LINK);
    expect(passed.dedupKey).toBe(missed.dedupKey);
    expect(await planAlert(store, config.alerts, passed)).toMatchObject({ decision: "resolve", alert: { kind: "check_recovered", severity: "error" }, channels: ["pagerduty", "slack"] });
  });

  it("keeps one incident per failing step partition across runs, and resolves it when the step publishes again", async () => {
    const store = new LocalObjectStore(mkdtempSync(join(tmpdir(), "materia-run-failed-")));
    const failed = (runId: string) =>
      runFailedAlert({ runId, asset: "market/features", partition: "2025-10", message: "market/features[2025-10]: out of memory", link: { ...LINK, workflowId: runId } });
    expect(await planAlert(store, config.alerts, failed("materia-run:market_monthly:2025-10"))).toMatchObject({ decision: "trigger", channels: ["pagerduty", "slack"] });
    // the same step partition failing in another run (a backfill window) is the same incident: quiet
    expect(await planAlert(store, config.alerts, failed("materia-run:market_monthly:2025-09..2025-10"))).toBeUndefined();
    // another partition is another incident
    const other = runFailedAlert({ runId: "r", asset: "market/features", partition: "2025-11", message: "x", link: LINK });
    expect(other.dedupKey).not.toBe(failed("r").dedupKey);

    const recovered = runRecoveredAlert({ runId: "materia-run:market_monthly:2025-10", asset: "market/features", partition: "2025-10", link: LINK });
    expect(recovered.dedupKey).toBe(failed("r").dedupKey);
    expect(await planAlert(store, config.alerts, recovered)).toMatchObject({ decision: "resolve", alert: { kind: "run_recovered", severity: "error" }, channels: ["pagerduty", "slack"] });
    expect(slackMessage(recovered).text).toContain("published again");
    // nothing open any more: the next publish is quiet, and the next failure pages again
    expect(await planAlert(store, config.alerts, recovered)).toBeUndefined();
    expect(await planAlert(store, config.alerts, failed("materia-run:market_monthly:2025-10"))).toMatchObject({ decision: "trigger" });
  });

  it("a retried planner gets its plan again: a trigger or resolve is never lost to a crash between planning and hand-off", async () => {
    const store = new LocalObjectStore(mkdtempSync(join(tmpdir(), "materia-replay-")));
    const failed = checkResultAlert(failingResult({ partition: "2024-06" }), LINK);
    const trigger = await planAlert(store, config.alerts, failed, "run-1:activity-3");
    expect(trigger).toMatchObject({ decision: "trigger" });
    // The worker died before handing the alert on; Temporal retries the same activity (same origin).
    expect(await planAlert(store, config.alerts, failed, "run-1:activity-3")).toEqual(trigger);
    // Another planner (another run, a later step) sees the open incident and stays quiet.
    expect(await planAlert(store, config.alerts, failed, "run-2:activity-1")).toBeUndefined();
    expect(await planAlert(store, config.alerts, failed)).toBeUndefined();

    const passed = checkResultAlert(failingResult({ partition: "2024-06", passed: true }), LINK);
    const resolve = await planAlert(store, config.alerts, passed, "run-3:activity-1");
    expect(resolve).toMatchObject({ decision: "resolve", incident: trigger!.incident });
    expect(await planAlert(store, config.alerts, passed, "run-3:activity-1")).toEqual(resolve);
    expect(await planAlert(store, config.alerts, passed, "run-4:activity-1")).toBeUndefined();
  });

  it("quotes a partition key for the shell in the re-run command", () => {
    expect(rerunCommand("market/bars", "2025-10|ES")).toBe(`materia materialize --select "key:market/bars" --partition '2025-10|ES'`);
    expect(rerunCommand("shop/summary", null)).toBe('materia materialize --select "key:shop/summary"');
  });
});
