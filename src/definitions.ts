/**
 * The one registry of everything the worker and the CLI serve. Validated on
 * load: a broken graph fails here, with a typed error, not at 3 a.m.
 */
import { defineDefinitions, type Definitions } from "materia";
import { exampleAssets, exampleGenerator } from "./assets/example";
import { marketAssets, marketGenerator } from "./assets/market";
import { ttbAssets, ttbGenerator } from "./assets/ttb";
import { marketChecks } from "./checks/market";
import { ttbChecks } from "./checks/ttb";
import { exampleJob, exampleSchedule } from "./jobs/example";
import { marketJob, marketLandingSensor, marketSchedule } from "./jobs/market";
import { ttbJobs, ttbSchedules, ttbSensors } from "./jobs/ttb";

let cached: Definitions | undefined;

export function loadDefinitions(): Definitions {
  cached ??= defineDefinitions({
    assets: [...exampleAssets, ...marketAssets, ...ttbAssets],
    checks: [...marketChecks, ...ttbChecks],
    jobs: [exampleJob, marketJob, ...ttbJobs],
    schedules: [exampleSchedule, marketSchedule, ...ttbSchedules],
    sensors: [marketLandingSensor, ...ttbSensors],
    // Sample data (`materia generate <name>`); each one's demo is what `npm start` backfills.
    generators: [exampleGenerator, ttbGenerator, marketGenerator],
  });
  return cached;
}

/** The code location's definitions, as materia.config.ts names them. */
export default loadDefinitions();
