import { PartitionKeyError, PartitionMappingError } from "../../src/core/errors";
import { timeWindowMapping } from "../../src/core/mappings";
import { dailyPartitions, hourlyPartitions, monthlyPartitions, multiPartitions, staticPartitions } from "../../src/core/partitions";

const now = new Date("2025-10-15T12:00:00Z");
const context = { now };
const monthly = monthlyPartitions({ start: "2011-01" });

describe("timeWindowMapping", () => {
  it("describes itself with the non-default options", () => {
    expect(timeWindowMapping().describe()).toBe("timeWindow()");
    expect(timeWindowMapping({ startOffset: -1, endOffset: -1, allowNonexistentUpstream: true }).describe()).toBe(
      "timeWindow(startOffset=-1, endOffset=-1, allowNonexistentUpstream=true)",
    );
    expect(timeWindowMapping({ startOffset: -1 }).allowNonexistentUpstream).toBe(false);
    expect(() => timeWindowMapping({ startOffset: 1, endOffset: 0 })).toThrow(PartitionMappingError);
    expect(() => timeWindowMapping({ startOffset: -0.5 })).toThrow(/integers/);
  });

  describe("same granularity", () => {
    it("maps a partition to itself with no offsets", () => {
      expect(timeWindowMapping().upstreamFor("2024-06", monthly, monthly, context)).toEqual({ keys: ["2024-06"], nonexistent: [] });
    });

    it("looks back across a year boundary", () => {
      const lookback = timeWindowMapping({ startOffset: -1 });
      expect(lookback.upstreamFor("2025-01", monthly, monthly, context)).toEqual({ keys: ["2024-12", "2025-01"], nonexistent: [] });
      expect(lookback.downstreamFor("2024-12", monthly, monthly, context)).toEqual(["2024-12", "2025-01"]);
      const threeBack = timeWindowMapping({ startOffset: -3, endOffset: -1 });
      expect(threeBack.upstreamFor("2025-02", monthly, monthly, context).keys).toEqual(["2024-11", "2024-12", "2025-01"]);
    });

    it("looks ahead, and reports a month not complete yet as nonexistent", () => {
      const lookahead = timeWindowMapping({ endOffset: 1 });
      expect(lookahead.upstreamFor("2024-12", monthly, monthly, context)).toEqual({ keys: ["2024-12", "2025-01"], nonexistent: [] });
      expect(lookahead.upstreamFor("2025-09", monthly, monthly, context)).toEqual({ keys: ["2025-09"], nonexistent: ["2025-10"] });
      expect(lookahead.downstreamFor("2025-01", monthly, monthly, context)).toEqual(["2024-12", "2025-01"]);
    });

    it("reports upstream keys before the start as nonexistent", () => {
      const lookback = timeWindowMapping({ startOffset: -2 });
      expect(lookback.upstreamFor("2011-01", monthly, monthly, context)).toEqual({ keys: ["2011-01"], nonexistent: ["2010-11", "2010-12"] });
    });

    it("spans a leap day with a 7-day daily lookback", () => {
      const daily = dailyPartitions({ start: "2024-01-01" });
      const week = timeWindowMapping({ startOffset: -6 });
      expect(week.upstreamFor("2024-03-01", daily, daily, context).keys).toEqual([
        "2024-02-24", "2024-02-25", "2024-02-26", "2024-02-27", "2024-02-28", "2024-02-29", "2024-03-01",
      ]);
    });
  });

  describe("self-dependency", () => {
    const previous = timeWindowMapping({ startOffset: -1, endOffset: -1, allowNonexistentUpstream: true });

    it("reads the previous partition, none for the first", () => {
      expect(previous.allowNonexistentUpstream).toBe(true);
      expect(previous.upstreamFor("2011-01", monthly, monthly, context)).toEqual({ keys: [], nonexistent: ["2010-12"] });
      expect(previous.upstreamFor("2011-02", monthly, monthly, context)).toEqual({ keys: ["2011-01"], nonexistent: [] });
      expect(previous.upstreamFor("2025-01", monthly, monthly, context)).toEqual({ keys: ["2024-12"], nonexistent: [] });
    });

    it("is read by the next partition, if it exists", () => {
      expect(previous.downstreamFor("2024-12", monthly, monthly, context)).toEqual(["2025-01"]);
      expect(previous.downstreamFor("2025-09", monthly, monthly, context)).toEqual([]);
    });
  });

  describe("fan-in and fan-out between granularities", () => {
    const daily = dailyPartitions({ start: "2023-01-01" });
    const monthly2023 = monthlyPartitions({ start: "2023-01" });
    const fanIn = timeWindowMapping();

    it("reads every day of the month (29 in February 2024, 28 in February 2023)", () => {
      const february = fanIn.upstreamFor("2024-02", monthly2023, daily, context);
      expect(february.keys).toHaveLength(29);
      expect(february.keys[0]).toBe("2024-02-01");
      expect(february.keys.at(-1)).toBe("2024-02-29");
      expect(february.nonexistent).toEqual([]);
      expect(fanIn.upstreamFor("2023-02", monthly2023, daily, context).keys).toHaveLength(28);
      expect(fanIn.downstreamFor("2024-02-29", monthly2023, daily, context)).toEqual(["2024-02"]);
    });

    it("reports the days before the upstream start as nonexistent", () => {
      const lateDaily = dailyPartitions({ start: "2023-01-15" });
      const january = fanIn.upstreamFor("2023-01", monthly2023, lateDaily, context);
      expect(january.nonexistent).toHaveLength(14);
      expect(january.nonexistent[0]).toBe("2023-01-01");
      expect(january.keys).toHaveLength(17);
      expect(january.keys[0]).toBe("2023-01-15");
    });

    it("stretches the month by downstream offsets", () => {
      const withPrevious = timeWindowMapping({ startOffset: -1 });
      const keys = withPrevious.upstreamFor("2024-03", monthly2023, daily, context).keys;
      expect(keys).toHaveLength(29 + 31);
      expect(keys[0]).toBe("2024-02-01");
      expect(keys.at(-1)).toBe("2024-03-31");
    });

    it("fans out: a day reads its month, a month is read by each of its days", () => {
      expect(fanIn.upstreamFor("2024-02-15", daily, monthly2023, context)).toEqual({ keys: ["2024-02"], nonexistent: [] });
      const days = fanIn.downstreamFor("2024-02", daily, monthly2023, context);
      expect(days).toHaveLength(29);
      expect(days[28]).toBe("2024-02-29");
      // October 2025 is not complete on the 15th.
      expect(fanIn.upstreamFor("2025-10-05", daily, monthly2023, context)).toEqual({ keys: [], nonexistent: ["2025-10"] });
    });

    it("maps by real time across timezones", () => {
      const chicagoDays = dailyPartitions({ start: "2024-01-01", timezone: "America/Chicago" });
      const utcDays = dailyPartitions({ start: "2024-01-01" });
      // The Chicago day runs 06:00Z to 06:00Z: it overlaps two UTC days.
      expect(fanIn.upstreamFor("2024-01-10", chicagoDays, utcDays, context).keys).toEqual(["2024-01-10", "2024-01-11"]);
    });
  });

  describe("across DST in America/Chicago", () => {
    const days = dailyPartitions({ start: "2024-01-01", timezone: "America/Chicago" });
    const hours = hourlyPartitions({ start: "2024-01-01T00", timezone: "America/Chicago" });
    const utcHours = hourlyPartitions({ start: "2024-01-01T00" });
    const mapping = timeWindowMapping();

    it("gives a local day its existing local hours", () => {
      expect(mapping.upstreamFor("2024-03-10", days, hours, context).keys).toHaveLength(23);
      expect(mapping.upstreamFor("2024-03-10", days, hours, context).keys).not.toContain("2024-03-10T02");
      expect(mapping.upstreamFor("2024-11-03", days, hours, context).keys).toHaveLength(24);
      expect(mapping.upstreamFor("2024-11-03", days, utcHours, context).keys).toHaveLength(25);
      expect(mapping.upstreamFor("2024-11-03", days, utcHours, context).keys[0]).toBe("2024-11-03T05");
    });

    it("gives the repeated hour its day", () => {
      expect(mapping.upstreamFor("2024-11-03T01", hours, days, context).keys).toEqual(["2024-11-03"]);
      expect(mapping.downstreamFor("2024-11-03T01", days, hours, context)).toEqual(["2024-11-03"]);
    });

    it("looks back one hour over the skipped hour", () => {
      const previousHour = timeWindowMapping({ startOffset: -1, endOffset: -1 });
      expect(previousHour.upstreamFor("2024-03-10T03", hours, hours, context).keys).toEqual(["2024-03-10T01"]);
    });
  });

  describe("multi partitions with a time dimension", () => {
    const roots = staticPartitions(["ES", "NQ"]);
    const grid = multiPartitions({ date: monthlyPartitions({ start: "2025-01" }), root: roots });

    it("maps the time part and carries the other dimension", () => {
      const lookback = timeWindowMapping({ startOffset: -1 });
      expect(lookback.upstreamFor("2025-02|ES", grid, grid, context)).toEqual({ keys: ["2025-01|ES", "2025-02|ES"], nonexistent: [] });
      expect(lookback.upstreamFor("2025-01|NQ", grid, grid, context)).toEqual({ keys: ["2025-01|NQ"], nonexistent: ["2024-12|NQ"] });
      expect(lookback.downstreamFor("2025-01|ES", grid, grid, context)).toEqual(["2025-01|ES", "2025-02|ES"]);
    });

    it("fans in across time dimensions of different granularity", () => {
      const dailyGrid = multiPartitions({ day: dailyPartitions({ start: "2025-01-01" }), root: roots });
      const keys = timeWindowMapping().upstreamFor("2025-02|NQ", grid, dailyGrid, context).keys;
      expect(keys).toHaveLength(28);
      expect(keys[0]).toBe("2025-02-01|NQ");
    });

    it("rejects multi definitions whose other dimensions differ", () => {
      const other = multiPartitions({ date: monthlyPartitions({ start: "2025-01" }), root: staticPartitions(["CL"]) });
      expect(() => timeWindowMapping().validate(grid, other)).toThrow(PartitionMappingError);
    });
  });

  it("rejects definitions that are not time partitions", () => {
    const mapping = timeWindowMapping({ startOffset: -1 });
    const roots = staticPartitions(["ES"]);
    expect(() => mapping.validate(monthly, roots)).toThrow(PartitionMappingError);
    expect(() => mapping.validate(roots, monthly)).toThrow(/maps between time partitions, got downstream static\(\["ES"\]\)/);
    expect(() => mapping.validate(undefined, monthly)).toThrow(/downstream unpartitioned/);
    expect(() => mapping.validate(monthly, monthlyPartitions({ start: "2020-01", timezone: "Europe/Paris" }))).not.toThrow();
  });

  it("rejects a missing or malformed downstream key", () => {
    expect(() => timeWindowMapping().upstreamFor(undefined, monthly, monthly, context)).toThrow(PartitionMappingError);
    expect(() => timeWindowMapping().upstreamFor("2025-13", monthly, monthly, context)).toThrow(PartitionKeyError);
  });
});
