/** The example pipeline's job and monthly schedule. */
import { defineJob, defineSchedule } from "materia";

export const exampleJob = defineJob({
  name: "example_monthly",
  selection: "group:example",
  description: "Ingest and aggregate a month of page views.",
});

export const exampleSchedule = defineSchedule({
  name: "example_monthly",
  job: "example_monthly",
  cron: "0 3 1 * *",
  description: "03:00 UTC on the 1st: the previous month.",
});
