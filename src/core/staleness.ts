/**
 * Staleness: is an asset partition missing, stale (and why) or fresh?
 * A version records its code version and the data versions of the upstream
 * partitions it read. It is stale when the code version changed, when an
 * upstream partition now has another data version (or newly exists, e.g.
 * the next month arrived for a lookahead), or when an upstream is itself
 * stale. Pure: the caller supplies the recorded versions (from manifests)
 * and the observed versions of source assets.
 */
import type { AssetGraph } from "./graph";
import type { PartitionKeyContext } from "./partitions/types";

export interface RecordedVersion {
  dataVersion: string;
  codeVersion: string;
  upstream: ReadonlyArray<{ asset: string; partition: string | null; dataVersion: string }>;
}

export type StaleCause =
  | { kind: "code-version"; recorded: string; current: string }
  | { kind: "upstream-changed"; asset: string; partition: string | null }
  | { kind: "upstream-new"; asset: string; partition: string | null }
  | { kind: "upstream-missing"; asset: string; partition: string | null }
  | { kind: "upstream-stale"; asset: string; partition: string | null };

export type PartitionStatus = { status: "missing" } | { status: "fresh"; dataVersion: string } | { status: "stale"; dataVersion: string; causes: StaleCause[] };

export interface StalenessInputs {
  graph: AssetGraph;
  /** The published version of an asset partition, if any. */
  recorded(asset: string, partition: string | null): RecordedVersion | undefined;
  /** The current version of a source asset partition, if it exists. */
  observed(asset: string, partition: string | null): string | undefined;
  context?: PartitionKeyContext;
}

export function describeCause(cause: StaleCause): string {
  const where = (asset: string, partition: string | null): string => (partition === null ? asset : `${asset}[${partition}]`);
  switch (cause.kind) {
    case "code-version":
      return `code version ${cause.recorded} → ${cause.current}`;
    case "upstream-changed":
      return `${where(cause.asset, cause.partition)} changed`;
    case "upstream-new":
      return `${where(cause.asset, cause.partition)} now exists`;
    case "upstream-missing":
      return `${where(cause.asset, cause.partition)} is missing`;
    case "upstream-stale":
      return `${where(cause.asset, cause.partition)} is stale`;
  }
}

/** Computes statuses with memoization; ask for as many partitions as you like. */
export class StalenessResolver {
  private readonly memo = new Map<string, PartitionStatus>();

  constructor(private readonly inputs: StalenessInputs) {}

  status(asset: string, partition: string | null): PartitionStatus {
    const id = `${asset}\u0000${partition ?? ""}`;
    const cached = this.memo.get(id);
    if (cached) return cached;
    const computed = this.compute(asset, partition);
    this.memo.set(id, computed);
    return computed;
  }

  private compute(asset: string, partition: string | null): PartitionStatus {
    const { graph } = this.inputs;
    const node = graph.node(asset);
    const recorded = this.inputs.recorded(asset, partition);
    if (!recorded) return { status: "missing" };
    const causes: StaleCause[] = [];
    if (node.codeVersion !== undefined && node.codeVersion !== recorded.codeVersion) {
      causes.push({ kind: "code-version", recorded: recorded.codeVersion, current: node.codeVersion });
    }
    const recordedUpstream = new Map(recorded.upstream.map((u) => [`${u.asset}\u0000${u.partition ?? ""}`, u.dataVersion]));
    for (const dep of node.deps) {
      const upstream = graph.node(dep.asset);
      const mapped = dep.mapping.upstreamFor(partition ?? undefined, node.partitions, upstream.partitions, this.inputs.context);
      const keys: Array<string | null> = upstream.partitions === undefined ? [null] : mapped.keys;
      for (const key of keys) {
        const current = upstream.kind === "source" ? this.inputs.observed(dep.asset, key) : this.inputs.recorded(dep.asset, key)?.dataVersion;
        const before = recordedUpstream.get(`${dep.asset}\u0000${key ?? ""}`);
        if (current === undefined) {
          if (before !== undefined) causes.push({ kind: "upstream-missing", asset: dep.asset, partition: key });
          continue;
        }
        if (before === undefined) causes.push({ kind: "upstream-new", asset: dep.asset, partition: key });
        else if (before !== current) causes.push({ kind: "upstream-changed", asset: dep.asset, partition: key });
        else if (upstream.kind !== "source" && !dep.self && this.status(dep.asset, key).status === "stale") {
          causes.push({ kind: "upstream-stale", asset: dep.asset, partition: key });
        }
      }
    }
    return causes.length === 0 ? { status: "fresh", dataVersion: recorded.dataVersion } : { status: "stale", dataVersion: recorded.dataVersion, causes };
  }
}
