/**
 * Upstream-materialized sensor: when a partition of `asset` is published (or
 * republished with new data), run `job` for the same partition.
 */
import { defineSensor, type SensorDefinition } from "../definitions/sensor";

export interface AssetMaterializedSensorSpec {
  name: string;
  job: string;
  /** The upstream asset to watch. */
  asset: string;
  intervalSeconds?: number;
  description?: string;
}

export function assetMaterializedSensor(spec: AssetMaterializedSensorSpec): SensorDefinition {
  return defineSensor({
    name: spec.name,
    job: spec.job,
    intervalSeconds: spec.intervalSeconds ?? 30,
    description: spec.description ?? `Runs ${spec.job} when a partition of ${spec.asset} is published`,
    async evaluate(ctx) {
      const seen = ctx.cursor ? (JSON.parse(ctx.cursor) as Record<string, string>) : {};
      const next: Record<string, string> = {};
      const runRequests = [];
      for (const materialization of await ctx.materializations.listMaterializations(spec.asset)) {
        const partition = materialization.partitionKey ?? "";
        next[partition] = materialization.dataVersion;
        if (seen[partition] !== materialization.dataVersion) {
          runRequests.push({
            runKey: `${spec.asset}:${partition}:${materialization.dataVersion.slice(0, 16)}`,
            ...(materialization.partitionKey !== null ? { partitionKey: materialization.partitionKey } : {}),
            tags: { trigger: `sensor:${spec.name}`, upstreamRun: materialization.runId },
          });
        }
      }
      return { runRequests, cursor: JSON.stringify(next) };
    },
  });
}
