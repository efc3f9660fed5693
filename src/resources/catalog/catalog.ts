/**
 * The catalog: manifests, check results and dynamic partition keys in the
 * object store, next to the data. Every worker on every machine shares one
 * truth with no extra database.
 *
 * Publishing is two writes in a fixed order: the data object under a new,
 * run-unique key, then the manifest that points to it. The manifest write is
 * the commit; a failure before it leaves the previous version in place and
 * an orphaned object that `gc()` removes.
 */
import { createHash, randomBytes } from "node:crypto";
import { MateriaError } from "../../core";
import { hashFile } from "../../utils/hash-file";
import type { ObjectStore } from "../object-store";
import { checksKey, dataKey, dynamicPartitionsKey, manifestKey, manifestPrefix, partitionSegment } from "./layout";
import { MANIFEST_HISTORY_LIMIT, versionOf, type CheckResult, type ColumnInfo, type Manifest, type ManifestVersion, type UpstreamVersion } from "./manifest";
import { indexedChecksOf, indexedVersionOf, PartitionIndex, type PartitionIndexEntry } from "./partition-index";

export class CatalogError extends MateriaError {
  constructor(message: string, hint?: string) {
    super("CATALOG", message, hint === undefined ? {} : { hint });
  }
}

export interface PublishInput {
  asset: string;
  partition: string | null;
  runId: string;
  /** The staged Parquet file. */
  stagedPath: string;
  rowCount: number;
  schema: ColumnInfo[];
  codeVersion: string;
  upstream: UpstreamVersion[];
  startedAt: Date;
  checks: CheckResult[];
  metadata: Record<string, unknown>;
  /** The run's config of this step, when it had any: recorded, and part of the logical version. */
  runConfig?: unknown;
  /** Where the step's time went before publishing; the upload's own time is added as `publish`. */
  phasesMs?: Record<string, number>;
  /**
   * The current manifest as the publisher already read it under its lease
   * (nobody else can publish meanwhile): saves reading it a second time.
   */
  current?: { manifest: Manifest | undefined };
}

export interface MaterializationSummary {
  partitionKey: string | null;
  runId: string;
  publishedAt: string;
  dataVersion: string;
}

export class Catalog {
  /** Every partition's state per asset, derived from the manifests (see partition-index.ts). */
  readonly index: PartitionIndex;

  constructor(readonly store: ObjectStore) {
    this.index = new PartitionIndex(store);
  }

  async readManifest(asset: string, partition: string | null): Promise<Manifest | undefined> {
    return this.store.getJson<Manifest>(manifestKey(asset, partition));
  }

  /** Whether every one of `assets` has, for `partition`, a current manifest `runId` published at or after `since` (epoch ms). */
  async publishedBy(assets: readonly string[], partition: string | null, runId: string, since: number): Promise<boolean> {
    for (const asset of assets) {
      const manifest = await this.readManifest(asset, partition);
      if (manifest?.runId !== runId || Date.parse(manifest.publishedAt) < since) return false;
    }
    return true;
  }

  /**
   * Upload the staged data under a run-unique key, then commit the manifest.
   * Bytes equal to the current version's are not uploaded again and add no
   * version to the history: the manifest keeps pointing at the same object
   * and only records this run (its inputs, checks and time).
   */
  async publish(input: PublishInput): Promise<Manifest> {
    const { sha256, bytes } = await fileDigest(input.stagedPath);
    const previous = input.current ? input.current.manifest : await this.readManifest(input.asset, input.partition);
    const uploadStarted = Date.now();
    const unchanged = previous !== undefined && previous.dataVersion === sha256 && (await this.store.head(previous.dataKey)) !== undefined;
    const key = unchanged ? previous.dataKey : dataKey(input.asset, input.partition, input.runId, randomBytes(4).toString("hex"));
    // the staged file is not needed after this: the local store moves it instead of copying
    if (!unchanged) await this.store.adoptFile(key, input.stagedPath, { contentType: "application/vnd.apache.parquet" });
    const publishedAt = new Date();
    const manifest: Manifest = {
      formatVersion: 1,
      asset: input.asset,
      partition: input.partition,
      dataVersion: sha256,
      logicalVersion: logicalVersion(input.codeVersion, input.upstream, input.runConfig),
      dataKey: key,
      rowCount: input.rowCount,
      bytes,
      codeVersion: input.codeVersion,
      upstream: input.upstream,
      runId: input.runId,
      publishedAt: publishedAt.toISOString(),
      schema: input.schema,
      startedAt: input.startedAt.toISOString(),
      durationMs: publishedAt.getTime() - input.startedAt.getTime(),
      checks: input.checks,
      metadata: input.metadata,
      ...(input.runConfig !== undefined ? { runConfig: input.runConfig } : {}),
      ...(input.phasesMs !== undefined ? { phasesMs: { ...input.phasesMs, publish: publishedAt.getTime() - uploadStarted } } : {}),
      history: !previous ? [] : unchanged ? previous.history : [versionOf(previous), ...previous.history].slice(0, MANIFEST_HISTORY_LIMIT),
    };
    await this.store.putJson(manifestKey(input.asset, input.partition), manifest);
    // The manifest is the commit; the index follows it (a failure here fails the step, whose retry publishes the same bytes again).
    await this.index.recordPublished(manifest);
    return manifest;
  }

