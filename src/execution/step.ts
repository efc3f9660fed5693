/**
 * One step, end to end (write–audit–publish):
 *   inputs → materialize in DuckDB → staged Parquet → checks → publish.
 * A failing blocking check publishes nothing; check results are recorded
 * either way. The same function runs in-process and inside the Temporal
 * activity.
 */
import { join } from "node:path";
import {
  MaterializeError,
  type AssetStep,
  type Definitions,
  type KernelTransform,
  type MaterializeResult,
  type MultiMaterializeResult,
  type OutputResult,
  type PartitionKeyContext,
  type TimeWindow,
} from "../core";
import { isTimePartitions, isMultiPartitions } from "../core";
import { logicalVersion, type CheckResult, type ColumnInfo, type Manifest, type UpstreamVersion } from "../resources/catalog";
import { quoteLiteral, type DuckDbSession } from "../resources/duckdb";
import { stepLogger } from "../utils/logger";
import { OUTPUT_VIEW, runChecks } from "./checks";
import { emptyGuardResult } from "./empty-guard";
import { newScratchDir, removeScratch } from "./scratch";
import { parseStepConfig } from "./run-config";
import type { ExecutionEnvironment } from "./environment";
import { objectReader, publishedView, resolveInputs } from "./inputs";
import { runKernel, type KernelRun } from "./kernel";
import { acquireLeases, groupTimeWindow, splitByPartition } from "./partition-groups";

/** A step younger than this reports no "staged" progress. */
const STAGED_HEARTBEAT_AFTER_MS = 1_000;

export interface StepRequest {
  runId: string;
  step: string;
  partition: string | null;
  /** A group of consecutive partitions (the asset's backfill policy): one transform, one version per partition. `partition` is the first. */
  partitions?: string[];
  /** The run's raw config for this step (see run-config.ts); parsed by the step's schema here. */
  config?: unknown;
}

export interface OutputOutcome {
  asset: string;
  /** Set for the outputs of a group of partitions. */
  partition?: string | null;
  rowCount: number;
  bytes: number | null;
  dataVersion: string | null;
  checks: CheckResult[];
}

export interface StepOutcome {
  step: string;
  partition: string | null;
  /** `published`: every output committed; `blocked`: a blocking check failed and nothing was published. */
  status: "published" | "blocked";
  outputs: OutputOutcome[];
  durationMs: number;
  /** Where the time went: resolving inputs, transform + staged Parquet, checks, publish. */
  phasesMs?: StepPhases;
  metadata: Record<string, unknown>;
}

export interface StepPhases {
  inputs: number;
  transform: number;
  checks: number;
  publish: number;
}

export interface StepHooks {
  signal?: AbortSignal;
  heartbeat?: (details?: unknown) => void;
  context?: PartitionKeyContext;
}

interface StagedOutput {
  asset: string;
  partition: string | null;
  path: string;
  rowCount: number;
  schema: ColumnInfo[];
}

