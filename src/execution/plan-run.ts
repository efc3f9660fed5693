/**
 * Planning with the catalog: resolve a selection, build the plan, and make
 * sure every required input outside the plan is published. Shared by the
 * in-process executor and the Temporal planning activity.
 */
import { buildPlan, isDynamicPartitions, isMultiPartitions, materializableKeys, PlanningError, selectAssets, type Definitions, type ExecutionPlan, type PartitionKeyContext, type PartitionsDefinition } from "../core";
import type { Catalog } from "../resources/catalog";

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

export async function planRun(definitions: Definitions, catalog: Catalog, input: PlanInput, context?: PartitionKeyContext): Promise<ExecutionPlan> {
  const ctx = context ?? (await partitionContext(definitions, catalog));
  const plan = buildPlan(definitions.graph, { assets: selectionKeys(definitions, input), partitions: input.partitions, context: ctx });
  const missing: string[] = [];
  for (const input of plan.externalInputs) {
    if (input.optional) continue;
    if (!(await catalog.readManifest(input.asset, input.partition))) missing.push(input.partition === null ? input.asset : `${input.asset}[${input.partition}]`);
  }
  if (missing.length > 0) {
    throw new PlanningError(`Upstream data outside the selection has never been materialized: ${missing.slice(0, 8).join(", ")}${missing.length > 8 ? `, … (${missing.length} in all)` : ""}.`, {
      hint: "Add the upstream assets to the selection (e.g. prefix it with '+'), or materialize them first.",
    });
  }
  return plan;
}
