/**
 * What an alert says and the one interface every channel implements. An
 * alert carries everything on-call needs without opening materia: what
 * failed, how badly, a few failing rows, where to look and how to re-run.
 */
import type { AlertChannelName } from "../../config";

export type { AlertChannelName } from "../../config";

export type AlertKind = "check_failed" | "check_recovered" | "run_failed" | "run_recovered" | "sensor_failing" | "freshness_missed";

export type AlertSeverity = "warn" | "error";

export interface Alert {
  kind: AlertKind;
  /** For a recovery: the severity of the failure it resolves (routing sends it to the same place). */
  severity: AlertSeverity;
  asset: string | null;
  partition: string | null;
  check: string | null;
  measured: number | string | null;
  threshold: number | string | null;
  /** A few failing rows (JSON-safe). */
  failingSample: Array<Record<string, unknown>>;
  runId: string | null;
  /** The run in the Temporal Web UI. */
  webUiUrl: string | null;
  /** A `materia` command that re-runs what failed. */
  rerunCommand: string | null;
  /** Stable per asset/check/partition (see alertDedupKey): one incident per key. */
  dedupKey: string;
  message: string;
}

export interface AlertChannel {
  readonly name: AlertChannelName;
  /** Resolves when the receiver accepted the alert; throws AlertRejectedError (4xx) or AlertDeliveryError (retryable). */
  send(alert: Alert): Promise<void>;
}

/** True for alerts that close an incident rather than open one. */
export function isRecovery(alert: Pick<Alert, "kind">): boolean {
  return alert.kind === "check_recovered" || alert.kind === "run_recovered";
}
