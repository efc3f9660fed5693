/**
 * Sensors: evaluated periodically (as a Temporal activity, by a long-running
 * workflow that keeps the cursor); each run request carries a run key so the
 * same request is never launched twice.
 */
import { DefinitionError } from "../errors";
import type { ObjectReader } from "./context";

export interface RunRequest {
  /** Unique per logical request: the same key is never launched twice. */
  runKey: string;
  partitionKey?: string;
  tags?: Record<string, string>;
}

/** Read access to published materializations, for sensors that react to them. */
export interface MaterializationReader {
  /** Partition keys of `assetKey` with a published manifest, with the run and time that published them. */
  listMaterializations(assetKey: string): Promise<Array<{ partitionKey: string | null; runId: string; publishedAt: string; dataVersion: string }>>;
}

export interface SensorContext {
  /** The cursor the previous evaluation returned (undefined the first time). */
  cursor: string | undefined;
  objects: ObjectReader;
  materializations: MaterializationReader;
  now: Date;
}

export interface SensorResult {
  runRequests: RunRequest[];
  cursor?: string;
  /** Why nothing was requested, for the UI/logs. */
  skipReason?: string;
}

export interface SensorSpec {
  name: string;
  job: string;
  /** Seconds between evaluations. Default 30. */
  intervalSeconds?: number;
  description?: string;
  evaluate: (ctx: SensorContext) => Promise<SensorResult>;
}

export interface SensorDefinition {
  readonly type: "sensor";
  name: string;
  job: string;
  intervalSeconds: number;
  description: string | undefined;
  evaluate: (ctx: SensorContext) => Promise<SensorResult>;
}

export function defineSensor(spec: SensorSpec): SensorDefinition {
  if (!/^[a-z][a-z0-9_-]*$/.test(spec.name)) {
    throw new DefinitionError(`Invalid sensor name "${spec.name}".`, { hint: "Use lowercase letters, digits, '-' and '_', starting with a letter." });
  }
  const intervalSeconds = spec.intervalSeconds ?? 30;
  if (!(intervalSeconds >= 1)) throw new DefinitionError(`Sensor "${spec.name}": intervalSeconds must be at least 1.`);
  if (typeof spec.evaluate !== "function") throw new DefinitionError(`Sensor "${spec.name}" has no evaluate function.`);
  return { type: "sensor", name: spec.name, job: spec.job, intervalSeconds, description: spec.description, evaluate: spec.evaluate };
}
