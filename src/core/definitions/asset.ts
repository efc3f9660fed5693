/**
 * Asset definitions: what a pipeline author writes. `defineAsset` for one
 * output, `defineMultiAsset` for one step producing several assets,
 * `defineSourceAsset` for external data the pipeline reads but does not make.
 */
import { DefinitionError } from "../errors";
import type { PartitionMapping } from "../mappings/types";
import type { PartitionsDefinition } from "../partitions/types";
import { validateAutomation, type AutomationCondition } from "./automation";
import type { CheckSpec } from "./check";
import type { MaterializeContext, MaterializeResult, MultiMaterializeResult, ObjectReader } from "./context";

/** Retry policy of a step's activity (maps onto Temporal's RetryPolicy). */
export interface RetrySpec {
  maximumAttempts?: number;
  /** e.g. "5s" or milliseconds. */
  initialInterval?: string | number;
  backoffCoefficient?: number;
  maximumInterval?: string | number;
  /** Error type names that are never retried. */
  nonRetryableErrorTypes?: string[];
}

/**
 * How a step writes its Parquet outputs. The defaults (zstd, dictionary
 * encoding) suit most tables; wide tables of unique floating-point values
 * write ~2× faster with `{ compression: "lz4_raw", dictionary: false }`
 * (measured on the market features: 0.76 s → 0.37 s a month, files ~10%
 * larger), since dictionary attempts on unique doubles are wasted work.
 */
export const PARQUET_COMPRESSIONS = ["zstd", "lz4_raw", "snappy", "uncompressed"] as const;

export interface ParquetOptions {
  compression?: (typeof PARQUET_COMPRESSIONS)[number];
  /** false: never dictionary-encode (every column stored plain, then compressed). */
  dictionary?: boolean;
}

export interface TimeoutSpec {
  /** Max duration of one attempt, e.g. "30m". */
  startToClose?: string | number;
  /** Max silence between heartbeats, e.g. "1m". */
  heartbeat?: string | number;
}

/** A dependency: an upstream asset key, with an optional mapping and view name. */
export interface AssetDepSpec {
  asset: string;
  /** Defaults to identity between equal definitions, `all` to/from unpartitioned, overlap between time granularities. */
  mapping?: PartitionMapping;
  /** View name in DuckDB; defaults to the key's last segment (`market/raw_bars` → `raw_bars`). */
  as?: string;
}

export interface AssetDep {
  asset: string;
  mapping: PartitionMapping | undefined;
  as: string;
}

interface AssetCommonSpec {
  group?: string;
  description?: string;
  tags?: Record<string, string>;
  owners?: string[];
  deps?: Array<string | AssetDepSpec>;
  partitions?: PartitionsDefinition;
  /** Bump when the transform's logic changes: downstream data becomes stale. */
  codeVersion?: string;
  retry?: RetrySpec;
  timeout?: TimeoutSpec;
  parquet?: ParquetOptions;
  /**
   * Allow a partition that had rows to be republished with none. Off by
   * default: an upstream outage or a garbage input file that empties a
   * partition is far more likely than real data going to zero, so the step
   * is blocked (check `not_emptied`) and the last good version stays.
   */
  allowEmpty?: boolean;
  /** When the automation workflow materializes it: `onCron`, `onMissing`, `onUpstreamUpdated`, `anyOf`. */
  automation?: AutomationCondition;
}

/** A schema for run configuration (a zod schema, or anything with `parse`). */
export interface RunConfigSchema<C> {
  parse(input: unknown): C;
}

/**
 * Backfill policy: a backfill may materialize up to `maxPartitionsPerRun`
 * consecutive partitions in one step, when one query over a range is cheaper
 * than that many queries. The transform then sees every key in
 * `ctx.partitionKeys` (and `ctx.timeWindow` spans them), reads all their
 * upstream partitions, and returns rows for all of them; `partitionColumn`
 * names the output column holding each row's partition key, by which the
 * framework splits the result into one checked, published version per
 * partition.
 */
export interface BackfillPolicy {
  maxPartitionsPerRun: number;
  partitionColumn: string;
}

export interface AssetSpec<C = unknown> extends AssetCommonSpec {
  key: string;
  checks?: CheckSpec[];
  backfill?: BackfillPolicy;
  /**
   * Run configuration: a run or backfill may carry `config: { "<key>": {...} }`,
   * validated by this schema when the run is planned; the config used is
   * recorded in the manifest and is part of the partition's logical version.
   */
  config?: RunConfigSchema<C>;
  materialize: (ctx: MaterializeContext<C>) => Promise<MaterializeResult>;
}

export interface AssetOutputSpec {
  key: string;
  description?: string;
  tags?: Record<string, string>;
  checks?: CheckSpec[];
  /** Per output; defaults to the multi-asset's `allowEmpty` (e.g. a rejects output is empty for a clean file). */
  allowEmpty?: boolean;
}

