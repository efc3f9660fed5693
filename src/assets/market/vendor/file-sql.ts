/**
 * From the `legs` table (see month-sql.ts) to the vendor file: which bars
 * trade, their volume, the calendar spreads, the defects, the CSV layout.
 */
import type { SqlConnection } from "materia";
import { PUBLISHER_GLBX, RTYPE_OHLCV_1M } from "../layout";
import { uniform, type DefectRates } from "./month-sql";

/** The COPY statement writing the month's rows as zstd-compressed CSV to `path`. */
export function vendorFileSql(sql: SqlConnection, month: string, path: string, defects: DefectRates): string {
  const seed = sql.literal(month);
  // Cumulative bands of one uniform per row: each row gets at most one defect.
  const duplicateBelow = defects.duplicate;
  const lateBelow = duplicateBelow + defects.outOfOrder;
  const swappedBelow = lateBelow + defects.highBelowLow;
  const nonPositiveBelow = swappedBelow + defects.nonPositivePrice;
  const malformedBelow = nonPositiveBelow + defects.malformed;
  return `
COPY (
WITH outrights AS (
  -- a minute without trades has no bar: the busier leg trades almost every minute
  SELECT ts_event, root || contract_code AS symbol, (hash(root || contract_code, expiry) % 2000000000)::BIGINT AS instrument_id,
         open, high, low, close, TRUE AS outright,
         greatest(1, round(base_volume * activity * share * exp(0.6 * (${uniform(seed, "'vol'", "root_id", "minute_index", "leg")} - 0.5))))::BIGINT AS volume
  FROM legs
  WHERE ${uniform(seed, "'trades'", "root_id", "minute_index", "leg")} < 0.55 + 0.42 * share
), spreads AS (
  -- calendar spread leg 0 − leg 1: its price is a difference and may be negative
  SELECT near.ts_event,
         near.root || near.contract_code || '-' || far.root || far.contract_code AS symbol,
         (hash(near.root || near.contract_code || '-' || far.contract_code, near.expiry) % 2000000000)::BIGINT AS instrument_id,
         near.open - far.open AS open,
         greatest(near.open - far.open, near.close - far.close) + near.tick_nanos AS high,
         least(near.open - far.open, near.close - far.close) - near.tick_nanos AS low,
         near.close - far.close AS close, FALSE AS outright,
         greatest(1, round(near.base_volume * near.activity * 0.04))::BIGINT AS volume
  FROM legs near JOIN legs far ON far.root = near.root AND far.minute_index = near.minute_index AND far.leg = 1
  WHERE near.leg = 0 AND ${uniform(seed, "'spread'", "near.root_id", "near.minute_index")} < 0.45
), bars AS (
  SELECT *, ${uniform(seed, "'defect'", "ts_event", "symbol")} AS defect_draw FROM (SELECT * FROM outrights UNION ALL SELECT * FROM spreads)
), defective AS (
  SELECT ts_event, symbol, instrument_id, open, volume,
    CASE WHEN defect_draw >= ${lateBelow} AND defect_draw < ${swappedBelow} THEN low ELSE high END AS high,
    CASE WHEN defect_draw >= ${lateBelow} AND defect_draw < ${swappedBelow} THEN high ELSE low END AS low,
    CASE WHEN defect_draw >= ${swappedBelow} AND defect_draw < ${nonPositiveBelow} AND outright
         THEN CASE WHEN hash(${seed}, ts_event, symbol) % 2 = 0 THEN 0 ELSE -close END
         ELSE close END AS close,
    -- out-of-order rows are written 1–5 minutes late
    ts_event + CASE WHEN defect_draw >= ${duplicateBelow} AND defect_draw < ${lateBelow}
                    THEN (1 + hash(${seed}, 'late', ts_event, symbol) % 5)::BIGINT * 60000000000 ELSE 0 END AS file_position,
    CASE WHEN defect_draw >= ${nonPositiveBelow} AND defect_draw < ${malformedBelow}
         THEN hash(${seed}, 'malformed', ts_event, symbol) % 3 END AS malformed_kind,
    defect_draw < ${duplicateBelow} AS duplicated
  FROM bars
), written AS (
  SELECT *, 0 AS copy_no FROM defective
  UNION ALL
  SELECT *, 1 AS copy_no FROM defective WHERE duplicated
)
SELECT
  CASE WHEN malformed_kind = 0 THEN strftime(make_timestamp(ts_event // 1000), '%Y-%m-%dT%H:%M:%S') ELSE ts_event::VARCHAR END AS ts_event,
  ${RTYPE_OHLCV_1M} AS rtype,
  ${PUBLISHER_GLBX} AS publisher_id,
  instrument_id,
  open, high, low,
  CASE WHEN malformed_kind = 1 THEN '' ELSE close::VARCHAR END AS close,
  CASE WHEN malformed_kind = 2 THEN volume::VARCHAR || 'x' ELSE volume::VARCHAR END AS volume,
  symbol
FROM written
ORDER BY file_position, symbol, ts_event, copy_no
) TO ${sql.literal(path)} (FORMAT csv, HEADER, COMPRESSION zstd);
`;
}
