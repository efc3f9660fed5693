/**
 * Scenario 6: the alert receiver (Slack, PagerDuty and webhook endpoints of
 * one real HTTP server) answers 500 for OUTAGE_S. Meanwhile two incidents
 * open (a warning check fails on two partitions) and resolve (fixed files
 * are delivered and the check passes). Once the receiver is back, each
 * incident's events must reach every channel exactly once each, trigger
 * before resolve, and nothing may be lost: no resolve is even attempted
 * before its trigger has been taken.
 */
import { alertDedupKey, verifyWebhookSignature } from "../../src/resources/alerts";
import { alertQueueStateQuery, alertQueueWorkflowId } from "../../src/temporal/alert-shared";
import type { Scenario } from "../scenario";
import { AlertReceiver, type RecordedRequest } from "../../tests/support/alert-receiver";
import { runMateriaOk, startWorker } from "../support/materia";
import { startStack } from "../support/stack";
import { waitFor } from "../../tests/support/wait";

export const OUTAGE_S = 60;
const PARTITIONS = ["2025-01", "2025-02"];
const CHANNELS = ["slack", "pagerduty", "webhook"] as const;
type Channel = (typeof CHANNELS)[number];
const ROUTING_KEY = "chaosroutingkey00000000000000000";
const WEBHOOK_SECRET = "chaos-webhook-shared-secret";
const PATHS: Record<Channel, string> = { slack: "/slack/T0/B0/chaos", pagerduty: "/pagerduty", webhook: "/hook" };

/** A month of page views where some durations are negative (the `duration_known` warning fails) or all are fine. */
function pageViewsCsv(month: string, broken: boolean): string {
  const rows = Array.from({ length: 20 }, (_, i) => `${month}-${String(1 + (i % 28)).padStart(2, "0")} 10:${String(i).padStart(2, "0")}:00,/docs,${broken && i % 4 === 0 ? -5 : 1000 + i}`);
  return `viewed_at,path,duration_ms\n${rows.join("\n")}\n`;
}

type Event = { incident: string; action: "trigger" | "resolve" };

/** Which incident (partition) and which event a request to `channel` carries. */
function eventOf(channel: Channel, request: RecordedRequest): Event | undefined {
  const incidentOfKey = (key: unknown) => PARTITIONS.find((p) => alertDedupKey({ asset: "example/page_views", check: "duration_known", partition: p }) === key);
  if (channel === "pagerduty") {
    const body = request.json as { dedup_key?: string; event_action?: string } | undefined;
    const incident = incidentOfKey(body?.dedup_key);
    return incident && (body?.event_action === "trigger" || body?.event_action === "resolve") ? { incident, action: body.event_action } : undefined;
  }
  if (channel === "webhook") {
    const incident = incidentOfKey(request.headers["x-materia-dedup-key"]);
    const kind = (request.json as { alert?: { kind?: string } } | undefined)?.alert?.kind;
    return incident ? { incident, action: kind === "check_recovered" ? "resolve" : "trigger" } : undefined;
  }
  const text = (request.json as { text?: string } | undefined)?.text ?? "";
  const incident = PARTITIONS.find((p) => text.includes(`[${p}]`));
  return incident ? { incident, action: text.includes("Check recovered") ? "resolve" : "trigger" } : undefined;
}

