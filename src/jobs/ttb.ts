/**
 * The TTB warehouse's triggers: one monthly job, a schedule for the previous
 * month, and a landing sensor that runs a month when one of its day files
 * arrives or is re-delivered.
 */
import { defineJob, defineSchedule, defineSensor, type SensorContext, type SensorResult } from "../core";
import { LANDING_PREFIX, monthOfLandingKey, TTB_MONTHS } from "../assets/ttb";

export const ttbMonthlyJob = defineJob({
  name: "ttb_monthly",
  selection: "group:ttb",
  partitions: TTB_MONTHS,
  description: "Ingest, process, consolidate and model one month of TTB registry extracts.",
});

export const ttbMonthlySchedule = defineSchedule({
  name: "ttb_monthly",
  job: "ttb_monthly",
  // The last day file of a month lands by the 1st; 04:00 UTC on the 2nd leaves a day of slack.
  cron: "0 4 2 * *",
  description: "04:00 UTC on the 2nd: the previous month's partition.",
});

/** Cursor: the etag last seen for each landing key, so only new or changed files request runs. */
type LandingCursor = Record<string, string>;

function parseCursor(cursor: string | undefined): LandingCursor {
  if (cursor === undefined || cursor === "") return {};
  const parsed: unknown = JSON.parse(cursor);
  return parsed !== null && typeof parsed === "object" ? (parsed as LandingCursor) : {};
}

/** A short, stable digest of a string (FNV-1a, 32 bits, hex). */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, "0");
}

/**
 * One run request per month with a new or changed day file. The run key is
 * the file and its etag: a re-delivered file is a new request, the same
 * delivery never runs twice. Several files of one month in one evaluation
 * fold into one request, keyed by its last file plus a digest of them all
 * (a month's first delivery is ~30 files: too long for a workflow id).
 */
export async function evaluateTtbLanding(ctx: SensorContext): Promise<SensorResult> {
  const seen = parseCursor(ctx.cursor);
  const next: LandingCursor = { ...seen };
  const changedByMonth = new Map<string, string[]>();
  for (const file of await ctx.objects.list(LANDING_PREFIX)) {
    const month = monthOfLandingKey(file.key);
    if (month === undefined) continue;
    const version = file.etag ?? `${file.size}`;
    if (seen[file.key] === version) continue;
    next[file.key] = version;
    changedByMonth.set(month, [...(changedByMonth.get(month) ?? []), `${file.key}@${version}`]);
  }
  const runRequests = [...changedByMonth.entries()].map(([month, files]) => ({
    runKey: files.length === 1 ? files[0]! : `${files[files.length - 1]!}+${files.length - 1}:${fnv1a(files.join(","))}`,
    partitionKey: month,
    tags: { trigger: "ttb_landing", files: String(files.length) },
  }));
  return {
    runRequests,
    cursor: JSON.stringify(next),
    ...(runRequests.length === 0 ? { skipReason: "no new or re-delivered day files under landing/ttb/" } : {}),
  };
}

export const ttbLandingSensor = defineSensor({
  name: "ttb_landing",
  job: "ttb_monthly",
  intervalSeconds: 60,
  description: "A new or re-delivered day file under landing/ttb/ runs its month.",
  evaluate: evaluateTtbLanding,
});

export const ttbJobs = [ttbMonthlyJob];
export const ttbSchedules = [ttbMonthlySchedule];
export const ttbSensors = [ttbLandingSensor];
