/**
 * The market pipeline's monthly job, its schedule (02:00 UTC on the 2nd: the
 * previous month) and the landing sensor (a new or re-delivered vendor file →
 * a run of that month, once per file version).
 */
import { defineJob, defineSchedule, landingSensor } from "materia";
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

export const marketLandingSensor = landingSensor({
  name: "market_landing",
  job: MARKET_JOB,
  prefix: LANDING_PREFIX,
  partitionFor: monthOfLandingKey,
  intervalSeconds: 60,
  description: "Requests the month's run when its vendor file appears or changes in landing/market/ohlcv-1m/.",
});
