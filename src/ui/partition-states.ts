/**
 * Every partition's state from the partition index, without reading
 * manifests: the index entries of an asset and of everything upstream of it
 * feed core's StalenessResolver (the same causes `materia status` prints),
 * source assets are observed for the partitions the index says were read,
 * and running partitions come from Temporal.
 *
 *   running       a run of it is under way
 *   failed        its latest evaluation failed a blocking check (nothing published by it)
 *   check-failed  published, but a non-blocking check failed
 *   missing       never published
 *   stale         published; code or an upstream version changed since (causes say which)
 *   fresh         published and up to date
 */
import {
  StalenessResolver,
  type Definitions,
  type PartitionKeyContext,
  type PartitionStatus,
  type RecordedVersion,
  type StaleCause,
} from "../core";
import { objectReader, partitionContext } from "../execution";
import type { IndexSnapshot, PartitionIndexEntry } from "../resources/catalog";
import type { UiContext } from "./context";

export const PARTITION_STATES = ["running", "failed", "check-failed", "stale", "missing", "fresh"] as const;
export type PartitionState = (typeof PARTITION_STATES)[number];

export interface PartitionRow {
  partition: string | null;
  state: PartitionState;
  entry: PartitionIndexEntry | undefined;
  causes: StaleCause[];
}

export type StateCounts = Record<PartitionState, number>;

const INDEX_TTL_MS = 2_000;
/** How old a snapshot may be and still be served while its refresh runs: about two polls of a live page. */
const SERVE_STALE_MS = 12_000;

/** An index read: `value` the last snapshot (`at` when read; 0 after an action: must re-read), `pending` a refresh under way. */
interface CachedIndex {
  at: number;
  value?: IndexSnapshot;
  pending?: Promise<IndexSnapshot>;
}
const OBSERVATION_TTL_MS = 15_000;
const OBSERVE_CONCURRENCY = 16;

/**
 * Reads through short-lived caches, so a page and its live fragments
 * polling every few seconds do not re-read every index each time.
 */
export class CatalogView {
  private readonly indexes = new Map<string, CachedIndex>();
  private readonly observations = new Map<string, { at: number; version: Promise<string | undefined> }>();
  private contextCache: { at: number; context: Promise<PartitionKeyContext> } | undefined;
  private readonly computed = new Map<string, { definitions: Definitions; signature: string; rows: PartitionRow[] }>();

  constructor(private readonly ctx: UiContext) {}

  /** The index cache is dropped after an action (materialize, rollback) so the next read is current. */
  invalidate(): void {
    // Expire rather than forget: the next read waits for the store, but still skips re-reading an index that did not move.
    for (const cached of this.indexes.values()) cached.at = 0;
    this.contextCache = undefined;
  }

  async partitionContext(definitions: Definitions): Promise<PartitionKeyContext> {
    const now = Date.now();
    if (!this.contextCache || now - this.contextCache.at > INDEX_TTL_MS) this.contextCache = { at: now, context: partitionContext(definitions, this.ctx.catalog) };
    return this.contextCache.context;
  }

  /**
   * An asset's index entries. Within the TTL the cached read is used as is;
   * after it, one listing says whether the index moved on, and only then is
   * it read again (two or three requests on S3 instead of one).
   */
  async index(asset: string): Promise<Map<string | null, PartitionIndexEntry>> {
    return (await this.snapshot(asset)).entries;
  }

  /**
   * Stale while revalidating: after the TTL a request gets the cached
   * snapshot (if it is only seconds old) at once and a refresh starts behind it (one listing, and a
   * read only if the index moved), so pages never wait on the store for an
   * index they have read before; the next poll shows the refresh. After an
   * action (invalidate) the next read waits for the store.
   */
  private async snapshot(asset: string): Promise<IndexSnapshot> {
    const now = Date.now();
    const cached = this.indexes.get(asset);
    if (cached?.value && now - cached.at <= INDEX_TTL_MS) return cached.value;
    if (cached?.pending) return cached.value && cached.at !== 0 && now - cached.at <= SERVE_STALE_MS ? cached.value : cached.pending;
    const before = cached?.value;
    const pending = (async (): Promise<IndexSnapshot> => {
      if (before && (await this.ctx.catalog.index.generation(asset)) === before.generation) return before;
      return this.ctx.catalog.index.read(asset);
    })();
    const entry: CachedIndex = { at: cached?.at ?? 0, pending, ...(before ? { value: before } : {}) };
    this.indexes.set(asset, entry);
    pending.then(
      (value) => {
        if (this.indexes.get(asset) === entry) this.indexes.set(asset, { at: Date.now(), value });
      },
      (error: unknown) => {
        this.ctx.log.warn({ err: error, asset }, "ui: reading a partition index failed");
        if (this.indexes.get(asset) === entry) this.indexes.set(asset, { at: entry.at, ...(before ? { value: before } : {}) });
      },
    );
    // A snapshot read a moment ago, and no action since: serve it now, the refresh lands for the next request.
    if (before && cached && cached.at !== 0 && now - cached.at <= SERVE_STALE_MS) return before;
    return pending;
  }

