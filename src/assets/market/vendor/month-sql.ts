/**
 * The SQL that generates one vendor month. Pseudo-randomness comes from
 * `hash(seed, …)` of the month and the row's coordinates, so a month is the
 * same whenever and wherever it is generated, and months are independent.
 *
 * Prices follow a log random walk per root, pinned to a smooth trend at both
 * ends of the month (a Brownian bridge), so consecutive months join up
 * without either having to read the other.
 */
import type { SqlConnection } from "materia";
import { MARKET_ROOTS, PRICE_SCALE, ROLL_DAYS_BEFORE_EXPIRY, SESSION_MINUTES } from "../layout";

/** Probability of each defect per row (applied in this order of bands). */
export interface DefectRates {
  duplicate: number;
  outOfOrder: number;
  highBelowLow: number;
  nonPositivePrice: number;
  malformed: number;
}

export const DEFAULT_DEFECT_RATES: DefectRates = { duplicate: 0.001, outOfOrder: 0.001, highBelowLow: 0.0005, nonPositivePrice: 0.0002, malformed: 0.0003 };
export const NO_DEFECTS: DefectRates = { duplicate: 0, outOfOrder: 0, highBelowLow: 0, nonPositivePrice: 0, malformed: 0 };

/** A uniform in (0, 1) from a hash of the given SQL expressions. */
export function uniform(...parts: string[]): string {
  return `((hash(${parts.join(", ")}) >> 11)::DOUBLE + 0.5) / 9007199254740992.0`;
}

/** A standard normal (Box–Muller) from two hashes. */
function normal(seed: string, ...parts: string[]): string {
  return `(sqrt(-2 * ln(${uniform(seed, ...parts, "'u1'")})) * cos(2 * pi() * ${uniform(seed, ...parts, "'u2'")}))`;
}

function rootsValues(sql: SqlConnection): string {
  const rows = MARKET_ROOTS.map(
    (r, i) =>
      `(${sql.literal(r.root)}, ${i}, ${r.basePrice}, ${Math.round(r.tick * PRICE_SCALE)}::BIGINT, ${r.minuteSigma}, ${r.carry}, ${r.baseVolume})`,
  );
  return `SELECT * FROM (VALUES ${rows.join(",\n    ")}) r(root, root_id, base_price, tick_nanos, minute_sigma, carry, base_volume)`;
}

