/**
 * The TTB warehouse's triggers: one monthly job, a schedule for the previous
 * month, and a landing sensor that runs a month when one of its day files
 * arrives or is re-delivered.
 */
import { defineJob, defineSchedule, landingSensor, type SensorContext, type SensorResult } from "materia";
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

/** A new or re-delivered day file runs its month (several files of a month in one evaluation: one run). */
export const ttbLandingSensor = landingSensor({
  name: "ttb_landing",
  job: "ttb_monthly",
  prefix: LANDING_PREFIX,
  partitionFor: monthOfLandingKey,
  intervalSeconds: 60,
  description: "A new or re-delivered day file under landing/ttb/ runs its month.",
});

export const evaluateTtbLanding = (ctx: SensorContext): Promise<SensorResult> => ttbLandingSensor.evaluate(ctx);

export const ttbJobs = [ttbMonthlyJob];
export const ttbSchedules = [ttbMonthlySchedule];
export const ttbSensors = [ttbLandingSensor];
