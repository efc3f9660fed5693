/**
 * The landing sensor: new or changed objects under a prefix (vendor files in
 * the landing area) request a run of their partition. The cursor remembers
 * each object's etag, so an unchanged file never triggers again and a
 * re-delivered one (new etag) does. Several files of one partition found in
 * one evaluation make one request. The run key is `<file>@<etag>`, or for
 * several files the last one plus a digest of them all (a month of daily
 * files would make a key too long for a workflow id).
 */
import { defineSensor, type RunRequest, type SensorDefinition } from "../definitions/sensor";
import { shortHash } from "../hash";

export interface LandingSensorSpec {
  name: string;
  job: string;
  /** e.g. "landing/market/ohlcv-1m/". */
  prefix: string;
  /** The partition an object belongs to, or undefined to ignore it (e.g. `2025-10.csv.zst` → `2025-10`). */
  partitionFor: (key: string) => string | undefined;
  intervalSeconds?: number;
  description?: string;
}

type Cursor = Record<string, string>;

export function landingSensor(spec: LandingSensorSpec): SensorDefinition {
  return defineSensor({
    name: spec.name,
    job: spec.job,
    intervalSeconds: spec.intervalSeconds ?? 30,
    description: spec.description ?? `Runs ${spec.job} for each new or changed file under ${spec.prefix}`,
    async evaluate(ctx) {
      const seen: Cursor = ctx.cursor ? (JSON.parse(ctx.cursor) as Cursor) : {};
      const next: Cursor = {};
      const changedByPartition = new Map<string, string[]>();
      for (const object of await ctx.objects.list(spec.prefix)) {
        const partition = spec.partitionFor(object.key);
        if (partition === undefined) continue;
        const version = object.etag ?? `${object.size}`;
        next[object.key] = version;
        if (seen[object.key] !== version) changedByPartition.set(partition, [...(changedByPartition.get(partition) ?? []), `${object.key}@${version}`]);
      }
      const runRequests: RunRequest[] = [...changedByPartition.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([partitionKey, files]) => ({ runKey: runKeyOf(files.sort()), partitionKey, tags: { trigger: `sensor:${spec.name}`, files: String(files.length) } }));
      return { runRequests, cursor: JSON.stringify(next), ...(runRequests.length === 0 ? { skipReason: "no new or changed files" } : {}) };
    },
  });
}

function runKeyOf(files: string[]): string {
  const last = files[files.length - 1] ?? "";
  return files.length === 1 ? last : `${last}+${files.length - 1}:${shortHash(files.join("\n"))}`;
}
