/**
 * `freshness({ partitionDeadline })`: each partition must be published by its
 * deadline, e.g. `{ afterPartitionEnd: "P2D" }` (two calendar days after the
 * partition's window ends, in `timezone`, default UTC) or a function of the
 * partition. A sensor evaluates it for partitions that do not exist yet
 * (`evaluateFreshness` with no publish time) and raises "freshness_missed".
 *
 * As a check in the step it passes: the partition is being published, so it
 * is no longer missing. Its passing result is what resolves a missed-deadline
 * incident the sensor opened for that partition; how late it came is
 * recorded in the message and measured value.
 */
import { DateTime, Duration, IANAZone } from "luxon";
import { DefinitionError } from "../errors";
import type { CheckBody, CheckSpec } from "../definitions/check";
import type { TimeWindow } from "../partitions/types";
import { buildCheckSpec, type CheckFactoryOptions } from "./shared";

export type PartitionDeadline =
  | { afterPartitionEnd: string; timezone?: string }
  | ((partitionKey: string, window: TimeWindow | undefined) => Date);

export interface FreshnessSpec extends CheckFactoryOptions {
  partitionDeadline: PartitionDeadline;
}

/** A freshness check carries its policy so a sensor can find and evaluate it. */
export interface FreshnessCheckSpec extends CheckSpec {
  freshness: FreshnessPolicy;
}

export type FreshnessStatus = "on_time" | "late" | "pending" | "missing";

export interface FreshnessEvaluation {
  status: FreshnessStatus;
  /** False only for "missing": past the deadline with nothing published. */
  passed: boolean;
  deadline: Date;
  /** How far past the deadline the partition was published, or is now while missing; 0 otherwise. */
  lateByMs: number;
  message: string;
}

export interface FreshnessInput {
  partitionKey: string;
  window: TimeWindow | undefined;
  now: Date;
  /** When the partition was (last) published; undefined when it never was. */
  publishedAt: Date | undefined;
}

export interface FreshnessPolicy {
  partitionDeadline: PartitionDeadline;
}

/**
 * Policies by check body: `defineCheck`/asset normalization copies only the
 * standard fields, but keeps the body, so a sensor can still find the policy
 * of a normalized CheckDefinition.
 */
const POLICIES = new WeakMap<object, FreshnessPolicy>();

/** The freshness policy of a check made by `freshness()` (spec or normalized definition), else undefined. */
export function freshnessPolicyOf(check: { check: CheckBody }): FreshnessPolicy | undefined {
  return typeof check.check === "function" ? POLICIES.get(check.check) : undefined;
}

export function freshness(spec: FreshnessSpec): FreshnessCheckSpec {
  validateDeadline(spec.partitionDeadline);
  const check = buildCheckSpec("freshness", { severity: "warn", ...spec }, async (ctx) => {
    if (ctx.partitionKey === undefined) return { passed: true, message: "unpartitioned: freshness deadlines are per partition" };
    const now = new Date();
    const result = evaluateFreshness(spec.partitionDeadline, { partitionKey: ctx.partitionKey, window: ctx.timeWindow, now, publishedAt: now });
    return { passed: result.passed, measured: Math.round(result.lateByMs / 60_000), threshold: result.deadline.toISOString(), message: result.message };
  });
  const policy: FreshnessPolicy = { partitionDeadline: spec.partitionDeadline };
  POLICIES.set(check.check as object, policy);
  return { ...check, freshness: policy };
}

/** The instant by which `partitionKey` must be published. */
export function partitionDeadlineOf(deadline: PartitionDeadline, partitionKey: string, window: TimeWindow | undefined): Date {
  if (typeof deadline === "function") return deadline(partitionKey, window);
  if (window === undefined) {
    throw new DefinitionError(`freshness { afterPartitionEnd } needs a time-partitioned asset; partition "${partitionKey}" has no time window.`, {
      hint: "Pass partitionDeadline as a function (partitionKey, window) => Date for static or dynamic partitions.",
    });
  }
  const zone = deadline.timezone ?? "UTC";
  return DateTime.fromJSDate(window.end, { zone }).plus(Duration.fromISO(deadline.afterPartitionEnd)).toJSDate();
}

/** Pure: on time, late (published after the deadline), pending (not yet due) or missing (due and not published). */
export function evaluateFreshness(deadline: PartitionDeadline, input: FreshnessInput): FreshnessEvaluation {
  const due = partitionDeadlineOf(deadline, input.partitionKey, input.window);
  const at = due.toISOString();
  if (input.publishedAt !== undefined) {
    const lateByMs = Math.max(0, input.publishedAt.getTime() - due.getTime());
    return lateByMs === 0
      ? { status: "on_time", passed: true, deadline: due, lateByMs, message: `partition ${input.partitionKey} published by its deadline ${at}` }
      : { status: "late", passed: true, deadline: due, lateByMs, message: `partition ${input.partitionKey} published ${formatDuration(lateByMs)} after its deadline ${at}` };
  }
  const overdueMs = input.now.getTime() - due.getTime();
  if (overdueMs < 0) return { status: "pending", passed: true, deadline: due, lateByMs: 0, message: `partition ${input.partitionKey} is due by ${at}` };
  return { status: "missing", passed: false, deadline: due, lateByMs: overdueMs, message: `partition ${input.partitionKey} missed its deadline ${at} (${formatDuration(overdueMs)} ago) and is not published` };
}

function validateDeadline(deadline: PartitionDeadline): void {
  if (typeof deadline === "function") return;
  const duration = typeof deadline?.afterPartitionEnd === "string" ? Duration.fromISO(deadline.afterPartitionEnd) : undefined;
  if (!duration?.isValid || duration.toMillis() < 0) {
    throw new DefinitionError(`freshness afterPartitionEnd ${JSON.stringify(deadline?.afterPartitionEnd)} is not an ISO 8601 duration.`, { hint: 'e.g. "P2D" (two days), "PT6H" (six hours), "P1M" (a month).' });
  }
  if (deadline.timezone !== undefined && !IANAZone.isValidZone(deadline.timezone)) {
    throw new DefinitionError(`freshness timezone "${deadline.timezone}" is not an IANA timezone.`, { hint: 'e.g. "UTC", "America/Chicago".' });
  }
}

function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours}h` : `${Math.round(hours / 24)}d`;
}
