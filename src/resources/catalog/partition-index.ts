/**
 * The partition index: one small document per asset saying, for every
 * partition, what its manifest says (data, code and upstream versions, rows,
 * run) and how its latest check evaluation went. The UI and planners read an
 * asset's thousands of partitions with two or three requests instead of one
 * manifest each. Manifests stay the source of truth; the index is derived
 * (updated by the publish commit, right after the manifest write) and can be
 * rebuilt from them (`materia catalog reindex`).
 *
 * Concurrency: publishers of different partitions of one asset write the same
 * index, on the local store and on S3 alike, with no lost updates. The index
 * is a chain of generation objects `index/<asset>/=gen/<n>.json` (the highest
 * one is current), written with createIfAbsent: a writer reads generation n,
 * merges its entry and creates n+1; of two writers exactly one wins n+1, the
 * other reads again and retries. Old generations are deleted behind it; a
 * writer so slow that its n+1 had already come and gone notices (its write
 * is not in the current generation's lineage) and writes again.
 *
 * Cost: a generation holds only the recent entries (a delta) and names an
 * immutable base snapshot `index/<asset>/=base/<n>-<nonce>.json` with the rest.
 * When the delta passes COMPACT_AT entries the writer folds it into a new base,
 * so a write rewrites at most a few hundred entries and a 10,000-partition
 * backfill does not rewrite megabytes per step.
 *
 * Merging is monotonic: an entry's published part (and its checks part)
 * replaces the indexed one only when it is at least as new. A rebuild that
 * scanned manifests while a publish landed therefore cannot undo that publish.
 */
import { randomBytes } from "node:crypto";
import { MateriaError } from "../../core";
import type { ObjectStore } from "../object-store";
import type { CheckResult, Manifest, UpstreamVersion } from "./manifest";

/** What the index knows of one partition's current manifest. */
export interface IndexedVersion {
  dataVersion: string;
  codeVersion: string;
  rows: number;
  bytes: number;
  publishedAt: string;
  runId: string;
  upstream: UpstreamVersion[];
}

/** The latest check evaluation of a partition, published or blocked. */
export interface IndexedChecks {
  passed: number;
  failed: number;
  /** Failed checks that are blocking: the evaluation published nothing. */
  failedBlocking: number;
  /** Names of the failed checks (`check` of each result). */
  failedChecks: string[];
  evaluatedAt: string;
  runId: string;
}

export interface PartitionIndexEntry {
  partition: string | null;
  /** Absent when the partition was evaluated (and blocked) but never published. */
  version?: IndexedVersion;
  checks?: IndexedChecks;
}

interface GenerationDoc {
  formatVersion: 1;
  asset: string;
  /** The base snapshot's key, or null when there is none yet. */
  base: string | null;
  /** Entries newer than the base, by entry id (see entryId). */
  entries: Record<string, PartitionIndexEntry>;
  /** Ids of the writes this generation descends from, its own first (bounded): see commit(). */
  lineage?: string[];
}

interface BaseDoc {
  formatVersion: 1;
  asset: string;
  entries: Record<string, PartitionIndexEntry>;
}

/** Delta entries a generation carries before they are folded into a new base. */
export const COMPACT_AT = 256;
const GENERATION_DIGITS = 10;
const MAX_ATTEMPTS = 200;
/** Writes a generation remembers descending from: far more than can land between a writer's read and its create. */
const LINEAGE_KEPT = 256;
/** Bases are swept after compactions; every this many generations also, for orphans of writers that lost. */
const BASE_SWEEP_EVERY = 32;

export class PartitionIndexError extends MateriaError {
  constructor(message: string) {
    super("CATALOG", message, { hint: "The manifests are unaffected; `materia catalog reindex` rebuilds the index from them." });
  }
}

export function partitionIndexPrefix(asset: string): string {
  return `index/${asset}/=`;
}

function generationPrefix(asset: string): string {
  return `index/${asset}/=gen/`;
}

function basePrefix(asset: string): string {
  return `index/${asset}/=base/`;
}

function generationKey(asset: string, generation: number): string {
  return `${generationPrefix(asset)}${String(generation).padStart(GENERATION_DIGITS, "0")}.json`;
}

/** null (an unpartitioned asset) cannot collide with a partition key: those are never empty. */
function entryId(partition: string | null): string {
  return partition ?? "";
}

