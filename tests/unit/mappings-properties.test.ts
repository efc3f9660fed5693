/**
 * upstreamFor and downstreamFor of time-window mappings are inverses: a
 * downstream key d reads an existing upstream key u exactly when d is among
 * the downstream keys of u.
 */
import fc from "fast-check";
import { timeWindowMapping } from "../../src/core/mappings";
import { dailyPartitions, hourlyPartitions, monthlyPartitions, type TimePartitionsDefinition } from "../../src/core/partitions";

const now = new Date("2026-06-01T00:00:00Z");
const context = { now };

const definitions: TimePartitionsDefinition[] = [
  monthlyPartitions({ start: "2023-01", end: "2026-01" }),
  monthlyPartitions({ start: "2023-03", end: "2025-07", timezone: "America/Chicago" }),
  dailyPartitions({ start: "2024-01-01", end: "2025-06-01" }),
  dailyPartitions({ start: "2024-02-10", end: "2025-03-01", timezone: "America/Chicago" }),
  hourlyPartitions({ start: "2024-10-20T00", end: "2024-11-20T00", timezone: "America/Chicago" }),
  hourlyPartitions({ start: "2024-03-01T00", end: "2024-03-20T00" }),
];

const definition = fc.constantFrom(...definitions);
const offsets = fc
  .tuple(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -3, max: 3 }), fc.boolean())
  .map(([a, b, allow]) => ({ startOffset: Math.min(a, b), endOffset: Math.max(a, b), allowNonexistentUpstream: allow }));
/** A key of `def` picked by a fraction of its range. */
const pick = (def: TimePartitionsDefinition, fraction: number): string => {
  const keys = def.keys(context);
  return keys[Math.min(keys.length - 1, Math.floor(fraction * keys.length))] ?? "";
};
const fraction = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe("timeWindowMapping: properties", () => {
  it("every upstream key a downstream key reads maps back to it, and its neighbours outside do not", () => {
    fc.assert(
      fc.property(definition, definition, offsets, fraction, fraction, (downstream, upstream, options, at, which) => {
        const mapping = timeWindowMapping(options);
        const d = pick(downstream, at);
        const { keys, nonexistent } = mapping.upstreamFor(d, downstream, upstream, context);
        const all = [...keys, ...nonexistent].sort();
        expect(all.length).toBeGreaterThan(0);
        // The mapped keys are consecutive upstream partitions.
        expect(all.slice(1)).toEqual(all.slice(0, -1).map((key) => upstream.offsetKey(key, 1)));
        expect(keys.filter((u) => !upstream.hasKey(u, context))).toEqual([]);
        expect(nonexistent.filter((u) => upstream.hasKey(u, context))).toEqual([]);
        if (keys.length > 0) {
          const u = keys[Math.floor(which * keys.length)] ?? "";
          expect(mapping.downstreamFor(u, downstream, upstream, context)).toContain(d);
        }
        for (const outside of [upstream.offsetKey(all[0] ?? "", -1), upstream.offsetKey(all.at(-1) ?? "", 1)]) {
          if (upstream.hasKey(outside, context)) expect(mapping.downstreamFor(outside, downstream, upstream, context)).not.toContain(d);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("every downstream key of an upstream key reads it", () => {
    fc.assert(
      fc.property(definition, definition, offsets, fraction, (downstream, upstream, options, at) => {
        const mapping = timeWindowMapping(options);
        const u = pick(upstream, at);
        const downstreamKeys = mapping.downstreamFor(u, downstream, upstream, context);
        expect(downstreamKeys.filter((d) => !downstream.hasKey(d, context))).toEqual([]);
        expect(downstreamKeys.filter((d) => !mapping.upstreamFor(d, downstream, upstream, context).keys.includes(u))).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it("offsets shift the same-definition mapping by whole partitions", () => {
    fc.assert(
      fc.property(definition, offsets, fraction, (def, options, at) => {
        const d = pick(def, at);
        const { keys, nonexistent } = timeWindowMapping(options).upstreamFor(d, def, def, context);
        const expected = Array.from({ length: options.endOffset - options.startOffset + 1 }, (_, i) => def.offsetKey(d, options.startOffset + i));
        expect([...keys, ...nonexistent].sort()).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
