/**
 * SQL of `market/front_month_bars`: one continuous outright series per root.
 * The front contract of a session is chosen from the *previous* session's
 * volume only, so the choice never uses information from the session itself.
 */
import type { SqlConnection } from "materia";
import { PRICE_SCALE } from "../layout";

const SESSIONS_BACK_DAYS = 7;

/**
 * Globex session of a bar: on Chicago time + 7 h the 17:00 open falls at
 * midnight of the session date. Converting every bar's timestamp to Chicago
 * time costs ~0.8 µs a row (profiled: most of the step), so the shift is
 * worked out once per UTC hour read — exact, since Chicago's DST changes
 * happen on whole hours — and joined on the hour.
 */
function sessionShifts(source: string): string {
  return `SELECT hour, timezone('America/Chicago', timezone('UTC', make_timestamp(hour * 3600000000))) + INTERVAL 7 HOUR
                       - make_timestamp(hour * 3600000000) AS shift
  FROM (SELECT DISTINCT epoch_us(ts) // 3600000000 AS hour FROM ${source})`;
}

/** A decoded price back in the vendor's fixed-point units (exact: it was decoded from them). */
function fixedPoint(price: string): string {
  return `round(${price} * ${PRICE_SCALE})::BIGINT`;
}

export function frontMonthSql(sql: SqlConnection, window: { start: Date; end: Date }): string {
  const start = sql.literal(window.start.toISOString());
  const end = sql.literal(window.end.toISOString());
  // The month's first session needs the two sessions before it (its front, and whether that was a roll):
  // whole sessions from a week earlier are plenty, even across holidays, and much less than the whole previous month.
  const firstSession = sql.literal(new Date(window.start.getTime() - SESSIONS_BACK_DAYS * 86_400_000).toISOString().slice(0, 10));
  const readFrom = sql.literal(new Date(window.start.getTime() - (SESSIONS_BACK_DAYS + 1) * 86_400_000).toISOString());
  return `
WITH outrights_read AS (
  SELECT root, ts, ts_event, symbol, expiry, open, high, low, close, volume
  FROM raw_bars
  WHERE NOT is_spread AND ts >= ${readFrom}::TIMESTAMP
), session_shifts AS (
  ${sessionShifts("outrights_read")}
), outrights AS (
  SELECT * FROM (
    SELECT b.*, (b.ts + s.shift)::DATE AS session_date, (epoch(b.ts + s.shift) % 86400 // 60)::INTEGER AS session_minute
    FROM outrights_read b JOIN session_shifts s ON s.hour = epoch_us(b.ts) // 3600000000
  ) WHERE session_date >= ${firstSession}::DATE
), session_volume AS (
  SELECT root, session_date, symbol, any_value(expiry) AS expiry, sum(volume) AS volume
  FROM outrights GROUP BY root, session_date, symbol
), session_order AS (
  SELECT root, session_date, lag(session_date) OVER (PARTITION BY root ORDER BY session_date) AS previous_session
  FROM (SELECT DISTINCT root, session_date FROM session_volume)
), previous_leader AS (
  -- rule: most volume in the previous session; ties go to the nearer expiry
  SELECT o.root, o.session_date, v.symbol,
         row_number() OVER (PARTITION BY o.root, o.session_date ORDER BY v.volume DESC, v.expiry, v.symbol) AS rank
  FROM session_order o
  JOIN session_volume v ON v.root = o.root AND v.session_date = o.previous_session AND v.expiry >= o.session_date
), nearest_unexpired AS (
  -- the first session read has no previous one: take the nearest unexpired contract
  SELECT root, session_date, symbol,
         row_number() OVER (PARTITION BY root, session_date ORDER BY expiry, symbol) AS rank
  FROM session_volume WHERE expiry >= session_date
), front AS (
  SELECT o.root, o.session_date, o.previous_session, coalesce(l.symbol, n.symbol) AS front_symbol
  FROM session_order o
  LEFT JOIN previous_leader l ON l.root = o.root AND l.session_date = o.session_date AND l.rank = 1
  LEFT JOIN nearest_unexpired n ON n.root = o.root AND n.session_date = o.session_date AND n.rank = 1
), rolls AS (
  SELECT f.root, f.session_date, f.previous_session, f.front_symbol AS new_symbol, p.front_symbol AS old_symbol
  FROM front f JOIN front p ON p.root = f.root AND p.session_date = f.previous_session
  WHERE f.front_symbol <> p.front_symbol
), roll_closes AS (
  -- the closes of both contracts in the session before each roll (the few rolls are the join's build side)
  SELECT r.root, r.session_date, b.ts, b.close AS new_close, NULL::DOUBLE AS old_close
  FROM rolls r JOIN outrights b ON b.root = r.root AND b.session_date = r.previous_session AND b.symbol = r.new_symbol
  UNION ALL
  SELECT r.root, r.session_date, b.ts, NULL, b.close
  FROM rolls r JOIN outrights b ON b.root = r.root AND b.session_date = r.previous_session AND b.symbol = r.old_symbol
), roll_ratios AS (
  -- new / old close at the last minute of the previous session where both traded
  SELECT root, session_date, arg_max(new_close / old_close, ts) AS roll_ratio
  FROM (SELECT root, session_date, ts, max(new_close) AS new_close, max(old_close) AS old_close FROM roll_closes GROUP BY ALL)
  WHERE new_close IS NOT NULL AND old_close IS NOT NULL
  GROUP BY root, session_date
), front_bars AS (
  -- the one sort: the session VWAP streams over rows in (root, ts) order, where a session's bars are adjacent
  SELECT b.*, r.roll_ratio AS session_roll_ratio,
         -- 3 × typical price × volume in the vendor's fixed-point units, as a 128-bit integer:
         -- the running sums and their differences are exact
         (${fixedPoint("b.high")} + ${fixedPoint("b.low")} + ${fixedPoint("b.close")})::HUGEINT * b.volume AS typical_value
  FROM outrights b
  JOIN front f ON f.root = b.root AND f.session_date = b.session_date AND f.front_symbol = b.symbol
  LEFT JOIN roll_ratios r ON r.root = b.root AND r.session_date = b.session_date
  -- the week read before the month only decides fronts and rolls: the VWAP runs over the month's sessions
  -- (a bar's session date is never before its UTC date; one day of margin)
  WHERE b.session_date >= ${start}::DATE - 1
  ORDER BY b.root, b.ts
), running AS (
  SELECT *,
    root IS DISTINCT FROM lag(root) OVER () OR session_date IS DISTINCT FROM lag(session_date) OVER () AS session_opens,
    sum(typical_value) OVER (ROWS UNBOUNDED PRECEDING) AS running_value,
    sum(volume) OVER (ROWS UNBOUNDED PRECEDING) AS running_volume
  FROM front_bars
), session_running AS (
  -- a session's sums are the running sums less their values before its first bar (both only grow: a running max)
  SELECT *,
    running_value - max(CASE WHEN session_opens THEN running_value - typical_value END) OVER (ROWS UNBOUNDED PRECEDING) AS session_value,
    running_volume - max(CASE WHEN session_opens THEN running_volume - volume END) OVER (ROWS UNBOUNDED PRECEDING) AS session_volume
  FROM running
)
SELECT b.root, b.ts, b.ts_event, b.symbol, b.expiry, b.open, b.high, b.low, b.close, b.volume,
       b.session_date, b.session_minute,
       -- VWAP of typical prices from the session's first bar (one contract per session, so one price scale)
       b.session_value::DOUBLE / (3 * ${PRICE_SCALE}.0) / b.session_volume AS session_vwap,
       CASE WHEN b.session_opens THEN b.session_roll_ratio END AS roll_ratio
FROM session_running b
-- rows leave the streaming windows in (root, ts) order: no second sort
WHERE b.ts >= ${start}::TIMESTAMP AND b.ts < ${end}::TIMESTAMP`;
}
