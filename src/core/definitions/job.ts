/** Jobs, schedules and sensors: what triggers materializations. Runtime lives in temporal/. */
import { DefinitionError } from "../errors";
import type { PartitionsDefinition } from "../partitions/types";

const NAME = /^[a-z][a-z0-9_-]*$/;

function validateName(kind: string, name: string): void {
  if (typeof name !== "string" || !NAME.test(name)) {
    throw new DefinitionError(`Invalid ${kind} name "${String(name)}".`, { hint: "Use lowercase letters, digits, '-' and '_', starting with a letter." });
  }
}

export interface JobSpec {
  name: string;
  /** A selection expression, e.g. `group:market` or `key:market/*`. */
  selection: string;
  /** The job's partitions; defaults to the selected assets' (which must agree). */
  partitions?: PartitionsDefinition;
  description?: string;
  tags?: Record<string, string>;
  /** Steps of one run executed at once. Default 4. */
  maxConcurrentSteps?: number;
}

export interface JobDefinition {
  readonly type: "job";
  name: string;
  selection: string;
  partitions: PartitionsDefinition | undefined;
  description: string | undefined;
  tags: Record<string, string>;
  maxConcurrentSteps: number;
}

/** Steps of one run (or backfill) running at once unless a job or the launch says otherwise. */
export const DEFAULT_MAX_CONCURRENT_STEPS = 4;

export function defineJob(spec: JobSpec): JobDefinition {
  validateName("job", spec.name);
  if (typeof spec.selection !== "string" || spec.selection.trim() === "") {
    throw new DefinitionError(`Job "${spec.name}" has an empty selection.`, { hint: 'e.g. selection: "group:market"' });
  }
  const maxConcurrentSteps = spec.maxConcurrentSteps ?? DEFAULT_MAX_CONCURRENT_STEPS;
  if (!Number.isInteger(maxConcurrentSteps) || maxConcurrentSteps < 1) {
    throw new DefinitionError(`Job "${spec.name}": maxConcurrentSteps must be a positive integer.`);
  }
  return {
    type: "job",
    name: spec.name,
    selection: spec.selection,
    partitions: spec.partitions,
    description: spec.description,
    tags: { ...(spec.tags ?? {}) },
    maxConcurrentSteps,
  };
}

export interface ScheduleSpec {
  name: string;
  job: string;
  /** Standard 5-field cron, e.g. "0 2 2 * *" (02:00 on the 2nd). */
  cron: string;
  /** IANA zone the cron is read in. Default "UTC". */
  timezone?: string;
  description?: string;
  /** Start paused. */
  paused?: boolean;
}

export interface ScheduleDefinition {
  readonly type: "schedule";
  name: string;
  job: string;
  cron: string;
  timezone: string;
  description: string | undefined;
  paused: boolean;
}

export function defineSchedule(spec: ScheduleSpec): ScheduleDefinition {
  validateName("schedule", spec.name);
  const fields = typeof spec.cron === "string" ? spec.cron.trim().split(/\s+/) : [];
  if (fields.length !== 5) {
    throw new DefinitionError(`Schedule "${spec.name}" has cron "${String(spec.cron)}"; expected 5 fields (minute hour day-of-month month day-of-week).`, {
      hint: 'e.g. "0 2 2 * *" runs at 02:00 on the 2nd of every month.',
    });
  }
  return {
    type: "schedule",
    name: spec.name,
    job: spec.job,
    cron: fields.join(" "),
    timezone: spec.timezone ?? "UTC",
    description: spec.description,
    paused: spec.paused ?? false,
  };
}