  /** The partition rows of each asset in `assets` (all their partitions), in key order. */
  async rows(definitions: Definitions, assets: readonly string[], running: ReadonlySet<string>): Promise<Map<string, PartitionRow[]>> {
    const { graph } = definitions;
    const context = await this.partitionContext(definitions);
    // Everything upstream, since "upstream is stale" needs the upstream's own state.
    const closure = new Set<string>([...assets, ...graph.ancestors(assets)]);
    const materializable = [...closure].filter((key) => graph.node(key).kind !== "source");
    const snapshots = new Map(await Promise.all(materializable.map(async (key) => [key, await this.snapshot(key)] as const)));
    const indexes = new Map([...snapshots].map(([key, snapshot]) => [key, snapshot.entries]));
    const observed = await this.observeSources(definitions, indexes);
    const resolver = new StalenessResolver({
      graph,
      recorded: (asset, partition): RecordedVersion | undefined => {
        const version = indexes.get(asset)?.get(partition)?.version;
        return version ? { dataVersion: version.dataVersion, codeVersion: version.codeVersion, upstream: version.upstream } : undefined;
      },
      observed: (asset, partition) => observed.get(observationId(asset, partition)),
      context,
    });
    const result = new Map<string, PartitionRow[]>();
    for (const asset of assets) {
      const node = graph.node(asset);
      if (node.kind === "source") continue;
      const keys: Array<string | null> = node.partitions ? node.partitions.keys(context) : [null];
      const signature = this.signature(definitions, asset, keys, snapshots, running);
      const cached = signature === undefined ? undefined : this.computed.get(asset);
      if (cached && cached.signature === signature && cached.definitions === definitions) {
        result.set(asset, cached.rows);
        continue;
      }
      const index = indexes.get(asset) ?? new Map<string | null, PartitionIndexEntry>();
      const rows = keys.map((partition): PartitionRow => {
        const entry = index.get(partition);
        const status = resolver.status(asset, partition);
        return { partition, entry, state: stateOf(entry, status, running.has(runningId(asset, partition))), causes: status.status === "stale" ? status.causes : [] };
      });
      if (signature !== undefined) this.computed.set(asset, { definitions, signature, rows });
      result.set(asset, rows);
    }
    return result;
  }

  /**
   * What an asset's rows depend on: its keys, the index generation of it and
   * of everything upstream, and which of its partitions run. Equal
   * signatures give equal rows, so a page polled every few seconds
   * recomputes nothing while nothing changed. Undefined (never cached) when
   * a source is upstream: its observations change without any index moving.
   */
  private signature(definitions: Definitions, asset: string, keys: ReadonlyArray<string | null>, snapshots: ReadonlyMap<string, IndexSnapshot>, running: ReadonlySet<string>): string | undefined {
    const upstream = definitions.graph.ancestors(asset);
    if (upstream.some((key) => definitions.graph.node(key).kind === "source")) return undefined;
    const generations = [asset, ...upstream].map((key) => `${key}=${snapshots.get(key)?.generation ?? "?"}`).join(",");
    const prefix = runningId(asset, null).slice(0, asset.length + 1);
    const runs = [...running].filter((id) => id.startsWith(prefix)).sort().join(",");
    return `${keys.length}|${keys[keys.length - 1] ?? ""}|${generations}|${runs}`;
  }

  /**
   * Observe each source partition some indexed version read (those are the
   * ones staleness compares), a few at a time, cached for a little while:
   * observing may head a landing file.
   */
  private async observeSources(definitions: Definitions, indexes: Map<string, Map<string | null, PartitionIndexEntry>>): Promise<Map<string, string | undefined>> {
    const { graph } = definitions;
    const wanted = new Map<string, { asset: string; partition: string | null }>();
    for (const entries of indexes.values()) {
      for (const entry of entries.values()) {
        for (const upstream of entry.version?.upstream ?? []) {
          if (graph.has(upstream.asset) && graph.node(upstream.asset).kind === "source") wanted.set(observationId(upstream.asset, upstream.partition), upstream);
        }
      }
    }
    const result = new Map<string, string | undefined>();
    const queue = [...wanted.entries()];
    const now = Date.now();
    const work = async (): Promise<void> => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [id, { asset, partition }] = next;
        let cached = this.observations.get(id);
        if (!cached || now - cached.at > OBSERVATION_TTL_MS) {
          const definition = graph.node(asset).definition;
          const version =
            definition.type === "source"
              ? definition
                  .observe({ partitionKey: partition ?? undefined, objects: objectReader(this.ctx.store, this.ctx.scratchRoot) })
                  .then((o) => o?.dataVersion)
                  .catch((error: unknown) => {
                    this.ctx.log.warn({ err: error, asset, partition }, "ui: observing a source failed");
                    return undefined;
                  })
              : Promise.resolve(undefined);
          cached = { at: now, version };
          this.observations.set(id, cached);
        }
        result.set(id, await cached.version);
      }
    };
    await Promise.all(Array.from({ length: OBSERVE_CONCURRENCY }, work));
    return result;
  }
}

export function runningId(asset: string, partition: string | null): string {
  return `${asset}\u0000${partition ?? ""}`;
}

function observationId(asset: string, partition: string | null): string {
  return `${asset}\u0000${partition ?? ""}`;
}

/** The one state a partition shows (see the table at the top). */
export function stateOf(entry: PartitionIndexEntry | undefined, status: PartitionStatus, running: boolean): PartitionState {
  if (running) return "running";
  const checks = entry?.checks;
  const version = entry?.version;
  if (checks && checks.failedBlocking > 0 && (!version || checks.evaluatedAt >= version.publishedAt)) return "failed";
  if (status.status === "missing") return "missing";
  if (checks && checks.failed > 0 && version && checks.runId === version.runId) return "check-failed";
  return status.status;
}

export function countStates(rows: readonly PartitionRow[]): StateCounts {
  const counts = Object.fromEntries(PARTITION_STATES.map((s) => [s, 0])) as StateCounts;
  for (const row of rows) counts[row.state]++;
  return counts;
}

/** The state an asset node shows in the graph: the most urgent of its partitions', missing only when nothing is published. */
export function assetState(counts: StateCounts): PartitionState {
  for (const state of ["running", "failed", "check-failed", "stale"] as const) if (counts[state] > 0) return state;
  return counts.fresh > 0 ? "fresh" : "missing";
}
