/**
 * The market pipeline's monthly job, its schedule (02:00 UTC on the 2nd: the
 * previous month) and the landing sensor (a new or re-delivered vendor file →
 * a run of that month, once per file version).
 */
import { defineJob, defineSchedule, defineSensor, type RunRequest } from "../core";
import { LANDING_PREFIX, monthOfLandingKey } from "../assets/market";

export const MARKET_JOB = "market_monthly";

export const marketJob = defineJob({
  name: MARKET_JOB,
  selection: "group:market",
  description: "Ingest a month of vendor bars and build front-month bars, features, labels and the training set.",
  // raw_bars → front_month → features → labels → training_set is a chain: parallel steps would only compete for 2 cores.
  maxConcurrentSteps: 1,
});

export const marketSchedule = defineSchedule({
  name: "market_monthly",
  job: MARKET_JOB,
  cron: "0 2 2 * *",
  description: "02:00 UTC on the 2nd: the previous month, once the vendor has delivered it.",
});

/** Cursor: the etag of every vendor file already requested, by key. */
type SeenFiles = Record<string, string>;

export const marketLandingSensor = defineSensor({
  name: "market_landing",
  job: MARKET_JOB,
  intervalSeconds: 60,
  description: "Requests the month's run when its vendor file appears or changes in landing/market/ohlcv-1m/.",
  async evaluate({ cursor, objects }) {
    const seen: SeenFiles = cursor ? (JSON.parse(cursor) as SeenFiles) : {};
    const runRequests: RunRequest[] = [];
    for (const file of await objects.list(LANDING_PREFIX)) {
      const month = monthOfLandingKey(file.key);
      const version = file.etag ?? `${file.size}`;
      if (month === undefined || seen[file.key] === version) continue;
      runRequests.push({ runKey: `${file.key}@${version}`, partitionKey: month, tags: { "market/landing_key": file.key } });
      seen[file.key] = version;
    }
    return runRequests.length > 0 ? { runRequests, cursor: JSON.stringify(seen) } : { runRequests, skipReason: "No new or changed vendor file." };
  },
});
