/**
 * The one registry of everything the worker and the CLI serve. Validated on
 * load: a broken graph fails here, with a typed error, not at 3 a.m.
 */
import { defineDefinitions, type Definitions } from "./core";
import { exampleAssets } from "./assets/example";
import { exampleJob, exampleSchedule } from "./jobs/example";

let cached: Definitions | undefined;

export function loadDefinitions(): Definitions {
  cached ??= defineDefinitions({
    assets: [...exampleAssets],
    jobs: [exampleJob],
    schedules: [exampleSchedule],
  });
  return cached;
}
