/**
 * Backfill activities: plan the backfill over asset partitions against the
 * catalog (the pure planner in core decides; this reads what it judges: the
 * data status of each node for the skip rule, and which required inputs
 * outside the plan have no data); wait for a run that someone else started
 * (schedules and sensors join running partitions through it).
 */
import { Context } from "@temporalio/activity";
import type { Client } from "@temporalio/client";
import { ApplicationFailure } from "@temporalio/common";
import { buildPlan, DEFAULT_MAX_CONCURRENT_STEPS, groupPartitionRuns, planAssetPartitions, PlanningError, restrictPlan, stepInstanceId, type Definitions, type NodeDataStatus, type PartitionKeyContext, type PlanStep } from "../../core";
import { assetStatuses, partitionContext, selectionKeys, validateRunConfig, type ExecutionEnvironment } from "../../execution";
import type { BackfillInput, BackfillPlan } from "../backfill-shared";
import type { RunSummary } from "../shared";
import { asFailure, stepActivityOptions } from "./run";

const RANK: Record<NodeDataStatus, number> = { missing: 0, stale: 1, fresh: 2 };

/** A selection (or job) × a partition range or list. */
function planOfRange(definitions: Definitions, input: BackfillInput, context: PartitionKeyContext) {
  const assets = selectionKeys(definitions, input);
  const partitioned = assets.map((key) => definitions.graph.node(key).partitions).find((p) => p !== undefined);
  if (!partitioned) throw new PlanningError("Nothing to backfill: the selected assets are not partitioned.", { hint: "Use `materia materialize` for unpartitioned assets." });
  let partitions: string[];
  if (input.partitions && input.partitions.length > 0) {
    input.partitions.forEach((key) => partitioned.validateKey(key, context));
    partitions = [...input.partitions];
  } else {
    if (input.from === undefined || input.to === undefined) throw new PlanningError("A backfill needs `from` and `to`, or `partitions`.", { hint: 'e.g. { "job": "example_monthly", "from": "2025-01", "to": "2025-06" }' });
    partitions = partitioned.keysInRange(input.from, input.to, context);
  }
  return { assets, partitions, executionPlan: buildPlan(definitions.graph, { assets, partitions, context }) };
}

/** Exactly the asset partitions asked for (an automation tick): the plan of their assets × partitions, restricted to them. */
function planOfNodes(definitions: Definitions, nodes: NonNullable<BackfillInput["nodes"]>, context: PartitionKeyContext) {
  if (nodes.length === 0) throw new PlanningError("A backfill of `nodes` needs at least one asset partition.");
  const assets = [...new Set(nodes.map((n) => n.asset))];
  assets.forEach((asset) => definitions.graph.node(asset)); // unknown keys fail here, with a suggestion
  const partitions = [...new Set(nodes.flatMap((n) => (n.partition === null ? [] : [n.partition])))].sort();
  const full = buildPlan(definitions.graph, { assets, partitions, context });
  const keep = new Set(nodes.map((n) => stepInstanceId(definitions.graph.stepOf(n.asset)?.name ?? n.asset, n.partition)));
  return { assets, partitions, executionPlan: restrictPlan(full, keep, definitions.graph) };
}

