/**
 * `rejectRate({ rejected })`: an ingest guard. The share of input rows that
 * were refused — `rejected / (accepted + rejected)`, accepted being the
 * staged output — must stay at or below `maxRate` (default 5%). Above it the
 * file is more likely broken than a few rows bad, so the guard is blocking by
 * default: nothing is published and the last good version stays.
 */
import { DefinitionError } from "../errors";
import type { CheckSpec } from "../definitions/check";
import { buildCheckSpec, OUTPUT, type CheckFactoryOptions } from "./shared";

export interface RejectRateSpec extends CheckFactoryOptions {
  /** The relation holding the refused rows in the step's session (a table the transform created, or a view). */
  rejected: string;
  /** Largest acceptable share of refused rows, 0–1. Default 0.05. */
  maxRate?: number;
}

export const DEFAULT_MAX_REJECT_RATE = 0.05;

export function rejectRate(spec: RejectRateSpec): CheckSpec {
  const maxRate = spec.maxRate ?? DEFAULT_MAX_REJECT_RATE;
  if (typeof spec.rejected !== "string" || spec.rejected.length === 0) {
    throw new DefinitionError("rejectRate needs the relation of refused rows.", { hint: 'e.g. rejectRate({ rejected: "orders_rejected" })' });
  }
  if (!(typeof maxRate === "number" && maxRate >= 0 && maxRate <= 1)) {
    throw new DefinitionError(`rejectRate maxRate ${String(maxRate)} is not a share between 0 and 1.`, { hint: "e.g. maxRate: 0.05 for 5%." });
  }
  return buildCheckSpec("reject_rate", { blocking: true, ...spec }, async (ctx) => {
    const [row] = await ctx.sql.all<{ accepted: bigint | number; rejected: bigint | number }>(
      `SELECT (SELECT count(*) FROM ${ctx.sql.ident(OUTPUT)}) AS accepted, (SELECT count(*) FROM ${ctx.sql.ident(spec.rejected)}) AS rejected`,
    );
    const accepted = Number(row?.accepted ?? 0);
    const rejected = Number(row?.rejected ?? 0);
    const total = accepted + rejected;
    const rate = total === 0 ? 0 : rejected / total;
    const passed = rate <= maxRate;
    const percent = (share: number) => `${(share * 100).toFixed(2)}%`;
    return {
      passed,
      measured: Number(rate.toFixed(6)),
      threshold: `<= ${maxRate}`,
      message: `${rejected} of ${total} rows refused (${percent(rate)}; at most ${percent(maxRate)})`,
      ...(passed ? {} : { failingCount: rejected, failingRows: [{ accepted, rejected, rate }] }),
    };
  });
}
