/**
 * The automation workflow's one activity: read the facts every declared
 * condition needs (each asset's window of partitions, their status, whether
 * their upstream is present) and let core's pure evaluator decide what this
 * tick launches. Cron ticks are judged between the previous tick and now.
 */
import { CronExpressionParser } from "cron-parser";
import { automationLeaves, evaluateAutomation, type AutomationTick, type Definitions, type PartitionKeyContext, type PartitionStatus } from "../../core";
import { assetStatuses, objectReader, partitionContext, type ExecutionEnvironment } from "../../execution";

export interface AutomationEvaluation {
  /** ISO time of this evaluation: the next tick's `previousTick`. */
  now: string;
  /** Undefined on the first tick: no cron has ticked "since" before automation existed. */
  previousTick?: string;
  maxLaunches: number;
}

export function createAutomationActivities(definitions: Definitions, env: ExecutionEnvironment) {
  return {
    async evaluateAutomation(request: AutomationEvaluation): Promise<AutomationTick> {
      const now = new Date(request.now);
      const context = await partitionContext(definitions, env.catalog, now);
      const { graph } = definitions;
      const automated = graph.keys().filter((key) => {
        const definition = graph.node(key).definition;
        return definition.type !== "source" && definition.automation !== undefined;
      });
      const windows = new Map<string, Array<string | null>>();
      const window = (asset: string, latest: number): Array<string | null> => {
        const id = `${asset}\u0000${latest}`;
        if (!windows.has(id)) windows.set(id, windowOf(definitions, asset, latest, context));
        return windows.get(id)!;
      };
      // Statuses for every automated asset over its widest window, read once.
      const statuses = new Map<string, PartitionStatus>();
      for (const asset of automated) {
        const partitions = window(asset, widestWindow(definitions, asset)).filter((p): p is string => p !== null);
        for (const row of await assetStatuses(definitions, env, { assets: [asset], partitions, context })) statuses.set(`${row.asset}\u0000${row.partition ?? ""}`, row.status);
      }
      const present = new Map<string, boolean>();
      for (const asset of automated) {
        for (const partition of window(asset, widestWindow(definitions, asset))) present.set(`${asset}\u0000${partition ?? ""}`, await upstreamPresent(definitions, env, asset, partition, context));
      }
      const previous = request.previousTick === undefined ? undefined : new Date(request.previousTick);
      const tick = evaluateAutomation(
        graph,
        {
          window,
          status: (asset, partition) => statuses.get(`${asset}\u0000${partition ?? ""}`) ?? { status: "missing" },
          upstreamPresent: (asset, partition) => present.get(`${asset}\u0000${partition ?? ""}`) ?? false,
          cronTicked: (cron) => previous !== undefined && CronExpressionParser.parse(cron, { currentDate: now, tz: "UTC" }).prev().getTime() > previous.getTime(),
        },
        request.maxLaunches,
      );
      if (tick.deferred.length > 0) {
        env.log.info({ requested: tick.requested, launched: tick.requests.length, deferred: tick.deferred.length }, `automation: ${tick.requested} asset partitions requested, ${tick.requests.length} launched this tick (cap ${request.maxLaunches}); the rest wait for the next tick`);
      }
      return tick;
    },
  };
}

export type AutomationActivities = ReturnType<typeof createAutomationActivities>;

/** The latest `latest` partitions, newest first; `[null]` for an unpartitioned asset. */
function windowOf(definitions: Definitions, asset: string, latest: number, context: PartitionKeyContext): Array<string | null> {
  const partitions = definitions.graph.node(asset).partitions;
  if (partitions === undefined) return [null];
  return partitions.keys(context).slice(-latest).reverse();
}

function widestWindow(definitions: Definitions, asset: string): number {
  const definition = definitions.graph.node(asset).definition;
  if (definition.type === "source" || !definition.automation) return 1;
  return Math.max(1, ...automationLeaves(definition.automation).map((leaf) => (leaf.kind === "on_cron" ? 1 : leaf.latest)));
}

/** Every upstream partition the asset partition reads has data: a manifest, or a source that reports it. */
async function upstreamPresent(definitions: Definitions, env: ExecutionEnvironment, asset: string, partition: string | null, context: PartitionKeyContext): Promise<boolean> {
  const node = definitions.graph.node(asset);
  for (const dep of node.deps) {
    const upstream = definitions.graph.node(dep.asset);
    const mapped = dep.mapping.upstreamFor(partition ?? undefined, node.partitions, upstream.partitions, context);
    if (mapped.nonexistent.length > 0 && !dep.mapping.allowNonexistentUpstream) return false;
    const keys: Array<string | null> = upstream.partitions === undefined ? [null] : mapped.keys;
    for (const key of keys) {
      const definition = upstream.definition;
      if (definition.type === "source") {
        const observed = await definition.observe({ partitionKey: key ?? undefined, objects: objectReader(env.store, env.scratchRoot) });
        if (observed === undefined && !dep.mapping.allowNonexistentUpstream) return false;
      } else if (!(await env.catalog.readManifest(dep.asset, key)) && !dep.mapping.allowNonexistentUpstream) return false;
    }
  }
  return true;
}