export async function runStep(definitions: Definitions, request: StepRequest, env: ExecutionEnvironment, hooks: StepHooks = {}): Promise<StepOutcome> {
  const started = new Date();
  const step = definitions.graph.step(request.step);
  const log = stepLogger(env.log, { runId: request.runId, asset: step.name, partition: request.partition ?? undefined });
  const scratchDir = newScratchDir(env.scratchRoot, request.runId);
  const signal = hooks.signal ?? new AbortController().signal;
  const members: Array<string | null> = request.partitions && request.partitions.length > 1 ? request.partitions : [request.partition];
  const grouped = members.length > 1;
  // One holder per step partition at a time, however the run was triggered.
  const leases = await acquireLeases(env.store, step.name, members, request.runId, {
    signal,
    log,
    ...(env.leaseTtlMs !== undefined ? { ttlMs: env.leaseTtlMs } : {}),
    // A holder whose manifests are the current ones has finished: publishing released its lease.
    published: (owner, partition, since) => env.catalog.publishedBy(step.keys, partition, owner, since),
    onWait: (holder) => {
      hooks.heartbeat?.({ waitingFor: holder });
      log.info({ holder }, "waiting: another run holds this partition");
    },
  });
  const lease = leases[0]!;
  const releaseAll = () => Promise.all(leases.map((l) => l.release()));
  const renewal = setInterval(() => void Promise.all(leases.map((l) => l.renew())).catch((error: unknown) => log.warn({ err: error }, "lease renewal failed")), (env.leaseTtlMs ?? 60_000) / 4);
  const db = await env.duckdbPool.session(signal).catch(async (error: unknown) => {
    clearInterval(renewal);
    await releaseAll();
    throw error;
  });
  const phases: StepPhases = { inputs: 0, transform: 0, checks: 0, publish: 0 };
  let phaseStarted = Date.now();
  const endPhase = (phase: keyof StepPhases): void => {
    const now = Date.now();
    phases[phase] += now - phaseStarted;
    phaseStarted = now;
  };
  try {
    const inputs = await resolveInputs({ graph: definitions.graph, step, partitions: members, catalog: env.catalog, store: env.store, db, scratchDir, ...(hooks.context ? { context: hooks.context } : {}) });
    const metadata: Record<string, unknown> = {};
    const timeWindow = grouped ? groupTimeWindow(members.map((p) => timeWindowOf(step, p))) : timeWindowOf(step, request.partition);
    if (!grouped && lease.waitedFor !== undefined) {
      const joined = await joinedOutcome(step, request, env, inputs.upstream, started);
      if (joined) {
        log.info({ joined: lease.waitedFor }, "joined: the run we waited for published the same inputs and code");
        return joined;
      }
    }
    log.info({ inputs: inputs.upstream.length }, "materializing");
    endPhase("inputs");
    const result = await step.definition.materialize({
      runId: request.runId,
      config: parseStepConfig(definitions, step.name, request.config),
      assetKey: step.name,
      partitionKey: request.partition ?? undefined,
      partitionKeys: members.filter((p): p is string => p !== null),
      timeWindow,
      sql: db,
      log,
      objects: objectReader(env.store, scratchDir),
      upstreamPartitions: inputs.upstreamPartitions,
      heartbeat: hooks.heartbeat ?? (() => {}),
      signal,
      addMetadata: (extra) => Object.assign(metadata, extra),
      resources: env.resources,
    });
    const outputs = outputsOf(step, result, metadata);
    const staged: StagedOutput[] = [];
    for (const [asset, output] of outputs) {
      const path = join(scratchDir, `${asset.replace(/\//g, "__")}.parquet`);
      const kernel = "kernel" in output ? await startKernel(db, asset, output.kernel, metadata, step.keys.length > 1) : undefined;
      const query = "query" in output ? output.query : "table" in output ? `SELECT * FROM ${db.ident(output.table)}` : kernel!.query;
      const { rowCount, schema } = await db.stageParquet(query, path, step.definition.parquet).finally(() => kernel?.release());
      // Progress for a step that has run a while; a quick one is done before it matters (through Temporal each heartbeat is a call to the server).
      if (Date.now() - started.getTime() >= STAGED_HEARTBEAT_AFTER_MS) hooks.heartbeat?.({ staged: asset, rowCount });
      if (!grouped) staged.push({ asset, partition: request.partition, path, rowCount, schema });
      else for (const part of await splitByPartition(db, step, path, members as string[], scratchDir, step.definition.parquet)) staged.push({ asset, partition: part.partition, path: part.path, rowCount: part.rowCount, schema });
    }
    endPhase("transform");

    const checksByAsset = new Map<string, CheckResult[]>();
    const current = new Map<string, Manifest | undefined>();
    const stagedId = (output: StagedOutput): string => `${output.asset}\u0000${output.partition ?? ""}`;
    for (const output of staged) {
      const previous = await env.catalog.readManifest(output.asset, output.partition);
      current.set(stagedId(output), previous);
      const checks = definitions.graph.node(output.asset).checks;
      if (checks.length > 0) await db.run(`CREATE OR REPLACE VIEW ${db.ident(OUTPUT_VIEW)} AS SELECT * FROM read_parquet(${quoteLiteral(output.path)})`);
      const results = await runChecks(checks, {
        db,
        asset: output.asset,
        partition: output.partition,
        timeWindow: grouped ? timeWindowOf(step, output.partition) : timeWindow,
        runId: request.runId,
        schema: output.schema,
        previousSchema: previous?.schema,
        viewOf: (assetKey, partitionKeys) => publishedView({ catalog: env.catalog, store: env.store, db, scratchDir }, assetKey, partitionKeys),
        ...(hooks.context ? { context: hooks.context } : {}),
      });
      const guard = emptyGuardResult({
        asset: output.asset,
        partition: output.partition,
        runId: request.runId,
        allowEmpty: definitions.graph.node(output.asset).allowEmpty,
        stagedRows: output.rowCount,
        publishedRows: previous?.rowCount,
      });
      if (guard) results.push(guard);
      checksByAsset.set(stagedId(output), results);
      if (results.length > 0) await env.catalog.recordCheckResults(output.asset, output.partition, results);
    }
    endPhase("checks");
    const blocked = [...checksByAsset.values()].flat().filter((r) => r.blocking && !r.passed);
    if (blocked.length > 0) {
      log.warn({ checks: blocked.map((c) => `${c.asset}:${c.check}`) }, "blocking check failed: nothing published");
      return outcome(step, request, started, "blocked", staged.map((s) => ({ asset: s.asset, ...(grouped ? { partition: s.partition } : {}), rowCount: s.rowCount, bytes: null, dataVersion: null, checks: checksByAsset.get(stagedId(s)) ?? [] })), metadata, phases);
    }

    for (const held of leases) await held.assertHeld();
    const published: OutputOutcome[] = [];
    for (const output of staged) {
      const manifest = await env.catalog.publish({
        asset: output.asset,
        partition: output.partition,
        runId: request.runId,
        stagedPath: output.path,
        rowCount: output.rowCount,
        schema: output.schema,
        codeVersion: step.definition.codeVersion,
        upstream: grouped ? inputs.upstreamOf(output.partition) : inputs.upstream,
        ...(request.config !== undefined ? { runConfig: request.config } : {}),
        startedAt: started,
        checks: checksByAsset.get(stagedId(output)) ?? [],
        metadata,
        // Recorded in the manifest, so the UI can show where a version's time went.
        phasesMs: { inputs: phases.inputs, transform: phases.transform, checks: phases.checks },
        // Read before the checks, under this step's lease.
        current: { manifest: current.get(stagedId(output)) },
      });
      published.push({ asset: output.asset, ...(grouped ? { partition: output.partition } : {}), rowCount: manifest.rowCount, bytes: manifest.bytes, dataVersion: manifest.dataVersion, checks: manifest.checks });
    }
    // the manifests just written say these leases are free (no release write needed)
    for (const held of leases) held.markPublished();
    endPhase("publish");
    log.info({ rows: published.map((p) => p.rowCount), ms: Date.now() - started.getTime(), phasesMs: phases }, "published");
    return outcome(step, request, started, "published", published, metadata, phases);
  } finally {
    clearInterval(renewal);
    await db.close();
    await releaseAll().catch((error: unknown) => log.warn({ err: error }, "lease release failed (it expires by itself)"));
    await removeScratch(scratchDir).catch((error: unknown) => log.warn({ err: error, scratchDir }, "scratch folder not removed (a worker restart removes it)"));
  }
}

