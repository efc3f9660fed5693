/**
 * Checks of the market-data pipeline. SQL checks return the failing rows
 * over the staged output (the view `output`); tables the step left in its
 * DuckDB session (e.g. the vendor rows) are visible too.
 */
import { defineCheck, type CheckDefinition, type CheckSpec } from "../core";

const rawBarsChecks: CheckSpec[] = [
  {
    name: "reconciles_with_vendor_file",
    description: "Every data line of the vendor file is either accepted or rejected, exactly once.",
    blocking: true,
    check: `
      SELECT file_rows, accepted, rejected
      FROM (SELECT (SELECT count(*) FROM vendor_rows) + (SELECT count(*) FROM vendor_line_errors) AS file_rows,
                   (SELECT count(*) FROM output) AS accepted,
                   (SELECT count(*) FROM raw_bars_rejected) AS rejected)
      WHERE file_rows <> accepted + rejected`,
  },
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
      SELECT rejected, accepted FROM (SELECT (SELECT count(*) FROM raw_bars_rejected) AS rejected, (SELECT count(*) FROM output) AS accepted)
      WHERE rejected > 0.01 * (accepted + rejected)`,
  },
];

const rawBarsRejectsChecks: CheckSpec[] = [
  { name: "every_reject_has_reason", blocking: true, check: "SELECT * FROM output WHERE reason IS NULL" },
];

function on(asset: string, checks: CheckSpec[]): CheckDefinition[] {
  return checks.map((check) => defineCheck({ ...check, asset }));
}

/** Every check of the market pipeline, for `defineDefinitions({ checks })`. */
export const marketChecks: CheckDefinition[] = [...on("market/raw_bars", rawBarsChecks), ...on("market/raw_bars_rejects", rawBarsRejectsChecks)];