  /** Check results of the latest evaluation, published or not. */
  async recordCheckResults(asset: string, partition: string | null, results: CheckResult[]): Promise<void> {
    await this.store.putJson(checksKey(asset, partition), { asset, partition, results });
    // A passing evaluation is followed by the publish, whose index update carries it: one index write per step, not two.
    if (results.some((r) => !r.passed)) await this.index.recordChecks(asset, partition, results);
  }

  async readCheckResults(asset: string, partition: string | null): Promise<CheckResult[]> {
    return (await this.store.getJson<{ results: CheckResult[] }>(checksKey(asset, partition)))?.results ?? [];
  }

  /** Every published partition of an asset (from its manifests). */
  async listMaterializations(asset: string): Promise<MaterializationSummary[]> {
    return (await this.manifestsOf(asset)).map((m) => ({ partitionKey: m.partition, runId: m.runId, publishedAt: m.publishedAt, dataVersion: m.dataVersion }));
  }

  /**
   * Point the manifest back at an earlier version (the one with `dataVersion`,
   * or the previous one). The current version moves into history, so a
   * rollback can itself be rolled back.
   */
  async rollback(asset: string, partition: string | null, toDataVersion?: string): Promise<Manifest> {
    const current = await this.readManifest(asset, partition);
    if (!current) throw new CatalogError(`${describe(asset, partition)} has never been materialized: nothing to roll back.`);
    const target = toDataVersion === undefined ? current.history[0] : current.history.find((v) => v.dataVersion.startsWith(toDataVersion));
    if (!target) {
      const known = current.history.map((v) => `${v.dataVersion.slice(0, 12)} (${v.publishedAt}, run ${v.runId})`);
      throw new CatalogError(
        `${describe(asset, partition)} has no earlier version ${toDataVersion ?? ""}`.trim() + ".",
        known.length > 0 ? `Known versions: ${known.join("; ")}` : "It has only one version.",
      );
    }
    if (!(await this.store.head(target.dataKey))) {
      throw new CatalogError(`The data object of version ${target.dataVersion.slice(0, 12)} is gone (${target.dataKey}).`);
    }
    // The phases timed the current version's step, not the target's: a rollback has none of its own.
    const { phasesMs: _currentPhases, ...kept } = current;
    const rolledBack: Manifest = {
      ...kept,
      ...target,
      publishedAt: new Date().toISOString(),
      metadata: { ...current.metadata, rolledBackFrom: current.dataVersion, rolledBackTo: target.dataVersion },
      history: [versionOf(current), ...current.history.filter((v) => v !== target)].slice(0, MANIFEST_HISTORY_LIMIT),
    };
    await this.store.putJson(manifestKey(asset, partition), rolledBack);
    await this.index.recordPublished(rolledBack);
    return rolledBack;
  }