export function indexedVersionOf(manifest: Manifest): IndexedVersion {
  return {
    dataVersion: manifest.dataVersion,
    codeVersion: manifest.codeVersion,
    rows: manifest.rowCount,
    bytes: manifest.bytes,
    publishedAt: manifest.publishedAt,
    runId: manifest.runId,
    upstream: manifest.upstream,
  };
}

/** The summary of one evaluation's results; undefined when nothing was evaluated. */
export function indexedChecksOf(results: readonly CheckResult[], fallback: { runId: string; at: string }): IndexedChecks | undefined {
  if (results.length === 0) return undefined;
  const failed = results.filter((r) => !r.passed);
  const evaluatedAt = results.map((r) => r.evaluatedAt).sort().at(-1) ?? fallback.at;
  return {
    passed: results.length - failed.length,
    failed: failed.length,
    failedBlocking: failed.filter((r) => r.blocking).length,
    failedChecks: failed.map((r) => r.check),
    evaluatedAt,
    runId: results[0]?.runId ?? fallback.runId,
  };
}

/** `incoming` merged over `current`, each part kept from whichever is newer. */
export function mergeEntry(current: PartitionIndexEntry | undefined, incoming: PartitionIndexEntry): PartitionIndexEntry {
  if (!current) return incoming;
  const version = newer(current.version, incoming.version, (v) => v.publishedAt);
  const checks = newer(current.checks, incoming.checks, (c) => c.evaluatedAt);
  return { partition: incoming.partition, ...(version ? { version } : {}), ...(checks ? { checks } : {}) };
}

function newer<T>(current: T | undefined, incoming: T | undefined, at: (value: T) => string): T | undefined {
  if (incoming === undefined) return current;
  if (current === undefined) return incoming;
  return at(incoming) >= at(current) ? incoming : current;
}

export interface IndexSnapshot {
  asset: string;
  /** The generation read; -1 when the asset has no index yet. */
  generation: number;
  entries: Map<string | null, PartitionIndexEntry>;
}

export class PartitionIndex {
  /** Entries waiting for the commit under way, per asset; then committed together. */
  private readonly batches = new Map<string, { entries: PartitionIndexEntry[]; done: Promise<void> }>();
  private readonly committing = new Map<string, Promise<void>>();
  /**
   * The generation this process last wrote, per asset. A writer that is the
   * only one publishing an asset (the usual case: one backfill) starts its next
   * commit from it instead of listing and reading the chain again; when
   * somebody else wrote meanwhile its create of n+1 fails, or the lineage check
   * below catches it, and it reads the chain as usual.
   */
  private readonly lastWritten = new Map<string, { generation: number; doc: GenerationDoc }>();

  constructor(private readonly store: ObjectStore) {}

