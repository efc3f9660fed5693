import { PartitionKeyError, PartitionMappingError } from "../../src/core/errors";
import { allMapping, defaultMapping, identityMapping, lastMapping, multiToSingleMapping, specificKeysMapping } from "../../src/core/mappings";
import { dailyPartitions, dynamicPartitions, monthlyPartitions, multiPartitions, staticPartitions } from "../../src/core/partitions";

const now = new Date("2025-10-15T12:00:00Z");
const context = { now };
const months = monthlyPartitions({ start: "2025-01", end: "2025-04" });
const openMonths = monthlyPartitions({ start: "2011-01" });
const roots = staticPartitions(["ES", "NQ", "CL"]);
const grid = multiPartitions({ date: months, root: roots });

describe("identityMapping", () => {
  const identity = identityMapping();

  it("maps a key to itself between equal definitions", () => {
    expect(identity.describe()).toBe("identity");
    expect(() => identity.validate(months, monthlyPartitions({ start: "2025-01", end: "2025-04" }))).not.toThrow();
    expect(() => identity.validate(undefined, undefined)).not.toThrow();
    expect(identity.upstreamFor("2025-02", months, months, context)).toEqual({ keys: ["2025-02"], nonexistent: [] });
    expect(identity.upstreamFor("2025-02|NQ", grid, grid, context)).toEqual({ keys: ["2025-02|NQ"], nonexistent: [] });
    expect(identity.downstreamFor("2025-03", months, months, context)).toEqual(["2025-03"]);
    expect(identity.upstreamFor(undefined, undefined, undefined, context)).toEqual({ keys: [], nonexistent: [] });
  });

  it("rejects different definitions and bad keys", () => {
    expect(() => identity.validate(months, openMonths)).toThrow(PartitionMappingError);
    expect(() => identity.validate(months, undefined)).toThrow(/downstream monthly\(start=2025-01, end=2025-04, tz=UTC\) and upstream unpartitioned/);
    expect(() => identity.upstreamFor(undefined, months, months, context)).toThrow(PartitionMappingError);
    expect(() => identity.upstreamFor("2025-1", months, months, context)).toThrow(PartitionKeyError);
  });
});

describe("allMapping", () => {
  const all = allMapping();

  it("reads every upstream partition", () => {
    expect(all.describe()).toBe("all");
    expect(() => all.validate(undefined, months)).not.toThrow();
    expect(all.upstreamFor(undefined, undefined, months, context)).toEqual({ keys: ["2025-01", "2025-02", "2025-03"], nonexistent: [] });
    expect(all.upstreamFor("ES", roots, months, context).keys).toEqual(["2025-01", "2025-02", "2025-03"]);
    expect(all.upstreamFor("2025-02", months, undefined, context)).toEqual({ keys: [], nonexistent: [] });
    expect(all.upstreamFor(undefined, undefined, openMonths, context).keys).toHaveLength(177);
  });

  it("is read by every downstream partition", () => {
    expect(all.downstreamFor("2025-02", roots, months, context)).toEqual(["ES", "NQ", "CL"]);
    expect(all.downstreamFor("2025-02", undefined, months, context)).toEqual([]);
  });
});

describe("lastMapping", () => {
  const last = lastMapping();

  it("reads the last existing upstream partition", () => {
    expect(last.describe()).toBe("last");
    expect(last.upstreamFor("ES", roots, openMonths, context)).toEqual({ keys: ["2025-09"], nonexistent: [] });
    expect(last.upstreamFor(undefined, undefined, months, context).keys).toEqual(["2025-03"]);
    expect(last.upstreamFor(undefined, undefined, roots, context).keys).toEqual(["CL"]);
    const files = dynamicPartitions("files");
    expect(last.upstreamFor(undefined, undefined, files, { now, dynamicKeys: () => ["a", "b"] }).keys).toEqual(["b"]);
    expect(last.upstreamFor(undefined, undefined, files, { now, dynamicKeys: () => [] })).toEqual({ keys: [], nonexistent: [] });
  });

  it("is read only through the last upstream partition", () => {
    expect(last.downstreamFor("2025-03", roots, months, context)).toEqual(["ES", "NQ", "CL"]);
    expect(last.downstreamFor("2025-02", roots, months, context)).toEqual([]);
  });

  it("needs a partitioned upstream", () => {
    expect(() => last.validate(months, undefined)).toThrow(PartitionMappingError);
  });
});