  /**
   * Rebuild an asset's partition index from its manifests and check results
   * (after an index was lost, or for a lake published before the index
   * existed). Publishes landing meanwhile are kept.
   */
  async reindex(asset: string): Promise<{ partitions: number }> {
    const scanStartedAt = new Date().toISOString();
    const entries = new Map<string, PartitionIndexEntry>();
    const id = (partition: string | null): string => partition ?? "";
    for (const manifest of await this.manifestsOf(asset)) {
      const checks = indexedChecksOf(manifest.checks, { runId: manifest.runId, at: manifest.publishedAt });
      entries.set(id(manifest.partition), { partition: manifest.partition, version: indexedVersionOf(manifest), ...(checks ? { checks } : {}) });
    }
    const prefix = `checks/${asset}/`;
    const checkFiles = (await this.store.list(prefix)).filter((o) => !o.key.slice(prefix.length).includes("/"));
    for (const file of checkFiles) {
      const recorded = await this.store.getJson<{ asset: string; partition: string | null; results: CheckResult[] }>(file.key);
      if (!recorded || recorded.asset !== asset) continue;
      const checks = indexedChecksOf(recorded.results, { runId: "", at: scanStartedAt });
      if (!checks) continue;
      const existing = entries.get(id(recorded.partition));
      // The latest evaluation wins: a blocked re-run after the published one shows as failed.
      if (!existing?.checks || existing.checks.evaluatedAt <= checks.evaluatedAt) entries.set(id(recorded.partition), { ...(existing ?? { partition: recorded.partition }), checks });
    }
    await this.index.replace(asset, [...entries.values()], scanStartedAt);
    return { partitions: entries.size };
  }

  private async manifestsOf(asset: string): Promise<Manifest[]> {
    const objects = await this.store.list(manifestPrefix(asset));
    const manifests = await Promise.all(
      objects.filter((o) => !o.key.slice(manifestPrefix(asset).length).includes("/")).map((o) => this.store.getJson<Manifest>(o.key)),
    );
    return manifests.filter((m): m is Manifest => m !== undefined && m.asset === asset);
  }

  /**
   * Remove data objects no manifest (current or history) points to: orphans
   * of failed attempts and versions aged out of history. Objects younger than
   * `minAgeMs` are kept, since a running step may be about to commit them.
   */
  async gc(options: { dryRun?: boolean; minAgeMs?: number } = {}): Promise<{ deleted: string[]; kept: number }> {
    const minAgeMs = options.minAgeMs ?? 60 * 60 * 1000;
    const referenced = new Set<string>();
    for (const object of await this.store.list("manifests/")) {
      const manifest = await this.store.getJson<Manifest>(object.key);
      if (!manifest) continue;
      referenced.add(manifest.dataKey);
      for (const version of manifest.history) referenced.add(version.dataKey);
    }
    const now = Date.now();
    const orphans = (await this.store.list("data/")).filter(
      (o) => !referenced.has(o.key) && (o.lastModified === undefined || now - o.lastModified.getTime() >= minAgeMs),
    );
    const deleted = orphans.map((o) => o.key);
    if (!options.dryRun && deleted.length > 0) await this.store.deleteMany(deleted);
    return { deleted, kept: referenced.size };
  }

  async dynamicPartitionKeys(name: string): Promise<string[]> {
    return (await this.store.getJson<{ keys: string[] }>(dynamicPartitionsKey(name)))?.keys ?? [];
  }

  async addDynamicPartitionKeys(name: string, keys: string[]): Promise<string[]> {
    const existing = await this.dynamicPartitionKeys(name);
    const merged = [...new Set([...existing, ...keys])];
    await this.store.putJson(dynamicPartitionsKey(name), { name, keys: merged });
    return merged;
  }
}

/** hash(code version + upstream data versions), order-independent. */
/** hash(code version, upstream data versions[, run config]): a run without config hashes as it always did. */
export function logicalVersion(codeVersion: string, upstream: UpstreamVersion[], runConfig?: unknown): string {
  const parts = upstream.map((u) => `${u.asset}\u0000${u.partition ?? ""}\u0000${u.dataVersion}`).sort();
  const hash = createHash("sha256").update(codeVersion).update("\u0001").update(parts.join("\u0001"));
  if (runConfig !== undefined) hash.update("\u0002").update(stableJson(runConfig));
  return hash.digest("hex");
}

/** JSON with object keys sorted: the same config always hashes the same. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(",")}}`;
  return JSON.stringify(value) ?? "null";
}

async function fileDigest(path: string): Promise<{ sha256: string; bytes: number }> {
  const { digest, bytes } = await hashFile(path, "sha256");
  return { sha256: digest, bytes };
}

function describe(asset: string, partition: string | null): string {
  return partition === null ? `"${asset}"` : `"${asset}" partition ${partition}`;
}

export { partitionSegment };
export type { ManifestVersion };
