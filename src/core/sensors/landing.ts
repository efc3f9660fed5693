/**
 * The landing sensor: new or changed objects under a prefix (vendor files in
 * the landing area) request a run of their partition. The cursor remembers
 * each object's etag, so an unchanged file never triggers again and a
 * re-delivered one (new etag) does. Several files of one partition found in
 * one evaluation make one request.
 */
import { defineSensor, type RunRequest, type SensorDefinition } from "../definitions/sensor";

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
        .map(([partitionKey, files]) => ({ runKey: `${partitionKey}:${fnv(files.sort().join("\n"))}`, partitionKey, tags: { trigger: `sensor:${spec.name}`, files: String(files.length) } }));
      return { runRequests, cursor: JSON.stringify(next), ...(runRequests.length === 0 ? { skipReason: "no new or changed files" } : {}) };
    },
  });
}

/** A short deterministic hash (FNV-1a, 32 bit, base36). */
function fnv(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}
