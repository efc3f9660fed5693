/**
 * One automation tick, pure: every asset's condition against the facts the
 * caller read (the window's partitions, their status, whether their upstream
 * is present, whether a cron ticked since the previous tick), giving the
 * asset partitions to launch, newest first, capped per tick.
 */
import { automationLeaves, type AutomationCondition } from "../definitions/automation";
import type { AssetGraph } from "../graph";
import type { PartitionStatus } from "../staleness";

export interface AutomationFacts {
  /** The latest `latest` partitions of the asset, newest first; `[null]` for an unpartitioned asset. */
  window(asset: string, latest: number): Array<string | null>;
  status(asset: string, partition: string | null): PartitionStatus;
  /** Every upstream partition it needs has data (or a source reports it). */
  upstreamPresent(asset: string, partition: string | null): boolean;
  /** The cron had a tick after the previous evaluation and at or before now (never on the first tick). */
  cronTicked(cron: string): boolean;
}

export interface AutomationRequest {
  asset: string;
  partition: string | null;
  reasons: string[];
}

export interface AutomationTick {
  /** What the tick launches (at most `maxLaunches`). */
  requests: AutomationRequest[];
  /** Asset partitions the conditions asked for, before the cap. */
  requested: number;
  /** Requested but not launched this tick (they are asked for again on the next). */
  deferred: AutomationRequest[];
}

export function evaluateAutomation(graph: AssetGraph, facts: AutomationFacts, maxLaunches: number): AutomationTick {
  const wanted = new Map<string, AutomationRequest>();
  const want = (asset: string, partition: string | null, reason: string): void => {
    const id = `${asset}\u0000${partition ?? ""}`;
    const existing = wanted.get(id);
    if (existing) {
      if (!existing.reasons.includes(reason)) existing.reasons.push(reason);
    } else wanted.set(id, { asset, partition, reasons: [reason] });
  };
  for (const asset of graph.keys()) {
    const node = graph.node(asset);
    const definition = node.definition;
    if (definition.type === "source") continue;
    const condition: AutomationCondition | undefined = definition.automation;
    if (!condition) continue;
    for (const leaf of automationLeaves(condition)) {
      if (leaf.kind === "on_cron") {
        if (!facts.cronTicked(leaf.cron)) continue;
        for (const partition of facts.window(asset, 1)) if (facts.upstreamPresent(asset, partition)) want(asset, partition, `cron ${leaf.cron} ticked`);
        continue;
      }
      for (const partition of facts.window(asset, leaf.latest)) {
        const status = facts.status(asset, partition);
        if (leaf.kind === "on_missing") {
          if (status.status === "missing" && facts.upstreamPresent(asset, partition)) want(asset, partition, "missing");
          continue;
        }
        if (status.status !== "stale") continue;
        const updated = status.causes.find((c) => c.kind === "upstream-changed" || c.kind === "upstream-new");
        if (updated && "asset" in updated && facts.upstreamPresent(asset, partition)) {
          want(asset, partition, `upstream ${updated.partition === null ? updated.asset : `${updated.asset}[${updated.partition}]`} updated`);
        }
      }
    }
  }
  // Newest partitions first (the ones a user is waiting for), then graph order.
  const rank = new Map(graph.keys().map((key, i) => [key, i]));
  const all = [...wanted.values()].sort((a, b) => (b.partition ?? "").localeCompare(a.partition ?? "") || rank.get(a.asset)! - rank.get(b.asset)!);
  const limit = Math.max(0, maxLaunches);
  return { requests: all.slice(0, limit), requested: all.length, deferred: all.slice(limit) };
}
