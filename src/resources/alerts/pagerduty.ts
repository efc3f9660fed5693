/**
 * PagerDuty Events API v2: a failure triggers an event, a recovery resolves
 * it. Both carry the alert's dedup key, so repeated triggers for the same
 * asset/check/partition land on one incident and the resolve closes it.
 * https://developer.pagerduty.com/docs/events-api-v2/trigger-events/
 */
import { postJson } from "./http";
import { isRecovery, type Alert, type AlertChannel } from "./types";

export interface PagerDutyChannelOptions {
  routingKey: string;
  /** Default https://events.pagerduty.com/v2/enqueue. */
  url: string;
  timeoutMs?: number;
}

/** PagerDuty's summary limit. */
const SUMMARY_LENGTH = 1024;

export function pagerDutyChannel(options: PagerDutyChannelOptions): AlertChannel {
  return {
    name: "pagerduty",
    async send(alert) {
      const event = pagerDutyEvent(alert, options.routingKey);
      await postJson({ channel: "pagerduty", url: options.url, body: JSON.stringify(event), secrets: [options.routingKey, options.url], timeoutMs: options.timeoutMs });
    },
  };
}

export function pagerDutyEvent(alert: Alert, routingKey: string): Record<string, unknown> {
  if (isRecovery(alert)) return { routing_key: routingKey, event_action: "resolve", dedup_key: alert.dedupKey };
  const where = [alert.asset, alert.partition ? `[${alert.partition}]` : null].filter(Boolean).join(" ");
  const summary = `${alert.kind.replace(/_/g, " ")}${alert.check ? `: ${alert.check}` : ""}${where ? ` on ${where}` : ""} — ${alert.message}`;
  return {
    routing_key: routingKey,
    event_action: "trigger",
    dedup_key: alert.dedupKey,
    payload: {
      summary: summary.length <= SUMMARY_LENGTH ? summary : `${summary.slice(0, SUMMARY_LENGTH - 1)}…`,
      source: alert.asset ?? "materia",
      severity: alert.severity === "error" ? "error" : "warning",
      component: alert.asset ?? undefined,
      group: alert.partition ?? undefined,
      class: alert.check ?? alert.kind,
      custom_details: {
        kind: alert.kind,
        asset: alert.asset,
        partition: alert.partition,
        check: alert.check,
        measured: alert.measured,
        threshold: alert.threshold,
        failing_sample: alert.failingSample,
        run_id: alert.runId,
        rerun_command: alert.rerunCommand,
      },
    },
    client: "materia",
    ...(alert.webUiUrl ? { client_url: alert.webUiUrl, links: [{ href: alert.webUiUrl, text: "Run in Temporal Web UI" }] } : {}),
  };
}
