/**
 * `reconciliation({ against, measure, tolerance })`: a measure of the staged
 * output equals the same measure of another asset's published data, or the
 * sum over several assets (raw = accepted + rejected: put the check on raw,
 * against [accepted, rejected]). `ourMeasure` measures the output differently
 * when the two sides name things differently (e.g. our `sum(n_orders)`
 * against their `count`).
 */
import { DefinitionError } from "../errors";
import type { CheckSpec } from "../definitions/check";
import { againstView, describeAgainst, validateAgainst, type AgainstAsset } from "./against";
import { addMeasured, describeMeasure, measuredJson, measureRelation, toNumber, validateMeasure, type Measure, type MeasuredValue } from "./measure";
import { buildCheckSpec, defaultCheckName, OUTPUT, type CheckFactoryOptions } from "./shared";

/** Absolute difference allowed, or a fraction of the other side's value. Checksums must match exactly. */
export type Tolerance = number | { relative: number };

export interface ReconciliationSpec extends CheckFactoryOptions {
  against: AgainstAsset | readonly AgainstAsset[];
  measure: Measure;
  tolerance?: Tolerance;
  /** How to measure the staged output; defaults to `measure`. */
  ourMeasure?: Measure;
}

export function reconciliation(spec: ReconciliationSpec): CheckSpec {
  const sources: AgainstAsset[] = Array.isArray(spec.against) ? [...(spec.against as readonly AgainstAsset[])] : [spec.against as AgainstAsset];
  if (sources.length === 0) throw new DefinitionError("reconciliation needs at least one asset in `against`.");
  for (const source of sources) validateAgainst("reconciliation", source);
  validateMeasure("reconciliation", spec.measure);
  const ourMeasure = spec.ourMeasure ?? spec.measure;
  validateMeasure("reconciliation", ourMeasure);
  const tolerance = spec.tolerance ?? 0;
  validateTolerance(tolerance, [spec.measure, ourMeasure]);
  const defaultName = defaultCheckName("reconciles_with", sources.map((s) => s.asset.split("/").pop() ?? s.asset));

  return buildCheckSpec(defaultName, spec, async (ctx) => {
    const ours = await measureRelation(ctx, ourMeasure, ctx.sql.ident(OUTPUT));
    let theirs: MeasuredValue | undefined;
    const rows: Array<Record<string, unknown>> = [{ side: "output", measure: describeMeasure(ourMeasure), value: measuredJson(ours) }];
    // One view at a time: viewOf may reuse a view name per asset, so each is measured before the next is registered.
    for (const source of sources) {
      const value = await measureRelation(ctx, spec.measure, await againstView(source, ctx));
      rows.push({ side: describeAgainst(source, ctx), measure: describeMeasure(spec.measure), value: measuredJson(value) });
      theirs = theirs === undefined ? value : addMeasured(theirs, value);
    }
    const expected = theirs ?? { kind: "bigint", value: 0n };
    const allowed = allowedDifference(tolerance, expected);
    const passed = withinTolerance(ours, expected, allowed);
    const threshold = allowed === 0 ? `= ${String(measuredJson(expected))}` : `= ${String(measuredJson(expected))} ± ${allowed}`;
    const against = sources.map((s) => s.asset).join(" + ");
    return {
      passed,
      measured: measuredJson(ours),
      threshold,
      ...(passed ? {} : { failingRows: rows, failingCount: 1 }),
      message: passed
        ? `${describeMeasure(ourMeasure)} matches ${against}`
        : `${describeMeasure(ourMeasure)} is ${String(measuredJson(ours))}; ${against} gives ${String(measuredJson(expected))}${allowed === 0 ? "" : ` (tolerance ${allowed})`}`,
    };
  });
}

function validateTolerance(tolerance: Tolerance, measures: Measure[]): void {
  const amount = typeof tolerance === "number" ? tolerance : tolerance?.relative;
  if (typeof amount !== "number" || !Number.isFinite(amount) || amount < 0) {
    throw new DefinitionError("reconciliation tolerance must be a non-negative number or { relative: fraction }.");
  }
  if (amount > 0 && measures.some((m) => typeof m === "object" && "checksum" in m)) {
    throw new DefinitionError("reconciliation by checksum is exact: a tolerance means nothing for hashes.", { hint: "Drop `tolerance`, or reconcile a count or a sum." });
  }
}

function allowedDifference(tolerance: Tolerance, expected: MeasuredValue): number {
  return typeof tolerance === "number" ? tolerance : Math.abs(toNumber(expected)) * tolerance.relative;
}

function withinTolerance(ours: MeasuredValue, theirs: MeasuredValue, allowed: number): boolean {
  // Exact integers compare exactly: a checksum or a large count must not round to equal.
  if (allowed === 0 && ours.kind === "bigint" && theirs.kind === "bigint") return ours.value === theirs.value;
  return Math.abs(toNumber(ours) - toNumber(theirs)) <= allowed;
}