  /** Every indexed partition of `asset` (an empty map when it has no index yet). */
  async read(asset: string): Promise<IndexSnapshot> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.current(asset);
      if (current === "gone") continue;
      if (current === undefined) return { asset, generation: -1, entries: new Map() };
      const merged = await this.entriesOf(current.doc);
      if (merged === "gone") continue;
      return { asset, generation: current.generation, entries: new Map([...merged.values()].map((e) => [e.partition, e])) };
    }
    throw new PartitionIndexError(`The partition index of "${asset}" kept changing under ${MAX_ATTEMPTS} reads.`);
  }

  /**
   * The current generation number (-1: no index yet), from one listing: a
   * reader holding generation n's entries re-reads only when this moved.
   */
  async generation(asset: string): Promise<number> {
    const prefix = generationPrefix(asset);
    const last = (await this.store.list(prefix)).at(-1);
    return last === undefined ? -1 : Number(last.key.slice(prefix.length, prefix.length + GENERATION_DIGITS));
  }

  /** After a manifest write: record the published version (and the evaluation it passed). */
  async recordPublished(manifest: Manifest): Promise<void> {
    const checks = indexedChecksOf(manifest.checks, { runId: manifest.runId, at: manifest.publishedAt });
    await this.update(manifest.asset, [{ partition: manifest.partition, version: indexedVersionOf(manifest), ...(checks ? { checks } : {}) }]);
  }

  /** After a check evaluation, published or not. */
  async recordChecks(asset: string, partition: string | null, results: readonly CheckResult[]): Promise<void> {
    const checks = indexedChecksOf(results, { runId: "", at: new Date().toISOString() });
    if (checks) await this.update(asset, [{ partition, checks }]);
  }

  /**
   * Replace the asset's index with `entries` (a scan of its manifests and
   * check results that started at `scanStartedAt`). Entries written after the
   * scan started survive; partitions the scan did not find and nobody wrote
   * since are dropped.
   */
  async replace(asset: string, entries: PartitionIndexEntry[], scanStartedAt: string): Promise<void> {
    await this.commit(asset, async (_delta, loadAll) => {
      const next = new Map(entries.map((e) => [entryId(e.partition), e]));
      for (const [id, entry] of await loadAll()) {
        const recent = (entry.version?.publishedAt ?? "") >= scanStartedAt || (entry.checks?.evaluatedAt ?? "") >= scanStartedAt;
        if (recent) next.set(id, mergeEntry(next.get(id), entry));
      }
      return { compacted: next };
    });
  }

  /**
   * Merge entries into the index, retrying until this writer's generation
   * wins. Only the current generation's delta is read and rewritten; the base
   * is read only to fold a full delta into a new one.
   */
  async update(asset: string, incoming: PartitionIndexEntry[]): Promise<void> {
    // Writers in this process (a worker's concurrent steps) join one batch per asset while a commit is under
    // way, instead of contending with each other for the next generation.
    let batch = this.batches.get(asset);
    if (!batch) {
      const entries: PartitionIndexEntry[] = [];
      const previous = this.committing.get(asset) ?? Promise.resolve();
      const done = previous
        .catch(() => undefined)
        .then(async () => {
          this.batches.delete(asset);
          await this.commitEntries(asset, entries);
        });
      batch = { entries, done };
      this.batches.set(asset, batch);
      this.committing.set(asset, done);
      const settled = (): void => {
        if (this.committing.get(asset) === done) this.committing.delete(asset);
      };
      done.then(settled, settled);
    }
    batch.entries.push(...incoming);
    await batch.done;
  }

  private async commitEntries(asset: string, incoming: readonly PartitionIndexEntry[]): Promise<void> {
    await this.commit(asset, async (delta, loadAll) => {
      for (const entry of incoming) delta.set(entryId(entry.partition), mergeEntry(delta.get(entryId(entry.partition)), entry));
      if (delta.size <= COMPACT_AT) return { delta };
      const all = await loadAll();
      for (const [id, entry] of delta) all.set(id, mergeEntry(all.get(id), entry));
      return { compacted: all };
    });
  }

  /**
   * The optimistic loop: read generation n, compute the next document, create
   * n+1 if nobody did first. `change` gets the current delta (to modify) and a
   * loader of every entry; it returns a new delta, or every entry to write as
   * a new base.
   */
  private async commit(
    asset: string,
    change: (
      delta: Map<string, PartitionIndexEntry>,
      loadAll: () => Promise<Map<string, PartitionIndexEntry>>,
    ) => Promise<{ delta: Map<string, PartitionIndexEntry> } | { compacted: Map<string, PartitionIndexEntry> }>,
  ): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const remembered = this.lastWritten.get(asset);
      this.lastWritten.delete(asset);
      const current = remembered ?? (await this.current(asset));
      if (current === "gone") continue;
      const generation = current === undefined ? -1 : current.generation;
      const doc = current?.doc;
      let baseGone = false;
      const loadAll = async (): Promise<Map<string, PartitionIndexEntry>> => {
        const all = doc ? await this.entriesOf(doc) : new Map<string, PartitionIndexEntry>();
        if (all !== "gone") return all;
        baseGone = true;
        return new Map();
      };
      const next = await change(new Map(Object.entries(doc?.entries ?? {})), loadAll);
      if (baseGone) continue;
      let base = doc?.base ?? null;
      let deltaEntries: Record<string, PartitionIndexEntry> = {};
      if ("compacted" in next) {
        base = `${basePrefix(asset)}${String(generation + 1).padStart(GENERATION_DIGITS, "0")}-${randomBytes(4).toString("hex")}.json`;
        await this.store.putBytes(base, JSON.stringify({ formatVersion: 1, asset, entries: Object.fromEntries(next.compacted) } satisfies BaseDoc), { contentType: "application/json" });
      } else deltaEntries = Object.fromEntries(next.delta);
      const id = randomBytes(6).toString("hex");
      const written: GenerationDoc = { formatVersion: 1, asset, base, entries: deltaEntries, lineage: [id, ...(doc?.lineage ?? [])].slice(0, LINEAGE_KEPT) };
      if (await this.store.createIfAbsent(generationKey(asset, generation + 1), JSON.stringify(written))) {
        // Generation n+1 may have existed and been removed behind a chain that has since moved on: then this
        // create succeeded but nobody will read it. Only when a later generation exists can that be so; then the
        // chain's current generation names every write it descends from, and if it does not name this one the
        // write is lost — do it again (merging is idempotent). One listing serves this and the clean-up.
        const listed = (await this.store.list(generationPrefix(asset))).map((o) => o.key);
        const ours = generationKey(asset, generation + 1);
        if ((listed.at(-1) ?? ours) > ours && !(await this.inLineage(asset, id))) continue;
        if ((listed.at(-1) ?? ours) === ours) this.lastWritten.set(asset, { generation: generation + 1, doc: written });
        // The first write after a compaction (or a periodic sweep) also removes the bases nothing reads any more.
        const afterCompaction = doc !== undefined && doc.base !== null && Object.keys(doc.entries).length === 0;
        const sweepBases = "compacted" in next || afterCompaction || (generation + 1) % BASE_SWEEP_EVERY === 0;
        await this.removeBehind(asset, generation + 1, listed, sweepBases ? [base, doc?.base ?? null] : undefined);
        return;
      }
      // Our remembered generation was not the latest: read the chain, no pause (this was no contention).
      if (remembered) continue;
      // Another writer took n+1: read it and merge again, after a short, random pause so two writers do not stay in step.
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * Math.min(50, 2 + attempt * 2))));
    }
    throw new PartitionIndexError(`Could not update the partition index of "${asset}": ${MAX_ATTEMPTS} concurrent writers won first.`);
  }

  private async inLineage(asset: string, id: string): Promise<boolean> {
    for (;;) {
      const current = await this.current(asset);
      if (current === "gone") continue;
      return current?.doc.lineage?.includes(id) === true;
    }
  }

  /** The current generation; "gone" when it was replaced between the listing and the read. */
  private async current(asset: string): Promise<{ generation: number; doc: GenerationDoc } | "gone" | undefined> {
    const prefix = generationPrefix(asset);
    const objects = await this.store.list(prefix);
    const last = objects[objects.length - 1];
    if (!last) return undefined;
    const doc = await this.store.getJson<GenerationDoc>(last.key);
    if (!doc) return "gone";
    return { generation: Number(last.key.slice(prefix.length, prefix.length + GENERATION_DIGITS)), doc };
  }

  private async entriesOf(doc: GenerationDoc): Promise<Map<string, PartitionIndexEntry> | "gone"> {
    const all = new Map<string, PartitionIndexEntry>();
    if (doc.base !== null) {
      const base = await this.store.getJson<BaseDoc>(doc.base);
      if (!base) return "gone";
      for (const [id, entry] of Object.entries(base.entries)) all.set(id, entry);
    }
    // A delta entry may carry one part only (a check evaluation): merged over the base's.
    for (const [id, entry] of Object.entries(doc.entries)) all.set(id, mergeEntry(all.get(id), entry));
    return all;
  }

  /**
   * Keep generation n and n-1 (a reader may be reading n-1 right now) and the
   * bases they name; delete older generations and bases made for a generation
   * ≤ n that neither names (orphans of writers that lost). Bases for later
   * generations belong to writers still under way.
   */
  private async removeBehind(asset: string, generation: number, listed: readonly string[], keepBases: Array<string | null> | undefined): Promise<void> {
    const stale = listed.filter((key) => key < generationKey(asset, generation - 1));
    const prefix = basePrefix(asset);
    const bases =
      keepBases === undefined
        ? []
        : (await this.store.list(prefix)).map((o) => o.key).filter((key) => !keepBases.includes(key) && Number(key.slice(prefix.length, prefix.length + GENERATION_DIGITS)) <= generation - 1);
    if (stale.length + bases.length > 0) await this.store.deleteMany([...stale, ...bases]).catch(() => undefined);
  }
}