/**
 * After waiting for another run of this step partition: if it published
 * from the same inputs and code, this step is already done — join it.
 */
async function joinedOutcome(step: AssetStep, request: StepRequest, env: ExecutionEnvironment, upstream: UpstreamVersion[], started: Date): Promise<StepOutcome | undefined> {
  const expected = logicalVersion(step.definition.codeVersion, upstream, request.config);
  const outputs: OutputOutcome[] = [];
  for (const asset of step.keys) {
    const manifest = await env.catalog.readManifest(asset, request.partition);
    if (!manifest || manifest.logicalVersion !== expected || Date.parse(manifest.publishedAt) < started.getTime()) return undefined;
    outputs.push({ asset, rowCount: manifest.rowCount, bytes: manifest.bytes, dataVersion: manifest.dataVersion, checks: manifest.checks });
  }
  return outcome(step, request, started, "published", outputs, { joined: true });
}

function outcome(
  step: AssetStep,
  request: StepRequest,
  started: Date,
  status: StepOutcome["status"],
  outputs: OutputOutcome[],
  metadata: Record<string, unknown>,
  phasesMs?: StepPhases,
): StepOutcome {
  return { step: step.name, partition: request.partition, status, outputs, durationMs: Date.now() - started.getTime(), ...(phasesMs ? { phasesMs } : {}), metadata };
}

