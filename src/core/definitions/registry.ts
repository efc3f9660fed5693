/**
 * The one registry of everything a worker and the CLI serve: assets, checks,
 * jobs, schedules and sensors. Validated on load: the graph builds, every
 * job's selection parses and selects something, schedules and sensors name
 * known jobs, names are unique.
 */
import { DefinitionError, didYouMean } from "../errors";
import { buildAssetGraph, type AssetGraph } from "../graph";
import { materializableKeys, selectAssets } from "../selection";
import type { AnyAssetDefinition } from "./asset";
import type { CheckDefinition } from "./check";
import type { JobDefinition, ScheduleDefinition } from "./job";
import type { SensorDefinition } from "./sensor";
import type { ResourceDefinition } from "./resource";
import type { GeneratorDefinition } from "./generator";

export interface DefinitionsSpec {
  assets: AnyAssetDefinition[];
  checks?: CheckDefinition[];
  jobs?: JobDefinition[];
  schedules?: ScheduleDefinition[];
  sensors?: SensorDefinition[];
  /** Shared clients built once per worker and handed to steps (defineResource). */
  resources?: ResourceDefinition[];
  /** Sample-data generators: `materia generate <name>` (defineGenerator). */
  generators?: GeneratorDefinition[];
}

export interface Definitions {
  graph: AssetGraph;
  assets: readonly AnyAssetDefinition[];
  jobs: ReadonlyMap<string, JobDefinition>;
  schedules: ReadonlyMap<string, ScheduleDefinition>;
  sensors: ReadonlyMap<string, SensorDefinition>;
  resources: ReadonlyMap<string, ResourceDefinition>;
  generators: ReadonlyMap<string, GeneratorDefinition>;
  /** The job, or a DefinitionError with did-you-mean. */
  job(name: string): JobDefinition;
  /** Materializable asset keys a job runs. */
  jobAssets(name: string): string[];
}

function byName<T extends { name: string }>(kind: string, items: readonly T[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) {
    if (map.has(item.name)) throw new DefinitionError(`Two ${kind}s are named "${item.name}".`, { hint: `Rename one of them: ${kind} names are unique.` });
    map.set(item.name, item);
  }
  return map;
}

export function defineDefinitions(spec: DefinitionsSpec): Definitions {
  const graph = buildAssetGraph(spec.assets, spec.checks ?? []);
  const jobs = byName("job", spec.jobs ?? []);
  const schedules = byName("schedule", spec.schedules ?? []);
  const sensors = byName("sensor", spec.sensors ?? []);
  const resources = byName("resource", spec.resources ?? []);
  const generators = byName("generator", spec.generators ?? []);

  const jobAssets = new Map<string, string[]>();
  for (const job of jobs.values()) {
    let keys: string[];
    try {
      keys = materializableKeys(graph, selectAssets(graph, job.selection));
    } catch (error) {
      throw new DefinitionError(`Job "${job.name}" has an invalid selection: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    if (keys.length === 0) throw new DefinitionError(`Job "${job.name}" selects no materializable asset ("${job.selection}").`);
    jobAssets.set(job.name, keys);
  }
  for (const trigger of [...schedules.values(), ...sensors.values()]) {
    if (!jobs.has(trigger.job)) {
      throw new DefinitionError(`${trigger.type === "schedule" ? "Schedule" : "Sensor"} "${trigger.name}" runs unknown job "${trigger.job}".`, {
        hint: didYouMean(trigger.job, jobs.keys()) ?? `Known jobs: ${[...jobs.keys()].join(", ") || "none"}.`,
      });
    }
  }

  const job = (name: string): JobDefinition => {
    const found = jobs.get(name);
    if (!found) {
      throw new DefinitionError(`Unknown job "${name}".`, { hint: didYouMean(name, jobs.keys()) ?? `Known jobs: ${[...jobs.keys()].join(", ") || "none"}.` });
    }
    return found;
  };
  return {
    graph,
    assets: spec.assets,
    jobs,
    schedules,
    sensors,
    resources,
    generators,
    job,
    jobAssets: (name) => [...(jobAssets.get(job(name).name) ?? [])],
  };
}
