/**
 * Planning with the catalog: resolve a selection, build the plan, and make
 * sure every required input outside the plan is published. Shared by the
 * in-process executor and the Temporal planning activity.
 */
import { buildPlan, isDynamicPartitions, isMultiPartitions, materializableKeys, PlanningError, selectAssets, type Definitions, type ExecutionPlan, type PartitionKeyContext, type PartitionsDefinition } from "../core";
import type { Catalog } from "../resources/catalog";
import type { Logger } from "../utils/logger";

/** Dynamic partition keys live in the catalog; load them once so pure code can use them. */
export async function partitionContext(definitions: Definitions, catalog: Catalog, now = new Date()): Promise<PartitionKeyContext> {
  const names = new Set<string>();
  const visit = (def: PartitionsDefinition | undefined): void => {
    if (!def) return;
    if (isDynamicPartitions(def)) names.add(def.name);
    if (isMultiPartitions(def)) def.dimensions.forEach((d) => visit(d.partitions));
  };
  for (const key of definitions.graph.keys()) visit(definitions.graph.node(key).partitions);
  const keys = new Map<string, string[]>();
  for (const name of names) keys.set(name, await catalog.dynamicPartitionKeys(name));
  return { now, dynamicKeys: (name) => keys.get(name) ?? [] };
}

export interface PlanInput {
  /** A selection expression, or a job name via `job`. */
  selection?: string;
  job?: string;
  partitions: readonly string[];
}

export function selectionKeys(definitions: Definitions, input: Pick<PlanInput, "selection" | "job">): string[] {
  if (input.job !== undefined) return definitions.jobAssets(input.job);
  if (input.selection === undefined) throw new PlanningError("Give a selection or a job.", { hint: 'e.g. --select "group:market" or --job market_monthly' });
  return materializableKeys(definitions.graph, selectAssets(definitions.graph, input.selection));
}

/** `log`: debug lines with the decisions (what the selection resolved to, the steps, the inputs read from outside). */
export async function planRun(definitions: Definitions, catalog: Catalog, input: PlanInput, context?: PartitionKeyContext, log?: Logger): Promise<ExecutionPlan> {
  const ctx = context ?? (await partitionContext(definitions, catalog));
  const assets = selectionKeys(definitions, input);
  log?.debug({ job: input.job, selection: input.selection, assets, partitions: input.partitions }, "plan: selection resolved");
  const plan = buildPlan(definitions.graph, { assets, partitions: input.partitions, context: ctx });
  log?.debug({ steps: plan.steps.map((s) => ({ id: s.id, after: s.dependsOn })) }, `plan: ${plan.steps.length} step(s) in this order`);
  const missing: string[] = [];
  for (const input of plan.externalInputs) {
    if (input.optional) continue;
    const present = Boolean(await catalog.readManifest(input.asset, input.partition));
    log?.debug({ asset: input.asset, partition: input.partition, present }, "plan: input from outside the selection");
    if (!present) missing.push(input.partition === null ? input.asset : `${input.asset}[${input.partition}]`);
  }
  if (missing.length > 0) {
    throw new PlanningError(`Upstream data outside the selection has never been materialized: ${missing.slice(0, 8).join(", ")}${missing.length > 8 ? `, … (${missing.length} in all)` : ""}.`, {
      hint: "Add the upstream assets to the selection (e.g. prefix it with '+'), or materialize them first.",
    });
  }
  return plan;
}
