/**
 * What the UI reads from Temporal: recent runs and backfills from
 * visibility (materia's search attributes), the partitions being run right
 * now, schedules with their next ticks, and sensor workflows' states. A
 * server that is down gives empty answers and `reachable: false`; pages
 * say so instead of failing.
 */
import type { Client, WorkflowExecutionInfo } from "@temporalio/client";
import type { Definitions } from "../core";
import { MATERIA_ASSETS, MATERIA_JOB, MATERIA_KIND, MATERIA_PARTITION } from "../temporal/search-attributes";
import { SCHEDULE_ID_PREFIX } from "../temporal/schedules";
import { sensorWorkflowId } from "../temporal/sensors";
import type { UiContext } from "./context";
import { readBackfillProgress, type BackfillGridView } from "./backfill-progress";
import { runningId } from "./partition-states";

export interface WorkflowRow {
  workflowId: string;
  kind: string;
  job: string | undefined;
  partition: string | undefined;
  assets: string[];
  status: string;
  type: string;
  startTime: string;
  closeTime: string | undefined;
}

export interface RunsFilter {
  kind?: string;
  job?: string;
  partition?: string;
  asset?: string;
}

const RUNNING_TTL_MS = 1_000;

/** A Temporal visibility string literal. */
function literal(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

export function visibilityQuery(filter: RunsFilter): string {
  const clauses = [`MateriaKind IN ("run", "backfill")`];
  if (filter.kind) clauses[0] = `MateriaKind = ${literal(filter.kind)}`;
  if (filter.job) clauses.push(`MateriaJob = ${literal(filter.job)}`);
  if (filter.partition) clauses.push(`MateriaPartition = ${literal(filter.partition)}`);
  if (filter.asset) clauses.push(`MateriaAssets = ${literal(filter.asset)}`);
  return clauses.join(" AND ");
}

function rowOf(info: WorkflowExecutionInfo): WorkflowRow {
  const attributes = info.typedSearchAttributes;
  return {
    workflowId: info.workflowId,
    kind: attributes.get(MATERIA_KIND) ?? "",
    job: attributes.get(MATERIA_JOB),
    partition: attributes.get(MATERIA_PARTITION),
    assets: attributes.get(MATERIA_ASSETS) ?? [],
    status: info.status.name,
    type: info.type,
    startTime: info.startTime.toISOString(),
    closeTime: info.closeTime?.toISOString(),
  };
}

/**
 * The partition keys a run's workflow id names: `materia-run:<scope>:<key>`
 * or a window `…:<first>..<last>(<n>)` (expanded through the asset's
 * partitions definition by the caller).
 */
export function runPartitionsOf(workflowId: string): { key: string } | { from: string; to: string } | undefined {
  const match = /^materia-run:[^:]+:(.+)$/.exec(workflowId);
  if (!match) return undefined;
  const window = /^(.+)\.\.(.+)\(\d+\)$/.exec(match[1]!);
  if (window) return { from: window[1]!, to: window[2]! };
  return match[1] === "all" ? undefined : { key: match[1]! };
}

/** `asset\0partition` of every running cell of a backfill's grid (a step's row covers each of its assets). */
export function runningInGrid(definitions: Definitions, grid: BackfillGridView): string[] {
  const out: string[] = [];
  for (const row of grid.rows) {
    let keys: readonly string[];
    try {
      keys = definitions.graph.step(row.step).keys;
    } catch {
      keys = definitions.graph.has(row.step) ? [row.step] : [];
    }
    row.cells.forEach((cell, i) => {
      if (cell !== "running") return;
      const partition = row.partitioned ? (grid.partitions[i] ?? null) : null;
      for (const key of keys) out.push(runningId(key, partition));
    });
  }
  return out;
}

export class TemporalView {
  private running: { at: number; value: Promise<Set<string>> } | undefined;

  constructor(private readonly ctx: UiContext) {}

  invalidate(): void {
    this.running = undefined;
  }

  async reachable(): Promise<boolean> {
    return (await this.ctx.temporal()) !== undefined;
  }

  async list(filter: RunsFilter, limit = 50): Promise<{ reachable: boolean; rows: WorkflowRow[] }> {
    const client = await this.ctx.temporal();
    if (!client) return { reachable: false, rows: [] };
    const rows: WorkflowRow[] = [];
    try {
      for await (const info of client.workflow.list({ query: visibilityQuery(filter), pageSize: limit })) {
        rows.push(rowOf(info));
        if (rows.length >= limit) break;
      }
    } catch (error) {
      this.ctx.log.warn({ err: error }, "ui: listing workflows failed");
      return { reachable: false, rows };
    }
    return { reachable: true, rows };
  }

  /** `asset\0partition` of every asset partition a running run covers. */
  async runningPartitions(definitions: Definitions): Promise<Set<string>> {
    const now = Date.now();
    if (!this.running || now - this.running.at > RUNNING_TTL_MS) this.running = { at: now, value: this.loadRunning(definitions) };
    return this.running.value;
  }

  private async loadRunning(definitions: Definitions): Promise<Set<string>> {
    const [runs, backfills] = await Promise.all([this.runningFromRuns(definitions), this.runningFromBackfills(definitions)]);
    return new Set([...runs, ...backfills]);
  }

  /** A backfill runs its steps itself: its progress grid says which asset partitions are running now. */
  private async runningFromBackfills(definitions: Definitions): Promise<Set<string>> {
    const client = await this.ctx.temporal();
    const { rows } = await this.list({ kind: "backfill" }, 100);
    const result = new Set<string>();
    if (!client) return result;
    await Promise.all(
      rows
        .filter((row) => row.status === "RUNNING")
        .map(async (row) => {
          const progress = await readBackfillProgress(client, row.workflowId).catch(() => undefined);
          if (progress?.grid) for (const id of runningInGrid(definitions, progress.grid)) result.add(id);
        }),
    );
    return result;
  }

  private async runningFromRuns(definitions: Definitions): Promise<Set<string>> {
    const { rows } = await this.list({ kind: "run" }, 1000).then((r) => ({ ...r, rows: r.rows.filter((row) => row.status === "RUNNING") }));
    const result = new Set<string>();
    for (const row of rows) {
      const assets = row.assets.length > 0 ? row.assets : row.job && definitions.jobs.has(row.job) ? definitions.jobAssets(row.job) : [];
      const named = row.partition !== undefined ? { key: row.partition } : runPartitionsOf(row.workflowId);
      for (const asset of assets) {
        if (!definitions.graph.has(asset)) continue;
        const partitions = definitions.graph.node(asset).partitions;
        if (!partitions) result.add(runningId(asset, null));
        else if (named && "key" in named) result.add(runningId(asset, named.key));
        else if (named) {
          try {
            for (const key of partitions.keysInRange(named.from, named.to)) result.add(runningId(asset, key));
          } catch {
            // another asset's keys: not this one's partitions
          }
        }
      }
    }
    return result;
  }

  async schedules(definitions: Definitions): Promise<{ reachable: boolean; rows: Array<{ name: string; job: string; cron: string; timezone: string; synced: boolean; paused: boolean | null; next: string[] }> }> {
    const client = await this.ctx.temporal();
    const remote = new Map<string, { paused: boolean; next: string[] }>();
    let reachable = client !== undefined;
    if (client) {
      try {
        for await (const summary of client.schedule.list()) {
          if (!summary.scheduleId.startsWith(SCHEDULE_ID_PREFIX)) continue;
          remote.set(summary.scheduleId.slice(SCHEDULE_ID_PREFIX.length), { paused: summary.state.paused, next: summary.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()) });
        }
      } catch (error) {
        this.ctx.log.warn({ err: error }, "ui: listing schedules failed");
        reachable = false;
      }
    }
    const rows = [...definitions.schedules.values()].map((s) => ({ name: s.name, job: s.job, cron: s.cron, timezone: s.timezone, synced: remote.has(s.name), paused: remote.get(s.name)?.paused ?? null, next: remote.get(s.name)?.next ?? [] }));
    return { reachable, rows };
  }

  async sensors(definitions: Definitions): Promise<Array<{ name: string; job: string; intervalSeconds: number; workflowId: string; status: string }>> {
    const client = await this.ctx.temporal();
    return Promise.all(
      [...definitions.sensors.values()].map(async (sensor) => {
        const workflowId = sensorWorkflowId(sensor.name);
        return { name: sensor.name, job: sensor.job, intervalSeconds: sensor.intervalSeconds, workflowId, status: client ? await workflowStatus(client, workflowId) : "unknown (Temporal unreachable)" };
      }),
    );
  }
}

async function workflowStatus(client: Client, workflowId: string): Promise<string> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name;
  } catch {
    return "not started (run `materia sensors sync`)";
  }
}
