/**
 * From a result to the alerts to send, keeping incident state so nothing is
 * doubled. The incident is opened before delivery: a retried or repeated
 * failure finds it and stays quiet, while delivery itself is retried by the
 * caller until the receiver takes it. A recovery closes the incident and is
 * routed to the channels the trigger went to.
 */
import type { CheckResult } from "../catalog";
import type { ObjectStore } from "../object-store";
import { checkResultAlert, type RunLink } from "./build";
import { closeIncident, decideAlert, incidentFor, openIncident, readIncident, type AlertDecision } from "./incidents";
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
export async function planAlert(store: ObjectStore, config: AlertsConfig, alert: Alert): Promise<PlannedAlert | undefined> {
  const incident = await readIncident(store, alert.dedupKey);
  const decision = decideAlert(incident, { passed: isRecovery(alert) });
  if (decision === "none") return undefined;
  // A recovery keeps the failure's severity, so it is routed (and shown) like the page it resolves.
  const routed = decision === "resolve" && incident ? { ...alert, severity: incident.severity } : alert;
  const channels = routeAlert(config, routed, incident);
  if (decision === "trigger") {
    const opened = incidentFor(routed, channels);
    await openIncident(store, opened);
    return { decision, alert: routed, channels, incident: opened.openedAt };
  }
  await closeIncident(store, alert.dedupKey);
  return { decision, alert: routed, channels, ...(incident ? { incident: incident.openedAt } : {}) };
}

/** Every check result of a step, in order: failures trigger once, passes after a failure resolve. */
export async function planCheckAlerts(store: ObjectStore, config: AlertsConfig, results: readonly CheckResult[], link: RunLink): Promise<PlannedAlert[]> {
  const planned: PlannedAlert[] = [];
  for (const result of results) {
    const next = await planAlert(store, config, checkResultAlert(result, link));
    if (next) planned.push(next);
  }
  return planned;
}