export function createBackfillActivities(definitions: Definitions, env: ExecutionEnvironment, client: Client | undefined) {
  return {
    async planBackfill(input: BackfillInput): Promise<BackfillPlan> {
      try {
        const context = await partitionContext(definitions, env.catalog);
        const planned = input.nodes ? planOfNodes(definitions, input.nodes, context) : planOfRange(definitions, input, context);
        const { assets, partitions } = planned;
        // Assets with a backfill policy materialize consecutive partitions together.
        const executionPlan = groupPartitionRuns(planned.executionPlan, definitions.graph, partitions);
        const stepNames = [...new Set(executionPlan.steps.map((s) => s.step))];
        validateRunConfig(definitions, stepNames, input.config);

        // Required inputs outside the plan: a missing one leaves the nodes reading it waiting (named), not silently skipped.
        const missingInputs = [];
        for (const external of executionPlan.externalInputs) {
          if (external.optional || definitions.graph.node(external.asset).kind === "source") continue;
          if (!(await env.catalog.readManifest(external.asset, external.partition))) missingInputs.push(external);
        }
        const skip = input.skip ?? "none";
        let statusOf: ((step: PlanStep) => NodeDataStatus) | undefined;
        if (skip !== "none") {
          const statuses = await assetStatuses(definitions, env, { assets, partitions, context });
          const byNode = new Map<string, NodeDataStatus>();
          for (const row of statuses) {
            const id = `${definitions.graph.stepOf(row.asset)?.name ?? row.asset}\u0000${row.partition ?? ""}`;
            const worst = byNode.get(id);
            if (worst === undefined || RANK[row.status.status] < RANK[worst]) byNode.set(id, row.status.status);
          }
          const statusOfMember = (step: string, partition: string | null): NodeDataStatus => byNode.get(`${step}\u0000${partition ?? ""}`) ?? "missing";
          // A group is kept only when every member is.
          statusOf = (step) => (step.partitions ?? [step.partition]).map((p) => statusOfMember(step.step, p)).reduce((worst, s) => (RANK[s] < RANK[worst] ? s : worst), "fresh" as NodeDataStatus);
        }
        const plan = planAssetPartitions({ plan: executionPlan, partitions, skip, ...(statusOf ? { statusOf } : {}), missingInputs });
        if (statusOf) logSkipDecisions(env, executionPlan.steps, plan.initial, statusOf, skip);
        const job = input.job !== undefined ? definitions.job(input.job) : undefined;
        env.log.debug(
          { job: input.job, selection: input.selection, assets, partitions: partitions.length, nodes: plan.nodeStep.length, kept: [...plan.initial].filter((c) => c === "k").length, waiting: Object.keys(plan.waitingOn).length },
          "backfill: planned over asset partitions",
        );
        return {
          ...plan,
          job: job?.name,
          assets,
          options: Object.fromEntries(stepNames.map((name) => [name, stepActivityOptions(definitions.graph.step(name))])),
          maxConcurrentSteps: Math.max(1, Math.min(input.maxConcurrentSteps ?? input.maxConcurrentRuns ?? job?.maxConcurrentSteps ?? DEFAULT_MAX_CONCURRENT_STEPS, 100)),
          location: env.location,
        };
      } catch (error) {
        throw asFailure(error, true);
      }
    },

    /** Wait for a run another trigger started; heartbeats so a cancelled caller stops waiting. */
    async awaitRun(workflowId: string): Promise<RunSummary> {
      if (!client) throw ApplicationFailure.create({ type: "MateriaConfigError", message: "This worker has no Temporal client to follow runs.", nonRetryable: true });
      const context = Context.current();
      const timer = setInterval(() => context.heartbeat(), 3_000);
      try {
        return (await client.workflow.getHandle(workflowId).result()) as RunSummary;
      } finally {
        clearInterval(timer);
      }
    },
  };
}

/** Debug lines: why the skip rule kept or ran each asset partition (the first 500). */
function logSkipDecisions(env: ExecutionEnvironment, steps: PlanStep[], initial: string, statusOf: (step: PlanStep) => NodeDataStatus, skip: string): void {
  steps.slice(0, 500).forEach((step, node) => {
    const status = statusOf(step);
    const kept = initial[node] === "k";
    const why = kept ? (skip === "fresh" ? "fresh" : "published") : initial[node] === "w" ? "waiting on a missing upstream" : status === "missing" ? "never published" : skip === "fresh" && status === "stale" ? "stale" : "something it reads runs in this backfill";
    env.log.debug({ step: step.step, partition: step.partition, status, skip }, `backfill: ${kept ? "keeping" : "running"} ${step.id}: ${why}`);
  });
}

export type BackfillActivities = ReturnType<typeof createBackfillActivities>;