export interface MultiAssetSpec<C = unknown> extends AssetCommonSpec {
  /** The step's name, e.g. `ttb/process_colas`. */
  name: string;
  outputs: AssetOutputSpec[];
  /** Run configuration of the step, keyed by the step's name in a run's `config`. */
  config?: RunConfigSchema<C>;
  materialize: (ctx: MaterializeContext<C>) => Promise<MultiMaterializeResult>;
}

export interface ObserveContext {
  partitionKey: string | undefined;
  objects: ObjectReader;
}

export interface Observation {
  /** Changes whenever the external data changes (e.g. the landing file's etag). */
  dataVersion: string;
  metadata?: Record<string, unknown>;
}

export interface SourceAssetSpec {
  key: string;
  group?: string;
  description?: string;
  tags?: Record<string, string>;
  owners?: string[];
  partitions?: PartitionsDefinition;
  /** Reports the current version of one partition of the external data, or undefined when it does not exist. */
  observe: (ctx: ObserveContext) => Promise<Observation | undefined>;
}

interface NormalizedCommon {
  group: string;
  description: string | undefined;
  tags: Record<string, string>;
  owners: string[];
  deps: AssetDep[];
  partitions: PartitionsDefinition | undefined;
  codeVersion: string;
  retry: RetrySpec | undefined;
  timeout: TimeoutSpec | undefined;
  parquet: ParquetOptions;
  allowEmpty: boolean;
  automation: AutomationCondition | undefined;
}

export interface AssetDefinition extends NormalizedCommon {
  readonly type: "asset";
  key: string;
  checks: CheckSpec[];
  backfill: BackfillPolicy | undefined;
  config: RunConfigSchema<unknown> | undefined;
  materialize: (ctx: MaterializeContext) => Promise<MaterializeResult>;
}

export interface MultiAssetDefinition extends NormalizedCommon {
  readonly type: "multi";
  name: string;
  outputs: Array<Required<Pick<AssetOutputSpec, "key">> & AssetOutputSpec & { checks: CheckSpec[] }>;
  config: RunConfigSchema<unknown> | undefined;
  materialize: (ctx: MaterializeContext) => Promise<MultiMaterializeResult>;
}

export interface SourceAssetDefinition {
  readonly type: "source";
  key: string;
  group: string;
  description: string | undefined;
  tags: Record<string, string>;
  owners: string[];
  partitions: PartitionsDefinition | undefined;
  observe: (ctx: ObserveContext) => Promise<Observation | undefined>;
}

export type AnyAssetDefinition = AssetDefinition | MultiAssetDefinition | SourceAssetDefinition;

/** `segment(/segment)*`, each segment `[a-z0-9_]` starting with a letter or underscore. */
const ASSET_KEY = /^[a-z_][a-z0-9_]*(\/[a-z_][a-z0-9_]*)*$/;
const VIEW_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function validateAssetKey(key: string, what = "asset key"): void {
  if (typeof key !== "string" || !ASSET_KEY.test(key)) {
    throw new DefinitionError(`Invalid ${what} "${String(key)}".`, {
      hint: "Use lowercase path-like keys: segments of [a-z0-9_] starting with a letter, joined by '/', e.g. market/front_month_bars.",
    });
  }
}

/** The key's last segment: `market/raw_bars` → `raw_bars`. */
export function defaultViewName(key: string): string {
  return key.slice(key.lastIndexOf("/") + 1);
}

/** The group a key falls in when none is given: its first segment, or `default`. */
function defaultGroup(key: string): string {
  return key.includes("/") ? key.slice(0, key.indexOf("/")) : "default";
}

function normalizeDeps(owner: string, deps: Array<string | AssetDepSpec> | undefined): AssetDep[] {
  const normalized = (deps ?? []).map((dep): AssetDep => {
    const spec = typeof dep === "string" ? { asset: dep } : dep;
    validateAssetKey(spec.asset, `dependency of "${owner}"`);
    const as = spec.as ?? defaultViewName(spec.asset);
    if (!VIEW_NAME.test(as)) {
      throw new DefinitionError(`Dependency view name "${as}" of "${owner}" is not a valid SQL identifier.`, {
        hint: "Use letters, digits and underscores, starting with a letter.",
      });
    }
    return { asset: spec.asset, mapping: spec.mapping, as };
  });
  const seen = new Map<string, string>();
  for (const dep of normalized) {
    const other = seen.get(dep.as);
    if (other !== undefined) {
      throw new DefinitionError(`"${owner}" has two dependencies that would both be the view "${dep.as}": "${other}" and "${dep.asset}".`, {
        hint: `Give one of them a distinct view name with { asset: "${dep.asset}", as: "..." }.`,
      });
    }
    seen.set(dep.as, dep.asset);
  }
  return normalized;
}

