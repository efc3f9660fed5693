/**
 * A backfill's plan over asset partitions (Dagster's asset backfills, not job
 * runs): every (step, partition) node the selection and range imply, with
 * edges through each dependency's partition mapping (buildPlan derives them),
 * the skip rule applied per node, and the nodes that read a missing upstream
 * partition outside the plan marked `waiting` with that upstream named.
 *
 * Compact and index-based: the plan is a workflow's argument and travels
 * through continue-as-new, so 10,000 partitions must stay a small payload.
 */
import type { ExecutionPlan, ExternalInput, PlanStep } from "./plan";
import { encodeStates, type NodeState } from "./ready-set";

export type SkipMode = "none" | "existing" | "fresh";

/** A node's data today, worst of its assets: what the skip rule judges. */
export type NodeDataStatus = "missing" | "stale" | "fresh";

export interface AssetPartitionPlan {
  /** Step names; nodes refer to them by index. */
  steps: string[];
  /** Partition keys in range order; nodes refer to them by index, -1 for an unpartitioned step. */
  partitions: string[];
  /** Per node: its step's index. Nodes are in a valid execution order. */
  nodeStep: number[];
  /** Per node: its partition's index, or -1. */
  nodePartition: number[];
  /** Nodes that materialize a group of partitions (an asset's backfill policy): their partitions' indexes. */
  nodeGroups: Record<number, number[]>;
  /** Per node: the indexes of the nodes it reads. */
  deps: number[][];
  /** Initial states (`kept` by the skip rule, `waiting` on a missing upstream), as `ReadySet` reads them. */
  initial: string;
  /** Why a node is waiting: the upstream partitions it reads that have no data, by node index. */
  waitingOn: Record<number, string[]>;
}

export interface AssetPartitionPlanRequest {
  plan: ExecutionPlan;
  /** Partition keys in range order (the plan's partitioned nodes use these). */
  partitions: readonly string[];
  skip: SkipMode;
  /** The data status of a node; consulted only when `skip` is not `none`. */
  statusOf?: (step: PlanStep) => NodeDataStatus;
  /** Required inputs from outside the plan that have no data. */
  missingInputs: readonly ExternalInput[];
}

/**
 * A node is kept (not run) when its data satisfies the skip rule and none of
 * the nodes it reads in the plan will run: a node whose inputs change is
 * rebuilt, so a backfill never leaves it stale behind its upstream.
 */
export function planAssetPartitions(request: AssetPartitionPlanRequest): AssetPartitionPlan {
  const { plan } = request;
  const stepIndex = new Map<string, number>();
  const partitionIndex = new Map(request.partitions.map((key, i) => [key, i]));
  const nodeIndex = new Map(plan.steps.map((step, i) => [step.id, i]));
  const nodeStep: number[] = [];
  const nodePartition: number[] = [];
  const deps: number[][] = [];
  const nodeGroups: Record<number, number[]> = {};
  for (const step of plan.steps) {
    if (step.partitions) nodeGroups[nodeStep.length] = step.partitions.map((key) => partitionIndex.get(key) ?? -1);
    if (!stepIndex.has(step.step)) stepIndex.set(step.step, stepIndex.size);
    nodeStep.push(stepIndex.get(step.step)!);
    nodePartition.push(step.partition === null ? -1 : (partitionIndex.get(step.partition) ?? -1));
    deps.push(step.dependsOn.map((id) => nodeIndex.get(id)!));
  }

  const marks = new Map<number, NodeState>();
  const waitingOn: Record<number, string[]> = {};
  for (const input of request.missingInputs) {
    const label = input.partition === null ? input.asset : `${input.asset}[${input.partition}]`;
    for (const id of input.neededBy) {
      const node = nodeIndex.get(id);
      if (node === undefined) continue;
      marks.set(node, "waiting");
      (waitingOn[node] ??= []).push(label);
    }
  }
  if (request.skip !== "none") {
    const satisfied = request.skip === "existing" ? (s: NodeDataStatus) => s !== "missing" : (s: NodeDataStatus) => s === "fresh";
    // Plan order is an execution order: a node's upstream is judged before it.
    plan.steps.forEach((step, node) => {
      if (marks.has(node)) return;
      const upstreamKept = deps[node]!.every((u) => marks.get(u) === "kept");
      if (upstreamKept && satisfied(request.statusOf!(step))) marks.set(node, "kept");
    });
  }
  return {
    steps: [...stepIndex.keys()],
    partitions: [...request.partitions],
    nodeStep,
    nodePartition,
    nodeGroups,
    deps,
    initial: encodeStates(plan.steps.length, marks),
    waitingOn,
  };
}

/** A node's step name and partition key (the first, for a group; `partitions` then lists them all). */
export function planNode(plan: AssetPartitionPlan, node: number): { step: string; partition: string | null; partitions?: string[]; id: string } {
  const step = plan.steps[plan.nodeStep[node]!]!;
  const p = plan.nodePartition[node]!;
  const partition = p < 0 ? null : plan.partitions[p]!;
  const group = plan.nodeGroups[node];
  if (group) {
    const partitions = group.map((i) => plan.partitions[i]!);
    return { step, partition, partitions, id: `${step}[${partitions[0]}..${partitions[partitions.length - 1]}]` };
  }
  return { step, partition, id: partition === null ? step : `${step}[${partition}]` };
}

/** Per-node states as a grid: one row per step, one character per partition (`.` where the step has no node). */
export interface ProgressGrid {
  partitions: string[];
  rows: Array<{ step: string; partitioned: boolean; states: string }>;
}

/** `encoded`: `ReadySet.encode()`. */
export function progressGrid(plan: AssetPartitionPlan, encoded: string): ProgressGrid {
  const rows = plan.steps.map((step) => ({ step, partitioned: false, cells: [] as string[] }));
  plan.nodeStep.forEach((s, node) => {
    const row = rows[s]!;
    const p = plan.nodePartition[node]!;
    if (p < 0) row.cells[0] = encoded[node]!;
    else {
      row.partitioned = true;
      for (const member of plan.nodeGroups[node] ?? [p]) row.cells[member] = encoded[node]!;
    }
  });
  return {
    partitions: plan.partitions,
    rows: rows.map((row) => ({
      step: row.step,
      partitioned: row.partitioned,
      states: Array.from({ length: row.partitioned ? plan.partitions.length : 1 }, (_, i) => row.cells[i] ?? ".").join(""),
    })),
  };
}
