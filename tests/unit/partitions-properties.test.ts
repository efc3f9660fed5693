/**
 * Invariants of time partitions in zones with and without DST, including
 * 30-minute DST (Lord Howe) and a 45-minute offset (Kathmandu).
 */
import fc from "fast-check";
import { dailyPartitions, hourlyPartitions, monthlyPartitions, type TimePartitionsDefinition } from "../../src/core/partitions";

const timezones = ["UTC", "America/Chicago", "Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu"];
const constructors = { monthly: monthlyPartitions, daily: dailyPartitions, hourly: hourlyPartitions };
const starts = { monthly: "2000-01", daily: "2000-01-01", hourly: "2000-01-01T00" };

const definitions: TimePartitionsDefinition[] = (["monthly", "daily", "hourly"] as const).flatMap((granularity) =>
  timezones.map((timezone) => constructors[granularity]({ start: starts[granularity], timezone })),
);
const now = new Date("2060-01-01T00:00:00Z");

const definition = fc.constantFrom(...definitions);
/** Instants from 2001 to 2040, plus the DST nights of 2024 in Chicago, where bugs would hide. */
const instant = fc.oneof(
  fc.integer({ min: Date.UTC(2001, 0, 1), max: Date.UTC(2040, 0, 1) }),
  fc.integer({ min: Date.UTC(2024, 2, 10, 4), max: Date.UTC(2024, 2, 10, 12) }),
  fc.integer({ min: Date.UTC(2024, 10, 3, 4), max: Date.UTC(2024, 10, 3, 12) }),
).map((ms) => new Date(ms));

describe("time partitions: properties", () => {
  it("key → window → keyForTime(window.start) is the key, and the window holds the instant", () => {
    fc.assert(
      fc.property(definition, instant, (def, t) => {
        const key = def.keyForTime(t);
        const window = def.timeWindow(key);
        expect(window.start.getTime()).toBeLessThanOrEqual(t.getTime());
        expect(window.end.getTime()).toBeGreaterThan(t.getTime());
        expect(def.keyForTime(window.start)).toBe(key);
        expect(def.keyForTime(new Date(window.end.getTime() - 1))).toBe(key);
        expect(def.keyForTime(window.end)).toBe(def.offsetKey(key, 1));
        expect(def.hasKey(key, { now })).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("offsetKey(offsetKey(k, n), -n) is k, and windows of neighbours touch", () => {
    fc.assert(
      fc.property(definition, instant, fc.integer({ min: -400, max: 400 }), (def, t, n) => {
        const key = def.keyForTime(t);
        const moved = def.offsetKey(key, n);
        expect(def.offsetKey(moved, -n)).toBe(key);
        expect(def.timeWindow(key).end.getTime()).toBe(def.timeWindow(def.offsetKey(key, 1)).start.getTime());
        if (n > 0) expect(moved > key).toBe(true);
        if (n < 0) expect(moved < key).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("keysInRange has n + 1 keys in order, each the next of the one before", () => {
    fc.assert(
      fc.property(definition, instant, fc.integer({ min: 0, max: 120 }), (def, t, n) => {
        const from = def.keyForTime(t);
        const to = def.offsetKey(from, n);
        const keys = def.keysInRange(from, to, { now });
        expect(keys).toHaveLength(n + 1);
        expect(keys[0]).toBe(from);
        expect(keys.at(-1)).toBe(to);
        keys.slice(1).forEach((key, i) => expect(def.offsetKey(keys[i] ?? "", 1)).toBe(key));
        expect([...keys].sort()).toEqual(keys);
      }),
      { numRuns: 200 },
    );
  });

  it("monthly ranges have as many keys as calendar months", () => {
    const monthly = monthlyPartitions({ start: "2000-01" });
    const month = fc.record({ year: fc.integer({ min: 2000, max: 2040 }), month: fc.integer({ min: 1, max: 12 }) });
    const key = ({ year, month }: { year: number; month: number }) => `${year}-${String(month).padStart(2, "0")}`;
    fc.assert(
      fc.property(month, month, (a, b) => {
        const [from, to] = key(a) <= key(b) ? [a, b] : [b, a];
        const expected = to.year * 12 + to.month - (from.year * 12 + from.month) + 1;
        expect(monthly.keysInRange(key(from), key(to), { now })).toHaveLength(expected);
      }),
    );
  });

  it("lastCompleteBefore(t) is the partition before the one holding t", () => {
    fc.assert(
      fc.property(definition, instant, (def, t) => {
        const last = def.lastCompleteBefore(t);
        expect(last).toBe(def.offsetKey(def.keyForTime(t), -1));
        expect(def.timeWindow(last ?? "").end.getTime()).toBeLessThanOrEqual(t.getTime());
      }),
      { numRuns: 300 },
    );
  });
});
