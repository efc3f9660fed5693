/**
 * Backfill activities: resolve the partition range and apply the skip mode
 * against the catalog; wait for a run that someone else started (so a
 * backfill joins a running partition instead of running it twice).
 */
import { Context } from "@temporalio/activity";
import type { Client } from "@temporalio/client";
import { ApplicationFailure } from "@temporalio/common";
import { describeCause, MateriaError, PlanningError, type Definitions, type PartitionKeyContext, type PartitionStatus } from "../../core";
import { assetStatuses, partitionContext, selectionKeys, type ExecutionEnvironment } from "../../execution";
import type { BackfillInput, BackfillPlan } from "../backfill-shared";
import type { RunSummary } from "../shared";

/** Ordered backfills: a year of monthly partitions per run by default; bounded so one run's history stays small. */
const DEFAULT_PARTITIONS_PER_RUN = 12;
const MAX_PARTITIONS_PER_RUN = 120;

/**
 * Selected assets that read a later partition of a selected asset (e.g. labels
 * reading the next month's bars), and everything selected downstream of them:
 * a window's last partition re-runs these once the next window has published.
 */
function lookAheadAssets(definitions: Definitions, assets: string[], probe: string | undefined, context: PartitionKeyContext): string[] {
  if (probe === undefined) return [];
  const selected = new Set(assets);
  const reading = new Set(
    assets.filter((key) => {
      const node = definitions.graph.node(key);
      return node.deps.some((dep) => {
        const upstream = definitions.graph.node(dep.asset);
        if (!selected.has(dep.asset) || upstream.partitions === undefined || node.partitions === undefined) return false;
        const mapped = dep.mapping.upstreamFor(probe, node.partitions, upstream.partitions, context);
        return [...mapped.keys, ...mapped.nonexistent].some((key) => key > probe);
      });
    }),
  );
  let grew = true;
  while (grew) {
    grew = false;
    for (const key of assets) {
      if (!reading.has(key) && definitions.graph.node(key).deps.some((dep) => reading.has(dep.asset))) {
        reading.add(key);
        grew = true;
      }
    }
  }
  return assets.filter((key) => reading.has(key));
}

/** Why a partition status keeps its partition in a `--skip` backfill. */
function whyNotSkipped(status: PartitionStatus): string {
  if (status.status === "missing") return "never published";
  return status.status === "stale" ? status.causes.map(describeCause).join("; ") : "fresh";
}

export function createBackfillActivities(definitions: Definitions, env: ExecutionEnvironment, client: Client | undefined) {
  return {
    async planBackfill(input: BackfillInput): Promise<BackfillPlan> {
      try {
        const assets = selectionKeys(definitions, input);
        const context = await partitionContext(definitions, env.catalog);
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
        let skipped: string[] = [];
        const mode = input.skip ?? "none";
        if (mode !== "none") {
          const statuses = await assetStatuses(definitions, env, { assets, partitions, context });
          const keep = (s: (typeof statuses)[number]) => (mode === "existing" ? s.status.status !== "missing" : s.status.status === "fresh");
          for (const partition of partitions) {
            // A partition is judged by its own asset partitions only. Unpartitioned assets (a consolidated
            // table, a dimension) belong to no partition: one missing or stale made every partition re-run,
            // published ones included; one run still rebuilds them (see below).
            const rows = statuses.filter((s) => s.partition === partition);
            const skip = rows.every(keep);
            if (skip) skipped.push(partition);
            const blocking = rows.find((s) => !keep(s));
            env.log.debug(
              { partition, skip: mode, ...(blocking ? { asset: blocking.asset, assetPartition: blocking.partition, status: blocking.status.status, why: whyNotSkipped(blocking.status) } : {}) },
              skip ? `backfill: skipping ${partition}: every selected asset is ${mode === "existing" ? "published" : "fresh"}` : `backfill: running ${partition}: ${blocking?.asset ?? "an asset"} is ${blocking?.status.status ?? "not skippable"}`,
            );
          }
          // Every partition is done, but a selected unpartitioned asset may not be: one run rebuilds it.
          const lagging = statuses.find((s) => s.partition === null && !keep(s));
          if (lagging && skipped.length === partitions.length && partitions.length > 0) {
            const last = partitions[partitions.length - 1]!;
            skipped = skipped.filter((p) => p !== last);
            env.log.debug({ partition: last, asset: lagging.asset, status: lagging.status.status }, `backfill: running ${last} to rebuild ${lagging.asset} (${lagging.status.status})`);
          }
        }
        // Partitions run one after another when a selected asset reads other partitions of a selected
        // asset (a self-dependency, or a lookback such as "the previous month"): otherwise a run could
        // read a neighbour that a concurrent run has not published yet.
        const selected = new Set(assets);
        const ordered = assets.some((key) =>
          definitions.graph.node(key).deps.some((d) => d.self || (selected.has(d.asset) && definitions.graph.node(d.asset).partitions !== undefined && d.mapping.kind !== "identity" && d.mapping.kind !== "all")),
        );
        const toRun = partitions.filter((p) => !skipped.includes(p));
        const lookAhead = ordered ? lookAheadAssets(definitions, assets, toRun[0], context) : [];
        env.log.debug(
          { job: input.job, selection: input.selection, assets, partitions: toRun.length, skipped: skipped.length, ordered, lookAhead },
          ordered ? "backfill: planned in windows, one after another (a selected asset reads other partitions of a selected asset)" : "backfill: planned one run per partition, runs side by side",
        );
        return {
          job: input.job,
          partitions: toRun,
          skipped,
          ordered,
          partitionsPerRun: ordered ? Math.max(1, Math.min(input.partitionsPerRun ?? DEFAULT_PARTITIONS_PER_RUN, MAX_PARTITIONS_PER_RUN)) : 1,
          location: env.location,
          ...(lookAhead.length > 0 ? { lookAheadSelection: lookAhead.map((key) => `key:${key}`).join(" or ") } : {}),
        };
      } catch (error) {
        if (error instanceof MateriaError) throw ApplicationFailure.create({ type: error.name, message: error.describe(), nonRetryable: true });
        throw error;
      }
    },

    /** Wait for a run another trigger started; heartbeats so a cancelled backfill stops waiting. */
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

export type BackfillActivities = ReturnType<typeof createBackfillActivities>;