function normalizeCommon(owner: string, spec: AssetCommonSpec, groupFrom: string): NormalizedCommon {
  validateAutomation(owner, spec.automation, spec.partitions);
  if (spec.codeVersion !== undefined && (typeof spec.codeVersion !== "string" || spec.codeVersion.length === 0)) {
    throw new DefinitionError(`codeVersion of "${owner}" must be a non-empty string.`);
  }
  const compression = spec.parquet?.compression;
  if (compression !== undefined && !PARQUET_COMPRESSIONS.includes(compression)) {
    throw new DefinitionError(`parquet.compression of "${owner}" is "${String(compression)}".`, { hint: `Use one of: ${PARQUET_COMPRESSIONS.join(", ")}.` });
  }
  return {
    group: spec.group ?? defaultGroup(groupFrom),
    description: spec.description,
    tags: { ...(spec.tags ?? {}) },
    owners: [...(spec.owners ?? [])],
    deps: normalizeDeps(owner, spec.deps),
    partitions: spec.partitions,
    codeVersion: spec.codeVersion ?? "1",
    retry: spec.retry,
    timeout: spec.timeout,
    parquet: { ...(spec.parquet ?? {}) },
    allowEmpty: spec.allowEmpty ?? false,
    automation: spec.automation,
  };
}

export function defineAsset<C = unknown>(spec: AssetSpec<C>): AssetDefinition {
  validateAssetKey(spec.key);
  if (typeof spec.materialize !== "function") {
    throw new DefinitionError(`Asset "${spec.key}" has no materialize function.`);
  }
  const common = normalizeCommon(spec.key, spec, spec.key);
  validateBackfillPolicy(spec.key, spec.backfill, common);
  return {
    type: "asset",
    key: spec.key,
    ...common,
    checks: [...(spec.checks ?? [])],
    backfill: spec.backfill === undefined ? undefined : { ...spec.backfill },
    config: spec.config,
    // The step validated ctx.config with this asset's schema, so it is a C.
    materialize: spec.materialize as (ctx: MaterializeContext) => Promise<MaterializeResult>,
  };
}

function validateBackfillPolicy(owner: string, policy: BackfillPolicy | undefined, common: NormalizedCommon): void {
  if (policy === undefined) return;
  const { maxPartitionsPerRun: n, partitionColumn } = policy;
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new DefinitionError(`backfill.maxPartitionsPerRun of "${owner}" is ${String(n)}; expected an integer from 1 to 1000.`);
  if (typeof partitionColumn !== "string" || partitionColumn.length === 0) {
    throw new DefinitionError(`backfill.partitionColumn of "${owner}" is missing.`, { hint: "Name the output column that holds each row's partition key, so a range's result can be split per partition." });
  }
  if (common.partitions === undefined) throw new DefinitionError(`"${owner}" declares a backfill policy but is unpartitioned.`, { hint: "A backfill policy groups partitions: drop it, or partition the asset." });
  if (common.deps.some((dep) => dep.asset === owner)) {
    throw new DefinitionError(`"${owner}" reads its own earlier partitions, so its partitions cannot be materialized together.`, { hint: "Drop the backfill policy: each partition needs the one before it published." });
  }
}

export function defineMultiAsset<C = unknown>(spec: MultiAssetSpec<C>): MultiAssetDefinition {
  validateAssetKey(spec.name, "multi-asset name");
  if (!Array.isArray(spec.outputs) || spec.outputs.length === 0) {
    throw new DefinitionError(`Multi-asset "${spec.name}" declares no outputs.`, { hint: "List the assets it produces in `outputs`." });
  }
  const keys = new Set<string>();
  for (const output of spec.outputs) {
    validateAssetKey(output.key, `output of multi-asset "${spec.name}"`);
    if (keys.has(output.key)) throw new DefinitionError(`Multi-asset "${spec.name}" lists output "${output.key}" twice.`);
    keys.add(output.key);
  }
  if (typeof spec.materialize !== "function") {
    throw new DefinitionError(`Multi-asset "${spec.name}" has no materialize function.`);
  }
  const firstOutput = spec.outputs[0]?.key ?? spec.name;
  return {
    type: "multi",
    name: spec.name,
    ...normalizeCommon(spec.name, spec, firstOutput),
    outputs: spec.outputs.map((output) => ({ ...output, checks: [...(output.checks ?? [])] })),
    config: spec.config,
    materialize: spec.materialize as (ctx: MaterializeContext) => Promise<MultiMaterializeResult>,
  };
}

export function defineSourceAsset(spec: SourceAssetSpec): SourceAssetDefinition {
  validateAssetKey(spec.key, "source asset key");
  if (typeof spec.observe !== "function") {
    throw new DefinitionError(`Source asset "${spec.key}" has no observe function.`, {
      hint: "observe({ partitionKey, objects }) returns { dataVersion } for a partition, or undefined when it does not exist.",
    });
  }
  return {
    type: "source",
    key: spec.key,
    group: spec.group ?? defaultGroup(spec.key),
    description: spec.description,
    tags: { ...(spec.tags ?? {}) },
    owners: [...(spec.owners ?? [])],
    partitions: spec.partitions,
    observe: spec.observe,
  };
}
