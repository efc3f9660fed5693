/**
 * What a scenario finds in the lake afterwards, read straight from the
 * object store (not through the CLI under test): which asset partitions are
 * missing, which were published more than once, whether every manifest's
 * sha256 and size match the object it names, and which data objects no
 * manifest names (left by attempts that died before their commit).
 */
import { createHash } from "node:crypto";
import { loadDefinitions } from "../../src/definitions";
import { manifestKey, type Manifest } from "../../src/resources/catalog";
import type { ObjectStore } from "../../src/resources/object-store";
import { targetAssets } from "../../src/cli/usage";

export interface AssetPartition {
  asset: string;
  partition: string | null;
}

export const label = ({ asset, partition }: AssetPartition): string => (partition === null ? asset : `${asset}[${partition}]`);

/** The asset partitions a job publishes for these partitions (its unpartitioned assets once). */
export function jobOutputs(job: string, partitions: readonly string[]): AssetPartition[] {
  const definitions = loadDefinitions();
  const outputs: AssetPartition[] = [];
  for (const asset of targetAssets(definitions, { job })) {
    if (definitions.graph.stepOf(asset) === undefined) continue; // a source asset: never published
    if (definitions.graph.node(asset).partitions === undefined) outputs.push({ asset, partition: null });
    else for (const partition of partitions) outputs.push({ asset, partition });
  }
  return outputs;
}

export interface LakeReport {
  expected: number;
  missing: string[];
  /** Partitioned asset partitions with more than one version (an unpartitioned fan-in asset legitimately gets one per run). */
  duplicated: string[];
  /** The manifest's sha256 or size differs from its object's, or its object is gone: half-published. */
  shaMismatches: string[];
  /** Data objects of these asset partitions that no manifest (current or history) names. */
  orphans: number;
  manifests: Map<string, Manifest>;
}

export async function inspectLake(store: ObjectStore, outputs: readonly AssetPartition[]): Promise<LakeReport> {
  const report: LakeReport = { expected: outputs.length, missing: [], duplicated: [], shaMismatches: [], orphans: 0, manifests: new Map() };
  for (const output of outputs) {
    const manifest = await store.getJson<Manifest>(manifestKey(output.asset, output.partition));
    if (manifest === undefined) {
      report.missing.push(label(output));
      continue;
    }
    report.manifests.set(label(output), manifest);
    if (output.partition !== null && manifest.history.length > 0) report.duplicated.push(`${label(output)} ×${manifest.history.length + 1}`);
    const digest = await objectDigest(store, manifest.dataKey);
    if (digest === undefined || digest.sha256 !== manifest.dataVersion || digest.bytes !== manifest.bytes) report.shaMismatches.push(label(output));
    const named = new Set([manifest.dataKey, ...manifest.history.map((version) => version.dataKey)]);
    const folder = manifest.dataKey.slice(0, manifest.dataKey.lastIndexOf("/") + 1);
    report.orphans += (await store.list(folder)).filter((object) => !named.has(object.key)).length;
  }
  return report;
}

/** The current manifests of `outputs`, by label (without reading the data). */
export async function readManifests(store: ObjectStore, outputs: readonly AssetPartition[]): Promise<Map<string, Manifest | undefined>> {
  const manifests = new Map<string, Manifest | undefined>();
  for (const output of outputs) manifests.set(label(output), await store.getJson<Manifest>(manifestKey(output.asset, output.partition)));
  return manifests;
}

/** sha256 and size of an object, streamed; undefined when it does not exist. */
export async function objectDigest(store: ObjectStore, key: string): Promise<{ sha256: string; bytes: number } | undefined> {
  if ((await store.head(key)) === undefined) return undefined;
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of await store.getStream(key)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), bytes };
}

/** The three figures every backfill scenario reports, as problems when not zero. */
export function lakeProblems(report: LakeReport): string[] {
  const problems: string[] = [];
  if (report.missing.length > 0) problems.push(`missing: ${report.missing.slice(0, 8).join(", ")}`);
  if (report.duplicated.length > 0) problems.push(`published more than once: ${report.duplicated.slice(0, 8).join(", ")}`);
  if (report.shaMismatches.length > 0) problems.push(`manifest sha256/size differs from its object: ${report.shaMismatches.slice(0, 8).join(", ")}`);
  return problems;
}
