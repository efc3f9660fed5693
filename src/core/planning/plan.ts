/**
 * Planning: from selected assets and partition keys to an execution plan of
 * step instances (step × partition) with their dependencies. Pure and
 * deterministic; the plan is plain JSON so it can travel through Temporal.
 *
 * Dependencies outside the plan become `externalInputs`: partitions that
 * must already be published (checked against the catalog by the caller),
 * unless their mapping allows them to be missing.
 */
import { PartitionKeyError, PlanningError } from "../errors";
import type { AssetGraph, AssetStep } from "../graph";
import type { PartitionKeyContext } from "../partitions/types";

export interface PlanStep {
  /** `<step>` for unpartitioned steps, `<step>[<partition>]` otherwise; unique in a plan. */
  id: string;
  step: string;
  assets: string[];
  partition: string | null;
  /** A group of consecutive partitions materialized by one step (an asset's backfill policy); `partition` is the first. */
  partitions?: string[];
  /** Ids of plan steps that must succeed first. */
  dependsOn: string[];
}

export interface ExternalInput {
  asset: string;
  partition: string | null;
  /** True when the mapping tolerates a missing partition (lookahead, self-dependency at the start, `all`). */
  optional: boolean;
  /** Plan step ids that read it. */
  neededBy: string[];
}

export interface ExecutionPlan {
  /** In a valid execution order. */
  steps: PlanStep[];
  externalInputs: ExternalInput[];
}

export interface PlanRequest {
  /** Materializable asset keys (source assets are ignored). */
  assets: readonly string[];
  /** Partition keys for the partitioned steps; unpartitioned steps run once. */
  partitions: readonly string[];
  context?: PartitionKeyContext;
}

export function stepInstanceId(step: string, partition: string | null): string {
  return partition === null ? step : `${step}[${partition}]`;
}

export function buildPlan(graph: AssetGraph, request: PlanRequest): ExecutionPlan {
  const steps = selectSteps(graph, request.assets);
  if (steps.length === 0) {
    throw new PlanningError("Nothing to materialize: the selection contains no materializable asset.", { hint: "Source assets are observed, not materialized; select the assets that read them." });
  }
  const instances = new Map<string, PlanStep>();
  for (const step of steps) {
    for (const partition of partitionsFor(step, request)) {
      const id = stepInstanceId(step.name, partition);
      instances.set(id, { id, step: step.name, assets: [...step.keys], partition, dependsOn: [] });
    }
  }

  const external = new Map<string, ExternalInput>();
  for (const instance of instances.values()) {
    const dependsOn = new Set<string>();
    for (const key of instance.assets) {
      const node = graph.node(key);
      for (const dep of node.deps) {
        const upstream = graph.node(dep.asset);
        if (upstream.kind === "source") continue;
        const mapped = dep.mapping.upstreamFor(instance.partition ?? undefined, node.partitions, upstream.partitions, request.context);
        if (mapped.nonexistent.length > 0 && !dep.mapping.allowNonexistentUpstream) {
          throw new PlanningError(
            `"${key}"${instance.partition === null ? "" : ` partition ${instance.partition}`} reads ${describeKeys(mapped.nonexistent)} of "${dep.asset}", outside its partitions (${upstream.partitions?.id ?? "unpartitioned"}).`,
            { hint: `Choose later partitions, or declare the dependency with a mapping that allows nonexistent upstream partitions (${dep.mapping.describe()}).` },
          );
        }
        // An unpartitioned upstream is always required; partitions may be optional per the mapping.
        const optional = dep.mapping.allowNonexistentUpstream && upstream.partitions !== undefined;
        const upstreamStep = graph.stepOf(dep.asset);
        if (!upstreamStep) continue;
        const upstreamKeys: Array<string | null> = upstream.partitions === undefined ? [null] : mapped.keys;
        for (const upstreamKey of upstreamKeys) {
          const upstreamId = stepInstanceId(upstreamStep.name, upstreamKey);
          if (upstreamId === instance.id) continue;
          if (instances.has(upstreamId)) {
            dependsOn.add(upstreamId);
          } else {
            const externalId = `${dep.asset}\u0000${upstreamKey ?? ""}`;
            const entry = external.get(externalId) ?? { asset: dep.asset, partition: upstreamKey, optional, neededBy: [] };
            entry.optional &&= optional;
            if (!entry.neededBy.includes(instance.id)) entry.neededBy.push(instance.id);
            external.set(externalId, entry);
          }
        }
      }
    }
    instance.dependsOn = [...dependsOn].sort();
  }
  return { steps: orderInstances(graph, instances), externalInputs: [...external.values()] };
}

