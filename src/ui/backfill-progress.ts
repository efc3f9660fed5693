/**
 * The one place the UI reads a backfill's `progress` query answer. The
 * workflow's progress shape grows (per-node states in an optional `grid`), so
 * this adapter takes the answer as untyped JSON, keeps the counts every
 * version has, and the grid when there is one; pages render counts alone
 * without it.
 */
import type { Client } from "@temporalio/client";
import { backfillProgressQuery } from "../temporal/backfill-shared";

export type GridCellState = "pending" | "ready" | "running" | "done" | "failed" | "blocked" | "skipped" | "kept" | "waiting" | "none" | "unknown";

export interface BackfillGridView {
  partitions: string[];
  rows: Array<{ step: string; partitioned: boolean; cells: GridCellState[] }>;
}

export interface BackfillProgressView {
  status: string;
  total: number;
  done: number;
  failed: number;
  skipped: number;
  running: number;
  pending: number;
  paused: boolean;
  etaSeconds: number | null;
  failures: Array<{ partition: string | null; step: string | undefined; message: string }>;
  grid: BackfillGridView | undefined;
}

/** The ready-set's one-character state codes (src/core/planning/ready-set.ts); an unknown code shows as unknown. */
const CODES: Record<string, GridCellState> = { p: "pending", r: "ready", R: "running", d: "done", f: "failed", b: "blocked", s: "skipped", k: "kept", w: "waiting", ".": "none" };
const NAMES = new Set<string>(Object.values(CODES));

const num = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0);

function cellsOf(states: unknown): GridCellState[] {
  if (typeof states === "string") return [...states].map((c) => CODES[c] ?? "unknown");
  if (Array.isArray(states)) return states.map((s) => (typeof s === "string" && NAMES.has(s) ? (s as GridCellState) : typeof s === "string" && CODES[s] ? CODES[s] : "unknown"));
  return [];
}

export function gridOf(raw: unknown): BackfillGridView | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const grid = raw as { partitions?: unknown; rows?: unknown };
  if (!Array.isArray(grid.partitions) || !Array.isArray(grid.rows)) return undefined;
  return {
    partitions: grid.partitions.map(String),
    rows: grid.rows
      .filter((r): r is Record<string, unknown> => typeof r === "object" && r !== null)
      .map((r) => ({ step: typeof r.step === "string" ? r.step : typeof r.asset === "string" ? r.asset : "?", partitioned: r.partitioned !== false, cells: cellsOf(r.states ?? r.cells) })),
  };
}

export function progressView(status: string, raw: unknown): BackfillProgressView {
  const p = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const failures = Array.isArray(p.failures) ? p.failures : [];
  return {
    status,
    total: num(p.total),
    done: num(p.done),
    failed: num(p.failed),
    skipped: num(p.skipped),
    running: num(p.running),
    pending: num(p.pending),
    paused: p.paused === true,
    etaSeconds: typeof p.etaSeconds === "number" ? p.etaSeconds : null,
    failures: failures
      .filter((f): f is Record<string, unknown> => typeof f === "object" && f !== null)
      .map((f) => ({ partition: typeof f.partition === "string" ? f.partition : null, step: typeof f.step === "string" ? f.step : undefined, message: typeof f.message === "string" ? f.message : "" })),
    grid: gridOf(p.grid),
  };
}

/** A running backfill answers its query; a closed one's result carries the final counts. */
export async function readBackfillProgress(client: Client, workflowId: string): Promise<BackfillProgressView> {
  const handle = client.workflow.getHandle(workflowId);
  const description = await handle.describe();
  const status = description.status.name;
  if (status === "RUNNING") return progressView(status, await handle.query(backfillProgressQuery));
  const result = await handle.result().catch((error: unknown) => {
    const details = (error as { cause?: { details?: unknown[] } }).cause?.details;
    return Array.isArray(details) ? details[0] : undefined;
  });
  return progressView(status, result);
}