/** Validate what materialize returned against the step's outputs. */
function outputsOf(step: AssetStep, result: MaterializeResult | MultiMaterializeResult | undefined, metadata: Record<string, unknown>): Array<[string, OutputResult]> {
  if (result === undefined || result === null) {
    throw new MaterializeError(`materialize of "${step.name}" returned nothing.`, {
      hint: step.kind === "multi" ? "Return { outputs: { <asset key>: { query } | { table } | { kernel } } }." : "Return a SELECT query string, { query }, { table } naming a table it created, or { kernel }.",
    });
  }
  if (step.kind === "asset") {
    const single = typeof result === "string" ? { query: result } : (result as OutputResult & { metadata?: Record<string, unknown> });
    if (!isOutput(single)) throw new MaterializeError(`materialize of "${step.name}" returned ${describeValue(result)}, not a query, a table or a kernel.`, { hint: "Return a SELECT query string, { query }, { table }, or { kernel }." });
    if ("metadata" in single && single.metadata) Object.assign(metadata, single.metadata);
    return [[step.name, single]];
  }
  const multi = result as MultiMaterializeResult;
  if (!multi.outputs || typeof multi.outputs !== "object") {
    throw new MaterializeError(`materialize of multi-asset "${step.name}" returned no outputs.`, { hint: `Return { outputs: { ${step.keys.map((k) => `"${k}": …`).join(", ")} } }.` });
  }
  const unknown = Object.keys(multi.outputs).filter((k) => !step.keys.includes(k));
  const missing = step.keys.filter((k) => !(k in multi.outputs));
  if (unknown.length > 0 || missing.length > 0) {
    throw new MaterializeError(
      `materialize of multi-asset "${step.name}" ${missing.length > 0 ? `is missing outputs ${missing.join(", ")}` : ""}${missing.length > 0 && unknown.length > 0 ? " and " : ""}${unknown.length > 0 ? `returned unknown outputs ${unknown.join(", ")}` : ""}.`,
      { hint: `Its outputs are ${step.keys.join(", ")}.` },
    );
  }
  if (multi.metadata) Object.assign(metadata, multi.metadata);
  return step.keys.map((key) => {
    const output = multi.outputs[key];
    if (!isOutput(output)) throw new MaterializeError(`Output "${key}" of "${step.name}" is ${describeValue(output)}, not { query }, { table } or { kernel }.`);
    return [key, output];
  });
}

function isOutput(value: unknown): value is OutputResult {
  if (typeof value !== "object" || value === null) return false;
  if ("kernel" in value) return typeof value.kernel === "object" && value.kernel !== null && "run" in value.kernel && typeof value.kernel.run === "function" && "input" in value.kernel && typeof value.kernel.input === "string";
  return (("query" in value) && typeof value.query === "string") || (("table" in value) && typeof value.table === "string");
}

/** Run a kernel output's scan; the query over its output is what gets staged. */
async function startKernel(db: DuckDbSession, asset: string, kernel: KernelTransform, metadata: Record<string, unknown>, multi: boolean): Promise<KernelRun> {
  const run = await runKernel(db, kernel, `kernel_output_${asset}`);
  const recorded = { inputRows: run.inputRows, outputRows: run.outputRows, ms: run.ms };
  if (multi) Object.assign(metadata, { kernels: { ...(metadata.kernels as object | undefined), [asset]: recorded } });
  else metadata.kernel = recorded;
  return run;
}

function describeValue(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}

function timeWindowOf(step: AssetStep, partition: string | null): TimeWindow | undefined {
  const definition = step.partitions;
  if (partition === null || !definition) return undefined;
  if (isTimePartitions(definition)) return definition.timeWindow(partition);
  if (isMultiPartitions(definition)) {
    const values = definition.split(partition);
    for (const dimension of definition.dimensions) {
      const value = values[dimension.name];
      if (value !== undefined && isTimePartitions(dimension.partitions)) return dimension.partitions.timeWindow(value);
    }
  }
  return undefined;
}