function selectSteps(graph: AssetGraph, assets: readonly string[]): AssetStep[] {
  const names = new Set<string>();
  for (const key of assets) {
    const step = graph.stepOf(key);
    if (step) names.add(step.name);
  }
  return graph.steps().filter((step) => names.has(step.name));
}

function partitionsFor(step: AssetStep, request: PlanRequest): Array<string | null> {
  if (step.partitions === undefined) return [null];
  if (request.partitions.length === 0) {
    throw new PlanningError(`"${step.name}" is partitioned (${step.partitions.id}) but no partition was given.`, {
      hint: `Pass one or more partition keys in the format ${step.partitions.keyFormat}.`,
    });
  }
  const definition = step.partitions;
  return request.partitions.map((key) => {
    try {
      definition.validateKey(key, request.context);
    } catch (error) {
      if (error instanceof PartitionKeyError) {
        throw new PartitionKeyError(`"${step.name}": ${error.message}`, { hint: error.hint ?? `Expected ${definition.keyFormat}.` });
      }
      throw error;
    }
    return key;
  });
}

/**
 * Kahn's algorithm, wave by wave (a wave: the steps whose dependencies are
 * all in earlier waves); inside a wave, ties broken by the graph's step
 * order, then partition order. Linear in nodes and edges, so a plan of
 * 10,000 partitions with a self-dependency orders at once.
 */
function orderInstances(graph: AssetGraph, instances: Map<string, PlanStep>): PlanStep[] {
  const stepRank = new Map(graph.steps().map((step, index) => [step.name, index]));
  const partitionRank = new Map<string, number>();
  for (const instance of instances.values()) {
    if (instance.partition !== null && !partitionRank.has(instance.partition)) partitionRank.set(instance.partition, partitionRank.size);
  }
  const compare = (a: PlanStep, b: PlanStep): number =>
    (stepRank.get(a.step) ?? 0) - (stepRank.get(b.step) ?? 0) || (partitionRank.get(a.partition ?? "") ?? -1) - (partitionRank.get(b.partition ?? "") ?? -1);
  const waiting = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const instance of instances.values()) {
    waiting.set(instance.id, instance.dependsOn.length);
    for (const dep of instance.dependsOn) {
      const list = dependents.get(dep);
      if (list) list.push(instance.id);
      else dependents.set(dep, [instance.id]);
    }
  }
  const ordered: PlanStep[] = [];
  let wave = [...instances.values()].filter((s) => s.dependsOn.length === 0);
  while (wave.length > 0) {
    wave.sort(compare);
    ordered.push(...wave);
    const next: PlanStep[] = [];
    for (const step of wave) {
      for (const id of dependents.get(step.id) ?? []) {
        const left = waiting.get(id)! - 1;
        waiting.set(id, left);
        if (left === 0) next.push(instances.get(id)!);
      }
    }
    wave = next;
  }
  if (ordered.length < instances.size) {
    const stuck = [...instances.keys()].filter((id) => waiting.get(id)! > 0);
    throw new PlanningError(`The plan has a dependency cycle among ${stuck.slice(0, 5).join(", ")}.`, {
      hint: "A partition mapping makes partitions depend on each other in a loop (e.g. a self-dependency looking ahead).",
    });
  }
  return ordered;
}

function describeKeys(keys: string[]): string {
  return keys.length === 1 ? `partition ${keys[0]}` : `partitions ${keys.slice(0, 3).join(", ")}${keys.length > 3 ? ", …" : ""}`;
}

/**
 * Keep only the steps in `keep` (ids): a kept step's dependency on a dropped
 * step becomes an input from outside the plan, required to have data (an
 * automation tick materializes exactly the asset partitions it asked for).
 */
