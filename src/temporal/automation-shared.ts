/**
 * What the automation workflow and its clients agree on: its input, its
 * state (answered by the `state` query), its id. Pure: workflow code imports it.
 */
import { defineQuery } from "@temporalio/workflow";

export interface AutomationWorkflowInput {
  /** Seconds between ticks. */
  intervalSeconds: number;
  /** Asset partitions launched per tick at most; the rest wait for the next tick (logged). */
  maxLaunchesPerTick: number;
}

export interface AutomationTickRecord {
  at: string;
  requested: number;
  launched: number;
  deferred: number;
  /** The backfill that materialized the tick's requests, and how it ended. */
  backfillId?: string;
  outcome?: "succeeded" | "failed";
}

export interface AutomationState {
  /** Time of the previous evaluation: a cron ticks between it and now. */
  previousTick?: string;
  ticks: number;
  launched: number;
  consecutiveFailures: number;
  /** The latest ticks, newest last (bounded). */
  recent: AutomationTickRecord[];
}

export const automationStateQuery = defineQuery<AutomationState>("state");

/** One automation workflow per code location (its task queue). */
export function automationWorkflowId(taskQueue: string): string {
  return `materia-automation:${taskQueue}`;
}

export const AUTOMATION_DEFAULTS = { intervalSeconds: 30, maxLaunchesPerTick: 25 } as const;