describe("specificKeysMapping", () => {
  const june = specificKeysMapping(["2024-06"]);
  const year = monthlyPartitions({ start: "2024-01", end: "2025-01" });

  it("reads the given keys", () => {
    expect(june.describe()).toBe('specificKeys(["2024-06"])');
    expect(june.upstreamFor("ES", roots, year, context)).toEqual({ keys: ["2024-06"], nonexistent: [] });
    expect(specificKeysMapping(["ES", "CL"]).upstreamFor(undefined, undefined, roots, context).keys).toEqual(["ES", "CL"]);
    const future = specificKeysMapping(["2025-12"]);
    expect(future.upstreamFor(undefined, undefined, openMonths, context)).toEqual({ keys: [], nonexistent: ["2025-12"] });
    expect(june.downstreamFor("2024-06", roots, year, context)).toEqual(["ES", "NQ", "CL"]);
    expect(june.downstreamFor("2024-07", roots, year, context)).toEqual([]);
  });

  it("validates the keys against the upstream", () => {
    expect(() => june.validate(roots, year)).not.toThrow();
    expect(() => specificKeysMapping(["2023-06"]).validate(roots, year)).toThrow(/outside the range/);
    expect(() => specificKeysMapping(["2024-13"]).validate(roots, year)).toThrow(PartitionMappingError);
    expect(() => specificKeysMapping(["YM"]).validate(undefined, roots)).toThrow(/"YM" is not a key of upstream/);
    expect(() => june.validate(roots, undefined)).toThrow(PartitionMappingError);
    expect(() => specificKeysMapping([])).toThrow(PartitionMappingError);
    expect(() => specificKeysMapping(["a", "a"])).toThrow(PartitionMappingError);
  });
});

describe("multiToSingleMapping", () => {
  const byDate = multiToSingleMapping("date");

  it("reads every multi key of a date from a single monthly downstream", () => {
    expect(byDate.describe()).toBe("multiToSingle(dimension=date)");
    expect(byDate.upstreamFor("2025-02", months, grid, context)).toEqual({ keys: ["2025-02|ES", "2025-02|NQ", "2025-02|CL"], nonexistent: [] });
    expect(byDate.downstreamFor("2025-02|NQ", months, grid, context)).toEqual(["2025-02"]);
  });

  it("reads the date of a multi downstream key from a single upstream", () => {
    expect(byDate.upstreamFor("2025-02|NQ", grid, months, context)).toEqual({ keys: ["2025-02"], nonexistent: [] });
    expect(byDate.downstreamFor("2025-02", grid, months, context)).toEqual(["2025-02|ES", "2025-02|NQ", "2025-02|CL"]);
  });

  it("maps on the second dimension too", () => {
    const byRoot = multiToSingleMapping("root");
    expect(byRoot.upstreamFor("NQ", roots, grid, context).keys).toEqual(["2025-01|NQ", "2025-02|NQ", "2025-03|NQ"]);
    expect(byRoot.downstreamFor("2025-03|CL", roots, grid, context)).toEqual(["CL"]);
  });

  it("reports upstream keys not complete yet as nonexistent", () => {
    const openGrid = multiPartitions({ date: openMonths, root: roots });
    expect(byDate.upstreamFor("2025-10|ES", openGrid, openMonths, context)).toEqual({ keys: [], nonexistent: ["2025-10"] });
  });

  it("rejects unknown dimensions, unequal definitions and two single sides", () => {
    expect(() => multiToSingleMapping("month").validate(months, grid)).toThrow(/has no dimension "month"/);
    expect(() => byDate.validate(dailyPartitions({ start: "2025-01-01" }), grid)).toThrow(/must be equal/);
    expect(() => byDate.validate(months, months)).toThrow(PartitionMappingError);
    expect(() => byDate.validate(undefined, grid)).toThrow(PartitionMappingError);
  });
});

describe("defaultMapping", () => {
  const kindOf = (downstream: Parameters<typeof defaultMapping>[0], upstream: Parameters<typeof defaultMapping>[1]) =>
    defaultMapping(downstream, upstream).describe();

  it("picks identity, all, time window or multi-to-single", () => {
    expect(kindOf(months, monthlyPartitions({ start: "2025-01", end: "2025-04" }))).toBe("identity");
    expect(kindOf(undefined, undefined)).toBe("identity");
    expect(kindOf(undefined, months)).toBe("all");
    expect(kindOf(months, undefined)).toBe("all");
    expect(kindOf(months, dailyPartitions({ start: "2025-01-01" }))).toBe("timeWindow()");
    expect(kindOf(months, openMonths)).toBe("timeWindow()");
    expect(kindOf(months, grid)).toBe("multiToSingle(dimension=date)");
    expect(kindOf(grid, months)).toBe("multiToSingle(dimension=date)");
    expect(kindOf(roots, grid)).toBe("multiToSingle(dimension=root)");
    const dailyGrid = multiPartitions({ day: dailyPartitions({ start: "2025-01-01" }), root: roots });
    expect(kindOf(grid, dailyGrid)).toBe("timeWindow()");
  });

  it("returns a mapping that validates", () => {
    const pairs = [
      [months, dailyPartitions({ start: "2025-01-01" })],
      [grid, months],
      [undefined, roots],
    ] as const;
    for (const [downstream, upstream] of pairs) expect(() => defaultMapping(downstream, upstream).validate(downstream, upstream)).not.toThrow();
  });

  it("asks for an explicit mapping otherwise", () => {
    expect(() => defaultMapping(roots, months)).toThrow(PartitionMappingError);
    expect(() => defaultMapping(roots, staticPartitions(["ES"]))).toThrow(/No default partition mapping fits/);
    expect(() => defaultMapping(months, roots)).toThrow(expect.objectContaining({ hint: expect.stringContaining("explicitly") }));
  });
});
