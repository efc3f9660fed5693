/**
 * Checks of `market/features` that need the feature SQL itself, so they live
 * next to it: the NULL rate after warm-up, and no look-ahead.
 */
import type { CheckSpec } from "materia";
import { FEATURE_NAMES, FEATURE_WARM_UP_BARS as WARM_UP_BARS, FEATURE_WARM_UP_DAYS as WARM_UP_DAYS, featuresSql } from "./sql/features";
const MAX_NULL_RATE = 0.01;

export const featureNullRateCheck: CheckSpec = {
  name: "null_rate_after_warm_up",
  description: `Each feature is NULL in at most ${MAX_NULL_RATE * 100}% of bars after each root's first ${WARM_UP_BARS} bars.`,
  blocking: true,
  check: `
    WITH warm_from AS (
      -- each root's first bar after warm-up; ranking only (root, ts) keeps the sort narrow
      SELECT root, ts FROM (SELECT root, ts, row_number() OVER (PARTITION BY root ORDER BY ts) AS bar FROM output) WHERE bar = ${WARM_UP_BARS + 1}
    ), warmed AS (
      SELECT o.* FROM output o JOIN warm_from w ON w.root = o.root AND o.ts >= w.ts
    ), rates AS (
      -- one pass over the bars for all 43 rates
      SELECT ${FEATURE_NAMES.map((name) => `avg((${name} IS NULL)::DOUBLE) AS ${name}`).join(", ")} FROM warmed
    )
    SELECT feature, null_rate FROM (UNPIVOT rates ON COLUMNS(*) INTO NAME feature VALUE null_rate)
    WHERE null_rate > ${MAX_NULL_RATE}`,
};

/** Bars per root compared by the look-ahead check: the last ones before the cut. */
const COMPARED_BARS = 120;

/**
 * Recompute the features of each root's last bars before a cut from data
 * that ends at the cut, and compare bit for bit: a feature that read any
 * later bar (or a statistic of the whole month) differs. The recomputation
 * reads only what the windows need — the compared bars and a full warm-up
 * before them, taken from the three days before the cut (past any weekend) —
 * plus the root's earlier rolls since the step's own read began, so its
 * back-adjustment is the same double as the step's (sql/back-adjustment.ts);
 * the per-root power-of-two scale cancels exactly. It costs a tenth of the
 * step's own SQL.
 */
export const noLookAheadCheck: CheckSpec = {
  name: "no_look_ahead",
  description: "Features recomputed on data truncated at a bar equal the published ones up to that bar, bit for bit.",
  blocking: true,
  check: async ({ sql, timeWindow }) => {
    const [cutRow] = await sql.all<{ cut: Date | null }>("SELECT quantile_disc(ts, 0.5) AS cut FROM output");
    const cut = cutRow?.cut;
    if (!timeWindow || !cut) return { passed: true, message: "no bars" };
    const from = new Date(cut.getTime() - 3 * 86_400_000);
    const monthStart = sql.literal(timeWindow.start.toISOString());
    const warmUpFrom = sql.literal(new Date(timeWindow.start.getTime() - WARM_UP_DAYS * 86_400_000).toISOString());
    const [fromTs, cutTs] = [sql.literal(from.toISOString()), sql.literal(cut.toISOString())];
    // each root's first bar the step read: its warm-up's first, or the month's when it has none
    await sql.run(`CREATE OR REPLACE TEMP TABLE step_read_from AS
      SELECT root, min(ts) AS read_from FROM (
        SELECT root, ts FROM front_month_bars WHERE ts >= ${warmUpFrom}::TIMESTAMP AND ts < ${monthStart}::TIMESTAMP
        QUALIFY row_number() OVER (PARTITION BY root ORDER BY ts DESC) <= ${WARM_UP_BARS}
        UNION ALL SELECT DISTINCT root, ${monthStart}::TIMESTAMP FROM front_month_bars WHERE ts >= ${monthStart}::TIMESTAMP AND ts <= ${cutTs}::TIMESTAMP
      ) GROUP BY root`);
    // the recomputed bars never start before the step's own read (a sparse month's cut may lie near its start)
    await sql.run(`CREATE OR REPLACE TEMP TABLE bars_until_cut AS
      SELECT b.* FROM front_month_bars b JOIN step_read_from s ON s.root = b.root
      WHERE b.ts >= ${fromTs}::TIMESTAMP AND b.ts <= ${cutTs}::TIMESTAMP AND b.ts >= s.read_from
      QUALIFY row_number() OVER (PARTITION BY b.root ORDER BY b.ts DESC) <= ${COMPARED_BARS + WARM_UP_BARS}`);
    await sql.run(`CREATE OR REPLACE TEMP TABLE compared_bars AS
      SELECT root, ts FROM bars_until_cut QUALIFY row_number() OVER (PARTITION BY root ORDER BY ts DESC) <= ${COMPARED_BARS}`);
    // the rolls the step's back-adjustment summed before the recomputed bars, from each root's first bar read on
    await sql.run(`CREATE OR REPLACE TEMP TABLE look_ahead_source AS
      WITH recomputed_from AS (SELECT root, min(ts) AS first_ts FROM bars_until_cut GROUP BY root)
      SELECT * FROM bars_until_cut
      UNION ALL
      SELECT b.* FROM front_month_bars b JOIN step_read_from s ON s.root = b.root JOIN recomputed_from r ON r.root = b.root
      WHERE b.roll_ratio IS NOT NULL AND b.ts >= s.read_from AND b.ts < r.first_ts`);
    const recomputed = featuresSql(sql, "look_ahead_source", { start: new Date(0), end: new Date(cut.getTime() + 1) });
    const differs = FEATURE_NAMES.map((name) => `a.${name} IS DISTINCT FROM b.${name}`);
    await sql.run(`CREATE OR REPLACE TEMP TABLE features_until_cut AS SELECT f.* FROM (${recomputed}) f SEMI JOIN compared_bars c ON c.root = f.root AND c.ts = f.ts`);
    const failing = await sql.all(`
      SELECT a.root, a.ts, [${FEATURE_NAMES.map((name, i) => `CASE WHEN ${differs[i] ?? "false"} THEN '${name}' END`).join(", ")}] AS features
      FROM output a JOIN features_until_cut b ON b.root = a.root AND b.ts = a.ts
      -- only the compared days of the output are read
      WHERE a.ts >= ${fromTs}::TIMESTAMP AND a.ts <= ${cutTs}::TIMESTAMP AND (${differs.join(" OR ")})
      LIMIT 10`);
    const [compared] = await sql.all<{ n: bigint }>("SELECT count(*) AS n FROM features_until_cut");
    return {
      passed: failing.length === 0,
      measured: failing.length,
      threshold: 0,
      failingRows: failing,
      message: `compared ${Number(compared?.n ?? 0)} bars up to ${cut.toISOString()}`,
    };
  },
};
