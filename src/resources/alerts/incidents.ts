/**
 * Incident state, so an alert is never doubled: one open incident per dedup
 * key, kept in the object store at `incidents/<dedupKey>.json` (shared by
 * every worker, like the catalog). A failure with no open incident triggers
 * and opens one; further failures of the same key stay quiet; the first pass
 * resolves it and closes it.
 */
import { encodeKeySegment, type ObjectStore } from "../object-store";
import type { Alert, AlertChannelName, AlertKind, AlertSeverity } from "./types";

export interface Incident {
  dedupKey: string;
  /** What opened it (check_failed, freshness_missed, …). */
  kind: AlertKind;
  severity: AlertSeverity;
  asset: string | null;
  partition: string | null;
  check: string | null;
  /** Where the trigger went: the recovery goes to the same channels. */
  channels: AlertChannelName[];
  openedAt: string;
  runId: string | null;
  message: string;
}

export type AlertDecision = "trigger" | "resolve" | "none";

/** Pure: what to send for a new result given the open incident (if any). */
export function decideAlert(previous: Incident | undefined, result: { passed: boolean }): AlertDecision {
  if (result.passed) return previous === undefined ? "none" : "resolve";
  return previous === undefined ? "trigger" : "none";
}

export const INCIDENTS_PREFIX = "incidents/";

export function incidentKey(dedupKey: string): string {
  return `${INCIDENTS_PREFIX}${encodeKeySegment(dedupKey)}.json`;
}

export async function readIncident(store: ObjectStore, dedupKey: string): Promise<Incident | undefined> {
  return store.getJson<Incident>(incidentKey(dedupKey));
}

export function incidentFor(alert: Alert, channels: readonly AlertChannelName[], openedAt: Date = new Date()): Incident {
  return {
    dedupKey: alert.dedupKey,
    kind: alert.kind,
    severity: alert.severity,
    asset: alert.asset,
    partition: alert.partition,
    check: alert.check,
    channels: [...channels],
    openedAt: openedAt.toISOString(),
    runId: alert.runId,
    message: alert.message,
  };
}

export async function openIncident(store: ObjectStore, incident: Incident): Promise<void> {
  await store.putJson(incidentKey(incident.dedupKey), incident);
}

export async function closeIncident(store: ObjectStore, dedupKey: string): Promise<void> {
  await store.delete(incidentKey(dedupKey));
}

export async function listOpenIncidents(store: ObjectStore): Promise<Incident[]> {
  const objects = await store.list(INCIDENTS_PREFIX);
  const incidents = await Promise.all(objects.map((o) => store.getJson<Incident>(o.key)));
  return incidents.filter((i): i is Incident => i !== undefined);
}
