/**
 * `materia schedules sync`: make the Temporal Schedules match the schedules
 * declared in code — create, update and delete, idempotently, touching only
 * materia's own (ids `materia-schedule:<name>`).
 *
 * Overlap policy ALLOW_ALL: different scheduled times are different
 * partitions, which may run side by side; the same partition never runs
 * twice at once because every run of it has the same workflow id.
 */
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from "@temporalio/client";
import type { Definitions, ScheduleDefinition } from "../core";
import type { scheduledRunWorkflow } from "./workflows";

export const SCHEDULE_ID_PREFIX = "materia-schedule:";

export function scheduleId(name: string): string {
  return `${SCHEDULE_ID_PREFIX}${name}`;
}

export interface SyncResult {
  created: string[];
  updated: string[];
  unchanged: string[];
  deleted: string[];
}

function desiredOptions(schedule: ScheduleDefinition, taskQueue: string): ScheduleOptions {
  return {
    scheduleId: scheduleId(schedule.name),
    spec: { cronExpressions: [schedule.cron], timezone: schedule.timezone },
    action: {
      type: "startWorkflow",
      workflowType: "scheduledRunWorkflow",
      workflowId: `materia-scheduled:${schedule.name}`,
      taskQueue,
      args: [{ schedule: schedule.name, job: schedule.job }] as Parameters<typeof scheduledRunWorkflow>,
    },
    policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL, catchupWindow: "7 days" },
    state: { paused: schedule.paused, note: schedule.description ?? `materia schedule for job ${schedule.job}` },
    memo: { materiaFingerprint: fingerprint(schedule, taskQueue) },
  };
}

/** What we compare to decide whether a schedule needs an update. */
function fingerprint(schedule: ScheduleDefinition, taskQueue: string): string {
  return JSON.stringify([schedule.cron, schedule.timezone, schedule.job, schedule.paused, schedule.description ?? null, taskQueue]);
}

/** The fingerprint of the schedule as the server has it now (describe is consistent, unlike list), or null when absent. */
async function currentFingerprint(client: Client, id: string): Promise<string | null> {
  try {
    const description = await client.schedule.getHandle(id).describe();
    return (description.memo?.materiaFingerprint as string | undefined) ?? "";
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return null;
    throw error;
  }
}

export async function syncSchedules(client: Client, definitions: Definitions, taskQueue: string): Promise<SyncResult> {
  const result: SyncResult = { created: [], updated: [], unchanged: [], deleted: [] };
  // Listing goes through visibility, which lags: it only finds schedules to delete; each desired one is described.
  const existing = new Set<string>();
  for await (const summary of client.schedule.list()) {
    if (summary.scheduleId.startsWith(SCHEDULE_ID_PREFIX)) existing.add(summary.scheduleId);
  }
  for (const schedule of definitions.schedules.values()) {
    const options = desiredOptions(schedule, taskQueue);
    const id = options.scheduleId;
    let current = await currentFingerprint(client, id);
    if (current === null) {
      try {
        await client.schedule.create(options);
        result.created.push(schedule.name);
        existing.delete(id);
        continue;
      } catch (error) {
        // Created by someone else between our describe and create: compare theirs like any existing one.
        if (!(error instanceof ScheduleAlreadyRunning)) throw error;
        current = await currentFingerprint(client, id);
      }
    }
    if (current !== fingerprint(schedule, taskQueue)) {
      // Memo cannot be updated in place: recreate so spec, action, policies and memo all match.
      await client.schedule.getHandle(id).delete();
      await client.schedule.create(options);
      result.updated.push(schedule.name);
    } else {
      result.unchanged.push(schedule.name);
    }
    existing.delete(id);
  }
  for (const id of existing.keys()) {
    try {
      await client.schedule.getHandle(id).delete();
      result.deleted.push(id.slice(SCHEDULE_ID_PREFIX.length));
    } catch (error) {
      // A lagging list can still show a schedule deleted moments ago.
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    }
  }
  return result;
}
