/**
 * From a result to the alerts to send, keeping incident state so nothing is
 * doubled. The incident is opened before delivery: a retried or repeated
 * failure finds it and stays quiet, while delivery itself is retried by the
 * caller until the receiver takes it. A recovery closes the incident and is
 * routed to the channels the trigger went to.
 */
import type { CheckResult } from "../catalog";
import { encodeKeySegment, type ObjectStore } from "../object-store";
import { checkResultAlert, type RunLink } from "./build";
import { closeIncident, decideAlert, incidentFor, openIncident, readIncident, type AlertDecision, type Incident } from "./incidents";
import { routeAlert, type AlertsConfig } from "./routing";
import { isRecovery, type Alert, type AlertChannelName } from "./types";

export interface PlannedAlert {
  decision: Exclude<AlertDecision, "none">;
  alert: Alert;
  channels: AlertChannelName[];
  /**
   * The incident opened or closed (its openedAt): delivery uses it to keep a
   * resolve behind its own trigger. Optional: alerts planned before it
   * existed may still be in running workflows' histories.
   */
  incident?: string;
}

/**
 * For a failure alert (check_failed, freshness_missed, run_failed,
 * sensor_failing) or a recovery (check_recovered) with the same dedup key:
 * undefined when nothing is to be sent.
 */
export async function planAlert(store: ObjectStore, config: AlertsConfig, alert: Alert, origin?: string): Promise<PlannedAlert | undefined> {
  // A retried planner (its worker died after updating the incident, before handing the alert on) gets the
  // same plan again instead of "already open": the trigger is not lost, and the queue drops the duplicate.
  const replayed = origin === undefined ? undefined : await store.getJson<PlannedAlert & { opened?: Incident }>(planKey(origin, alert.dedupKey));
  if (replayed) {
    await applyToIncident(store, replayed);
    const { opened: _opened, ...plan } = replayed;
    return plan;
  }
  const incident = await readIncident(store, alert.dedupKey);
  const decision = decideAlert(incident, { passed: isRecovery(alert) });
  if (decision === "none") return undefined;
  // A recovery keeps the failure's severity, so it is routed (and shown) like the page it resolves.
  const routed = decision === "resolve" && incident ? { ...alert, severity: incident.severity } : alert;
  const channels = routeAlert(config, routed, incident);
  const opened = decision === "trigger" ? incidentFor(routed, channels) : undefined;
  const planned: PlannedAlert = {
    decision,
    alert: routed,
    channels,
    ...(opened ? { incident: opened.openedAt } : incident ? { incident: incident.openedAt } : {}),
  };
  // The plan is written before the incident changes: whatever a crash interrupts, a retry finds one of them.
  if (origin !== undefined) await store.putJson(planKey(origin, alert.dedupKey), { ...planned, ...(opened ? { opened } : {}) });
  await applyToIncident(store, { ...planned, ...(opened ? { opened } : {}) });
  return planned;
}

/** `alert-plans/<origin>/<dedup key>.json`: what one planner (a run's step, a monitor tick) decided for one incident. */
function planKey(origin: string, dedupKey: string): string {
  return `alert-plans/${encodeKeySegment(origin)}/${encodeKeySegment(dedupKey)}.json`;
}

/** Open or close the incident as planned; idempotent, so a replayed plan can apply it again. */
async function applyToIncident(store: ObjectStore, planned: PlannedAlert & { opened?: Incident }): Promise<void> {
  if (planned.decision === "trigger" && planned.opened) await openIncident(store, planned.opened);
  else if (planned.decision === "resolve") await closeIncident(store, planned.alert.dedupKey);
}

/** Every check result of a step, in order: failures trigger once, passes after a failure resolve. */
export async function planCheckAlerts(store: ObjectStore, config: AlertsConfig, results: readonly CheckResult[], link: RunLink, origin?: string): Promise<PlannedAlert[]> {
  const planned: PlannedAlert[] = [];
  for (const result of results) {
    const next = await planAlert(store, config, checkResultAlert(result, link), origin);
    if (next) planned.push(next);
  }
  return planned;
}