/** Statements building `trading_minutes`, `sessions`, `legs` for the month starting at `start`. */
export function monthSetupSql(sql: SqlConnection, month: string, start: Date, end: Date): string {
  const seed = sql.literal(month);
  const startEpoch = Math.floor(start.getTime() / 1000);
  const minutes = Math.round((end.getTime() - start.getTime()) / 60_000);
  const year = start.getUTCFullYear();
  return `
CREATE OR REPLACE TEMP TABLE roots AS ${rootsValues(sql)};

-- Globex minutes: shifting Chicago time by +7 h puts the 17:00 open at midnight,
-- so the shifted date is the session date and minutes ≥ 1380 are the 16:00–17:00 break.
CREATE OR REPLACE TEMP TABLE trading_minutes AS
WITH minutes AS (
  SELECT i AS minute_index, to_timestamp(${startEpoch} + i * 60) AS ts
  FROM range(0, ${minutes}) t(i)
), shifted AS (
  SELECT minute_index, ts, timezone('America/Chicago', ts) + INTERVAL 7 HOUR AS shifted_local
  FROM minutes
)
SELECT
  minute_index,
  epoch_ns(ts) AS ts_event,
  shifted_local::DATE AS session_date,
  (hour(shifted_local) * 60 + minute(shifted_local))::INTEGER AS session_minute,
  epoch(ts) / 86400.0 AS epoch_days
FROM shifted
WHERE hour(shifted_local) * 60 + minute(shifted_local) < ${SESSION_MINUTES}
  AND isodow(shifted_local::DATE) BETWEEN 1 AND 5;

-- Quarterly contracts expire on the third Friday; per session, leg 0 is the
-- nearest unexpired contract and leg 1 the next one.
CREATE OR REPLACE TEMP TABLE sessions AS
WITH contracts AS (
  SELECT y AS c_year, m AS c_month,
         make_date(y, m, 1) + ((5 - dayofweek(make_date(y, m, 1)) + 7) % 7 + 14)::INTEGER AS expiry
  FROM range(${year - 1}, ${year + 3}) a(y), (VALUES (3), (6), (9), (12)) b(m)
), ranked AS (
  SELECT s.session_date, c.*, row_number() OVER (PARTITION BY s.session_date ORDER BY c.expiry) - 1 AS leg
  FROM (SELECT DISTINCT session_date FROM trading_minutes) s
  JOIN contracts c ON c.expiry >= s.session_date
)
SELECT session_date, leg, expiry,
       ['H', 'M', 'U', 'Z'][c_month // 3] || (c_year % 10)::VARCHAR AS contract_code,
       (expiry - INTERVAL ${ROLL_DAYS_BEFORE_EXPIRY} DAY)::DATE AS roll_date
FROM ranked WHERE leg < 2;

-- One row per root and trading minute: the log price path and both legs' OHLC.
CREATE OR REPLACE TEMP TABLE legs AS
WITH shocks AS (
  SELECT r.*, t.*, ${normal(seed, "r.root_id", "t.minute_index")} AS z
  FROM trading_minutes t CROSS JOIN roots r
), walk AS (
  SELECT *,
    sum(z) OVER (PARTITION BY root ORDER BY minute_index) AS walk_to_t,
    sum(z) OVER (PARTITION BY root) AS walk_total,
    row_number() OVER (PARTITION BY root ORDER BY minute_index) AS k,
    count(*) OVER (PARTITION BY root) AS n
  FROM shocks
), path AS (
  SELECT *,
    -- trend: slow cycles of absolute time, so every month starts where the last ended
    ln(base_price) + 0.25 * sin(2 * pi() * epoch_days / 1461 + root_id) + 0.06 * sin(2 * pi() * epoch_days / 97 + 2 * root_id)
      + minute_sigma * (walk_to_t - k / n * walk_total) AS log_close
  FROM walk
), bars AS (
  SELECT *,
    coalesce(lag(log_close) OVER (PARTITION BY root ORDER BY minute_index), log_close) AS log_open,
    abs(${normal(seed, "root_id", "minute_index", "'high'")}) * minute_sigma * 0.6 AS up_wick,
    abs(${normal(seed, "root_id", "minute_index", "'low'")}) * minute_sigma * 0.6 AS down_wick,
    CASE WHEN session_minute BETWEEN 930 AND 1320 THEN 1.0 ELSE 0.2 END AS activity
  FROM path
)
SELECT b.root, b.root_id, b.minute_index, b.ts_event, b.tick_nanos, b.base_volume, b.activity,
       s.leg, s.contract_code, s.expiry,
       -- share of the root's volume: moves from leg 0 to leg 1 around the roll date
       CASE s.leg WHEN 0 THEN 1 - f.next_share ELSE f.next_share END AS share,
       (round(exp(b.log_open + f.log_carry) / (b.tick_nanos / ${PRICE_SCALE}.0)) * b.tick_nanos)::BIGINT AS open,
       (round(exp(greatest(b.log_open, b.log_close) + b.up_wick + f.log_carry) / (b.tick_nanos / ${PRICE_SCALE}.0)) * b.tick_nanos)::BIGINT AS high,
       (round(exp(least(b.log_open, b.log_close) - b.down_wick + f.log_carry) / (b.tick_nanos / ${PRICE_SCALE}.0)) * b.tick_nanos)::BIGINT AS low,
       (round(exp(b.log_close + f.log_carry) / (b.tick_nanos / ${PRICE_SCALE}.0)) * b.tick_nanos)::BIGINT AS close
FROM bars b
JOIN sessions s ON s.session_date = b.session_date
JOIN (SELECT session_date, roll_date FROM sessions WHERE leg = 0) front ON front.session_date = b.session_date
CROSS JOIN LATERAL (
  SELECT b.carry * (s.expiry - b.session_date) / 365.0 AS log_carry,
         1 / (1 + exp(-(b.epoch_days - epoch(front.roll_date::TIMESTAMP) / 86400.0) / 0.75)) AS next_share
) f;
`;
}