export const alertOutage: Scenario = {
  name: "alert-outage",
  title: `6 alert receiver 500 for ${OUTAGE_S} s`,
  async run(lab) {
    const receiver = await AlertReceiver.start();
    const stack = await startStack(lab, {
      settings: {
        MATERIA_SLACK_WEBHOOK_URL: receiver.url(PATHS.slack),
        MATERIA_PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
        MATERIA_PAGERDUTY_URL: receiver.url(PATHS.pagerduty),
        MATERIA_WEBHOOK_URL: receiver.url(PATHS.webhook),
        MATERIA_WEBHOOK_SECRET: WEBHOOK_SECRET,
        MATERIA_ALERT_ROUTES: "error=pagerduty,slack,webhook;warn=pagerduty,slack,webhook",
      },
    });
    try {
      await startWorker(lab, stack.settings);
      const materializeAll = () => Promise.all(PARTITIONS.map((p) => runMateriaOk(lab, ["materialize", "--job", "example_monthly", "--partition", p, "--wait"], stack.settings)));
      const deliver = (broken: boolean) => Promise.all(PARTITIONS.map((p) => stack.store.putBytes(`landing/example/page_views/${p}.csv`, pageViewsCsv(p, broken))));
      const events = (channel: Channel, status?: number) =>
        receiver
          .requestsTo(PATHS[channel])
          .filter((r) => status === undefined || r.status === status)
          .map((r) => eventOf(channel, r));

      receiver.goDown(500);
      const downAt = Date.now();
      await deliver(true);
      await materializeAll();
      await waitFor("a refused trigger of each incident on each channel", () => CHANNELS.every((c) => PARTITIONS.every((p) => events(c, 500).some((e) => e?.incident === p && e.action === "trigger"))), { timeoutMs: 180_000 });
      // Fixed files while the receiver is still down: each resolve is queued behind its trigger.
      await deliver(false);
      await materializeAll();

      const client = await stack.client();
      const queue = (channel: Channel, partition: string) =>
        client.workflow.getHandle(alertQueueWorkflowId(channel, alertDedupKey({ asset: "example/page_views", check: "duration_known", partition }))).query(alertQueueStateQuery);
      await waitFor("every resolve queued behind its trigger", async () => {
        const views = await Promise.all(CHANNELS.flatMap((c) => PARTITIONS.map((p) => queue(c, p))));
        return views.every((v) => v.pending.length + v.settled.length === 2);
      });
      // Holding the outage for its stated length is the scenario itself.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, downAt + OUTAGE_S * 1000 - Date.now())));
      receiver.comeBack();
      const backAt = Date.now();
      lab.figure("down s", Math.round((backAt - downAt) / 1000));
      lab.figure("refused", receiver.requests.filter((r) => r.status === 500).length);

      await waitFor(
        "every queue to settle its trigger and resolve",
        async () => (await Promise.all(CHANNELS.flatMap((c) => PARTITIONS.map((p) => queue(c, p))))).every((v) => v.pending.length === 0 && v.settled.length === 2),
        { timeoutMs: 420_000, intervalMs: 500 },
      );
      lab.figure("delivered after back s", Math.round((Date.now() - backAt) / 1000));

      let inOrder = 0;
      for (const channel of CHANNELS) {
        for (const partition of PARTITIONS) {
          const accepted = events(channel, 200).filter((e) => e?.incident === partition).map((e) => e!.action);
          const all = events(channel).filter((e) => e?.incident === partition).map((e) => e!.action);
          const ok = accepted.join() === "trigger,resolve" && all.indexOf("resolve") > all.lastIndexOf("trigger");
          if (ok) inOrder++;
          else lab.problem(`${channel} ${partition}: accepted ${JSON.stringify(accepted)}, every request ${JSON.stringify(all)} (expected one trigger then one resolve, no resolve before the trigger was taken)`);
        }
      }
      lab.figure("incidents × channels once, in order", `${inOrder}/${CHANNELS.length * PARTITIONS.length}`);
      const unknown = CHANNELS.reduce((n, c) => n + events(c).filter((e) => e === undefined).length, 0);
      if (unknown > 0) lab.problem(`${unknown} alert requests belong to no expected incident`);
      const badSignatures = receiver
        .requestsTo(PATHS.webhook)
        .filter((r) => !verifyWebhookSignature({ secret: WEBHOOK_SECRET, rawBody: r.rawBody, signature: r.headers["x-materia-signature"] as string | undefined, timestamp: r.headers["x-materia-timestamp"] as string | undefined })).length;
      lab.figure("bad webhook signatures", badSignatures);
      if (badSignatures > 0) lab.problem(`${badSignatures} webhook requests were not validly signed`);
    } finally {
      await stack.close();
      await receiver.close();
    }
  },
};
