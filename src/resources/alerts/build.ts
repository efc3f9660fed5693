/**
 * Building alerts: the stable dedup key, the Temporal Web UI link, the
 * re-run command, and an alert from a check result.
 */
import { createHash } from "node:crypto";
import type { CheckResult } from "../catalog";
import type { Alert, AlertKind, AlertSeverity } from "./types";

/** Where the run can be seen: `${uiUrl}/namespaces/${namespace}/workflows/${workflowId}`. */
export interface RunLink {
  uiUrl: string;
  namespace: string;
  /** Undefined when the alert is not about a run (e.g. a missed freshness deadline). */
  workflowId: string | undefined;
}

export const SAMPLE_ROWS_IN_ALERT = 5;

/**
 * Stable across runs, workers and retries: the same asset, check and
 * partition always give the same key, so PagerDuty and the incident store
 * see one incident, not one per run.
 */
export function alertDedupKey(parts: { asset: string | null; check: string | null; partition: string | null; scope?: string }): string {
  const identity = JSON.stringify(["materia/v1", parts.scope ?? "check", parts.asset, parts.check, parts.partition]);
  return createHash("sha256").update(identity).digest("hex").slice(0, 40);
}

export function temporalRunUrl(link: RunLink): string | null {
  if (link.workflowId === undefined) return null;
  const base = link.uiUrl.replace(/\/+$/, "");
  return `${base}/namespaces/${encodeURIComponent(link.namespace)}/workflows/${encodeURIComponent(link.workflowId)}`;
}

/** `materia materialize --select "key:shop/orders" --partition 2024-02`, quoted for a POSIX shell where needed. */
export function rerunCommand(asset: string, partition: string | null): string {
  const select = `--select "key:${asset}"`;
  return partition === null ? `materia materialize ${select}` : `materia materialize ${select} --partition ${shellWord(partition)}`;
}

function shellWord(value: string): string {
  return /^[A-Za-z0-9._:@%+=,/-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A failed check → check_failed (or freshness_missed via `kind`); a passing one → check_recovered. */
export function checkResultAlert(result: CheckResult, link: RunLink, kind?: AlertKind): Alert {
  const failedKind: AlertKind = kind ?? "check_failed";
  const alertKind: AlertKind = result.passed ? "check_recovered" : failedKind;
  return {
    kind: alertKind,
    severity: result.severity,
    asset: result.asset,
    partition: result.partition,
    check: result.check,
    measured: result.measured,
    threshold: result.threshold,
    failingSample: result.failingSample.slice(0, SAMPLE_ROWS_IN_ALERT),
    runId: result.runId,
    webUiUrl: temporalRunUrl(link),
    rerunCommand: rerunCommand(result.asset, result.partition),
    dedupKey: alertDedupKey({ asset: result.asset, check: result.check, partition: result.partition }),
    message: result.message ?? (result.passed ? `${result.check} passes again` : `${result.check} failed`),
  };
}

/**
 * A partition past its freshness deadline (from the sensor). Its dedup key is
 * the freshness check's, so the check passing when the partition is finally
 * published resolves it.
 */
export function freshnessMissedAlert(input: { asset: string; partition: string; check: string; severity: AlertSeverity; deadline: Date; lateByMs: number; message: string; link: RunLink }): Alert {
  return {
    kind: "freshness_missed",
    severity: input.severity,
    asset: input.asset,
    partition: input.partition,
    check: input.check,
    measured: `${Math.round(input.lateByMs / 60_000)} min late`,
    threshold: input.deadline.toISOString(),
    failingSample: [],
    runId: null,
    webUiUrl: temporalRunUrl(input.link),
    rerunCommand: rerunCommand(input.asset, input.partition),
    dedupKey: alertDedupKey({ asset: input.asset, check: input.check, partition: input.partition }),
    message: input.message,
  };
}

/**
 * One incident per failing step partition, whichever run it failed in (a
 * schedule, a backfill window, the CLI): a repeated failure stays quiet, and
 * the step publishing that partition again resolves it (runRecoveredAlert).
 * Keying by run would leave the incident open for good and silence every
 * later failure of a run with the same (deterministic) workflow id.
 */
export function stepFailureDedupKey(step: string, partition: string | null): string {
  return alertDedupKey({ scope: "step", asset: step, check: null, partition });
}

/** A step that failed after its last retry. */
export function runFailedAlert(input: { runId: string; asset: string; partition: string | null; message: string; link: RunLink; severity?: AlertSeverity }): Alert {
  return {
    kind: "run_failed",
    severity: input.severity ?? "error",
    asset: input.asset,
    partition: input.partition,
    check: null,
    measured: null,
    threshold: null,
    failingSample: [],
    runId: input.runId,
    webUiUrl: temporalRunUrl(input.link),
    rerunCommand: rerunCommand(input.asset, input.partition),
    dedupKey: stepFailureDedupKey(input.asset, input.partition),
    message: input.message,
  };
}

/** The step published the partition again: resolves its run_failed incident, if one is open (same dedup key). */
export function runRecoveredAlert(input: { runId: string; asset: string; partition: string | null; link: RunLink }): Alert {
  const message = `${input.asset}${input.partition === null ? "" : `[${input.partition}]`} published again`;
  return { ...runFailedAlert({ ...input, message }), kind: "run_recovered", rerunCommand: null };
}

/** A sensor whose evaluation keeps failing: one incident per sensor until it is closed (closeIncident) on success. */
export function sensorFailingAlert(input: { sensor: string; consecutiveFailures: number; message: string; link: RunLink; severity?: AlertSeverity }): Alert {
  return {
    kind: "sensor_failing",
    severity: input.severity ?? "warn",
    asset: null,
    partition: null,
    check: null,
    measured: input.consecutiveFailures,
    threshold: null,
    failingSample: [],
    runId: null,
    webUiUrl: temporalRunUrl(input.link),
    rerunCommand: null,
    dedupKey: alertDedupKey({ scope: "sensor", asset: null, check: input.sensor, partition: null }),
    message: `sensor ${input.sensor}: ${input.message}`,
  };
}