export function restrictPlan(plan: ExecutionPlan, keep: ReadonlySet<string>, graph: AssetGraph): ExecutionPlan {
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const external = new Map(plan.externalInputs.filter((e) => e.neededBy.some((id) => keep.has(id))).map((e) => [`${e.asset}\u0000${e.partition ?? ""}`, { ...e, neededBy: e.neededBy.filter((id) => keep.has(id)) }]));
  const steps: PlanStep[] = [];
  for (const step of plan.steps) {
    if (!keep.has(step.id)) continue;
    const dependsOn: string[] = [];
    for (const dep of step.dependsOn) {
      if (keep.has(dep)) {
        dependsOn.push(dep);
        continue;
      }
      const dropped = byId.get(dep)!;
      for (const asset of dropped.assets.filter((a) => graph.node(a).kind !== "source")) {
        const id = `${asset}\u0000${dropped.partition ?? ""}`;
        const entry = external.get(id) ?? { asset, partition: dropped.partition, optional: false, neededBy: [] };
        if (!entry.neededBy.includes(step.id)) entry.neededBy.push(step.id);
        external.set(id, entry);
      }
    }
    steps.push({ ...step, dependsOn });
  }
  return { steps, externalInputs: [...external.values()] };
}

/**
 * Backfill policy: consecutive partitions (in `rangeOrder`) of a step whose
 * asset declares `backfill.maxPartitionsPerRun` become one step over the
 * group, id `<step>[<first>..<last>]`. It reads what any member read, and
 * whatever read a member reads the group. The asset graph is acyclic and a
 * grouped asset has no self-dependency, so grouping makes no cycle.
 */
export function groupPartitionRuns(plan: ExecutionPlan, graph: AssetGraph, rangeOrder: readonly string[]): ExecutionPlan {
  const rank = new Map(rangeOrder.map((key, i) => [key, i]));
  const groupOf = new Map<string, PlanStep>();
  const byStep = new Map<string, PlanStep[]>();
  for (const step of plan.steps) {
    const definition = graph.step(step.step).definition;
    const size = definition.type === "asset" ? definition.backfill?.maxPartitionsPerRun : undefined;
    if (size === undefined || size < 2 || step.partition === null) continue;
    byStep.set(step.step, [...(byStep.get(step.step) ?? []), step]);
  }
  for (const [name, members] of byStep) {
    const definition = graph.step(name).definition;
    const size = definition.type === "asset" ? definition.backfill!.maxPartitionsPerRun : 1;
    members.sort((a, b) => (rank.get(a.partition!) ?? 0) - (rank.get(b.partition!) ?? 0));
    for (let i = 0; i < members.length; ) {
      // Consecutive in the range: a gap (a partition not in the plan) starts a new group.
      const chunk = [members[i]!];
      while (chunk.length < size && i + chunk.length < members.length && rank.get(members[i + chunk.length]!.partition!)! === rank.get(chunk[chunk.length - 1]!.partition!)! + 1) chunk.push(members[i + chunk.length]!);
      i += chunk.length;
      if (chunk.length === 1) continue;
      const partitions = chunk.map((m) => m.partition!);
      const group: PlanStep = { id: `${name}[${partitions[0]}..${partitions[partitions.length - 1]}]`, step: name, assets: chunk[0]!.assets, partition: partitions[0]!, partitions, dependsOn: [] };
      for (const member of chunk) groupOf.set(member.id, group);
    }
  }
  if (groupOf.size === 0) return plan;
  const rename = (id: string): string => groupOf.get(id)?.id ?? id;
  const steps: PlanStep[] = [];
  for (const step of plan.steps) {
    const group = groupOf.get(step.id);
    const target = group ?? step;
    // A group gathers its members' (renamed) dependencies; any other step has its own, renamed.
    const deps = new Set(group ? target.dependsOn : []);
    for (const dep of step.dependsOn) if (rename(dep) !== target.id) deps.add(rename(dep));
    if (group) {
      group.dependsOn = [...deps].sort();
      if (group.partitions![0] === step.partition) steps.push(group);
    } else steps.push({ ...step, dependsOn: [...deps].sort() });
  }
  const externalInputs = plan.externalInputs.map((e) => ({ ...e, neededBy: [...new Set(e.neededBy.map(rename))] }));
  return { steps, externalInputs };
}
