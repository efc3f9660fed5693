/**
 * Declarative automation (Dagster's AutomationCondition on_cron / on_missing /
 * eager): an asset says when it should be materialized, and one automation
 * workflow per code location evaluates every condition on a tick and
 * launches what they request through the backfill planner.
 *
 * Conditions apply only inside their window (the latest N partitions of the
 * asset, default 1), so enabling automation on an asset with years of
 * history never floods it on the first tick.
 */
import { DefinitionError } from "../errors";
import type { PartitionsDefinition } from "../partitions/types";

export type AutomationCondition =
  | { kind: "on_cron"; cron: string }
  | { kind: "on_missing"; latest: number; windowed: boolean }
  | { kind: "on_upstream_updated"; latest: number; windowed: boolean }
  | { kind: "any"; conditions: AutomationCondition[] };

export interface AutomationWindow {
  /** The latest N partitions of the asset the condition looks at (partitioned assets only). Default 1. */
  latest?: number;
}

/** Materialize the latest partition when the cron ticks (5 fields, UTC) and its upstream partitions are present. */
export function onCron(cron: string): AutomationCondition {
  const fields = typeof cron === "string" ? cron.trim().split(/\s+/) : [];
  if (fields.length !== 5) {
    throw new DefinitionError(`onCron("${String(cron)}"): expected a 5-field cron (minute hour day-of-month month day-of-week).`, { hint: 'e.g. onCron("0 3 * * *") for 03:00 UTC every day.' });
  }
  return { kind: "on_cron", cron: fields.join(" ") };
}

/** Materialize partitions that have never been materialized, inside the window, once their upstream is present. */
export function onMissing(window: AutomationWindow = {}): AutomationCondition {
  return { kind: "on_missing", latest: windowSize("onMissing", window), windowed: window.latest !== undefined };
}

/** Materialize a partition (inside the window) when an upstream partition it reads got a new data version. */
export function onUpstreamUpdated(window: AutomationWindow = {}): AutomationCondition {
  return { kind: "on_upstream_updated", latest: windowSize("onUpstreamUpdated", window), windowed: window.latest !== undefined };
}

/** Any of the conditions: e.g. `anyOf(onMissing({ latest: 3 }), onUpstreamUpdated())`. */
export function anyOf(...conditions: AutomationCondition[]): AutomationCondition {
  if (conditions.length === 0) throw new DefinitionError("anyOf() needs at least one condition.");
  return { kind: "any", conditions };
}

/** Load-time check of an asset's condition against its partitions. */
export function validateAutomation(owner: string, condition: AutomationCondition | undefined, partitions: PartitionsDefinition | undefined): void {
  if (condition === undefined || partitions !== undefined) return;
  if (automationLeaves(condition).some((leaf) => leaf.kind !== "on_cron" && leaf.windowed)) {
    throw new DefinitionError(`"${owner}" is unpartitioned, but its automation condition declares a window (latest N partitions).`, {
      hint: "Drop `latest` for an unpartitioned asset: its window is the asset itself.",
    });
  }
}

function windowSize(name: string, window: AutomationWindow): number {
  const latest = window.latest ?? 1;
  if (!Number.isInteger(latest) || latest < 1 || latest > 10_000) {
    throw new DefinitionError(`${name}({ latest: ${String(window.latest)} }): latest must be an integer from 1 to 10000.`);
  }
  return latest;
}

/** The leaves of a condition. */
export function automationLeaves(condition: AutomationCondition): Exclude<AutomationCondition, { kind: "any" }>[] {
  return condition.kind === "any" ? condition.conditions.flatMap(automationLeaves) : [condition];
}
