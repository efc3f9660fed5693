/**
 * Checks of the market-data pipeline. SQL checks return the failing rows
 * over the staged output (the view `output`); tables the step left in its
 * DuckDB session (e.g. the vendor rows) are visible too.
 */
import { defineCheck, rejectRate, rowCount, type CheckDefinition, type CheckSpec } from "materia";
import { fileRecordsSql, RAW_TABLES } from "../assets/market";

/** Above this share of refused rows a vendor file is held back as a bad delivery (the previous month stays published). */
export const MAX_VENDOR_REJECT_RATE = 0.05;

const rawBarsChecks: CheckSpec[] = [
  {
    name: "reconciles_with_vendor_file",
    description: "Every data line of the vendor file (counted without the CSV reader) is either accepted or rejected, exactly once.",
    blocking: true,
    check: `
      SELECT file_records, accepted, rejected, file_records - accepted - rejected AS unaccounted
      FROM (SELECT ${fileRecordsSql()} AS file_records,
                   (SELECT count(*) FROM output) AS accepted,
                   (SELECT count(*) FROM ${RAW_TABLES.rejects}) AS rejected)
      WHERE file_records <> accepted + rejected`,
  },
  { ...rowCount({ min: 1 }, { name: "has_accepted_rows", blocking: true }), description: "A vendor file with no acceptable row is a bad delivery." },
  rejectRate({ rejected: RAW_TABLES.rejects, maxRate: MAX_VENDOR_REJECT_RATE, description: "More than 5% refused rows: the file is held back." }),
  {
    name: "unique_instrument_minute",
    description: "No two bars of one instrument share a minute.",
    blocking: true,
    check: "SELECT instrument_id, ts_event, count(*) AS copies FROM output GROUP BY ALL HAVING count(*) > 1",
  },
  {
    name: "outright_prices_positive",
    blocking: true,
    check: "SELECT * FROM output WHERE NOT is_spread AND least(open, high, low, close) <= 0",
  },
  {
    name: "reject_rate_below_one_percent",
    description: "More than 1% rejected rows means the file is suspect.",
    severity: "warn",
    check: `
      SELECT rejected, accepted FROM (SELECT (SELECT count(*) FROM ${RAW_TABLES.rejects}) AS rejected, (SELECT count(*) FROM output) AS accepted)
      WHERE rejected > 0.01 * (accepted + rejected)`,
  },
];

const rawBarsRejectsChecks: CheckSpec[] = [
  { name: "every_reject_has_reason", blocking: true, check: "SELECT * FROM output WHERE reason IS NULL" },
];

const frontMonthChecks: CheckSpec[] = [
  {
    name: "ts_strictly_increasing_per_root",
    description: "One bar per root and minute, so ts strictly increases along each root's series.",
    blocking: true,
    check: "SELECT root, ts, count(*) AS bars FROM output GROUP BY root, ts HAVING count(*) > 1",
  },
  {
    name: "one_contract_per_root_session",
    blocking: true,
    check: "SELECT root, session_date, list(DISTINCT symbol) AS contracts FROM output GROUP BY root, session_date HAVING count(DISTINCT symbol) <> 1",
  },
  { name: "roll_ratio_positive", blocking: true, check: "SELECT * FROM output WHERE roll_ratio <= 0 OR isnan(roll_ratio)" },
];

const LABEL_COLUMNS = ["long_scalp", "short_scalp", "long_intraday", "short_intraday", "long_swing", "short_swing"];
const LABEL_CLASSES = [-1, 0, 1];

const labelChecks: CheckSpec[] = [
  {
    name: "label_class_balance",
    description: "No mode is (almost) all one class: at most 95% of its complete labels share a value.",
    severity: "warn",
    // one pass counting each mode's classes, then the few counts unpivoted (not the 6 × rows labels)
    check: `
      SELECT mode, label, labels, labels / sum(labels) OVER (PARTITION BY mode) AS share
      FROM (UNPIVOT (SELECT ${LABEL_COLUMNS.flatMap((mode) => LABEL_CLASSES.map((label) => `count(*) FILTER (WHERE ${mode} = ${label}) AS "${mode}|${label}"`)).join(", ")} FROM output)
            ON COLUMNS(*) INTO NAME mode_label VALUE labels)
      CROSS JOIN LATERAL (SELECT split_part(mode_label, '|', 1) AS mode, split_part(mode_label, '|', 2)::TINYINT AS label)
      WHERE labels > 0
      QUALIFY share > 0.95`,
  },
  {
    name: "weights_mean_one",
    description: "Return-attribution weights are normalised to mean 1 per mode.",
    blocking: true,
    check: `
      SELECT * FROM (SELECT avg(long_scalp_weight) AS long_scalp, avg(short_scalp_weight) AS short_scalp,
                            avg(long_intraday_weight) AS long_intraday, avg(short_intraday_weight) AS short_intraday,
                            avg(long_swing_weight) AS long_swing, avg(short_swing_weight) AS short_swing FROM output)
      WHERE abs(long_scalp - 1) > 1e-6 OR abs(short_scalp - 1) > 1e-6 OR abs(long_intraday - 1) > 1e-6
         OR abs(short_intraday - 1) > 1e-6 OR abs(long_swing - 1) > 1e-6 OR abs(short_swing - 1) > 1e-6`,
  },
  {
    name: "uniqueness_in_unit_interval",
    blocking: true,
    check: "SELECT root, ts, long_swing_uniqueness FROM output WHERE long_swing_uniqueness <= 0 OR long_swing_uniqueness > 1 + 1e-9 OR long_scalp_uniqueness <= 0 OR long_scalp_uniqueness > 1 + 1e-9",
  },
];

const trainingSetChecks: CheckSpec[] = [
  {
    name: "labels_complete",
    blocking: true,
    check: "SELECT root, ts FROM output WHERE long_scalp IS NULL OR short_scalp IS NULL OR long_intraday IS NULL OR short_intraday IS NULL OR long_swing IS NULL OR short_swing IS NULL",
  },
  { name: "one_row_per_root_bar", blocking: true, check: "SELECT root, ts, count(*) AS rows FROM output GROUP BY root, ts HAVING count(*) > 1" },
  {
    name: "fresh_by_third_of_next_month",
    description: "The regular run of a month publishes by the end of the 3rd of the next month (historical backfills are exempt).",
    severity: "warn",
    check: async ({ timeWindow }) => {
      if (!timeWindow) return { passed: true, message: "unpartitioned" };
      const deadline = timeWindow.end.getTime() + 3 * 86_400_000;
      const now = Date.now();
      const regularRun = now < timeWindow.end.getTime() + 35 * 86_400_000;
      return { passed: !regularRun || now <= deadline, measured: new Date(now).toISOString(), threshold: `<= ${new Date(deadline).toISOString()}` };
    },
  },
];

function on(asset: string, checks: CheckSpec[]): CheckDefinition[] {
  return checks.map((check) => defineCheck({ ...check, asset }));
}

/** Every check of the market pipeline, for `defineDefinitions({ checks })`. */
export const marketChecks: CheckDefinition[] = [
  ...on("market/raw_bars", rawBarsChecks),
  ...on("market/raw_bars_rejects", rawBarsRejectsChecks),
  ...on("market/front_month_bars", frontMonthChecks),
  ...on("market/labels", labelChecks),
  ...on("market/training_set", trainingSetChecks),
];
