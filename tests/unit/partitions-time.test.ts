import { DefinitionError, PartitionKeyError } from "../../src/core/errors";
import { dailyPartitions, hourlyPartitions, isTimePartitions, monthlyPartitions } from "../../src/core/partitions";

const now = new Date("2025-10-15T12:00:00Z");
const at = (iso: string) => new Date(iso);
const iso = (window: { start: Date; end: Date }) => [window.start.toISOString(), window.end.toISOString()];
const hours = (window: { start: Date; end: Date }) => (window.end.getTime() - window.start.getTime()) / 3_600_000;

function keyError(run: () => unknown): PartitionKeyError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PartitionKeyError);
    return error as PartitionKeyError;
  }
  throw new Error("expected a PartitionKeyError");
}

describe("monthlyPartitions", () => {
  const monthly = monthlyPartitions({ start: "2011-01" });

  it("describes itself with a stable id and the key format", () => {
    expect(monthly.kind).toBe("time");
    expect(isTimePartitions(monthly)).toBe(true);
    expect(monthly.granularity).toBe("monthly");
    expect(monthly.keyFormat).toBe("YYYY-MM");
    expect(monthly.id).toBe("monthly(start=2011-01, tz=UTC)");
    expect(monthlyPartitions({ start: "2011-01", timezone: "utc" }).id).toBe(monthly.id);
    expect(monthlyPartitions({ start: "2011-01", end: "2026-01" }).id).toBe("monthly(start=2011-01, end=2026-01, tz=UTC)");
    expect(monthly.start.toISOString()).toBe("2011-01-01T00:00:00.000Z");
    expect(monthly.end).toBeUndefined();
  });

  it("has the complete months before now when open-ended", () => {
    const keys = monthly.keys({ now });
    expect(keys).toHaveLength(14 * 12 + 9);
    expect(keys.slice(0, 2)).toEqual(["2011-01", "2011-02"]);
    expect(keys.slice(-2)).toEqual(["2025-08", "2025-09"]);
    expect(monthly.hasKey("2025-09", { now })).toBe(true);
    expect(monthly.hasKey("2025-10", { now })).toBe(false);
    expect(monthly.hasKey("2025-10", { now: at("2025-11-01T00:00:00Z") })).toBe(true);
  });

  it("maps keys to windows and instants to keys", () => {
    expect(iso(monthly.timeWindow("2024-02"))).toEqual(["2024-02-01T00:00:00.000Z", "2024-03-01T00:00:00.000Z"]);
    expect(iso(monthly.timeWindow("2024-12"))).toEqual(["2024-12-01T00:00:00.000Z", "2025-01-01T00:00:00.000Z"]);
    expect(monthly.keyForTime(at("2024-12-31T23:59:59.999Z"))).toBe("2024-12");
    expect(monthly.keyForTime(at("2025-01-01T00:00:00Z"))).toBe("2025-01");
  });

  it("offsets across year boundaries", () => {
    expect(monthly.offsetKey("2024-12", 1)).toBe("2025-01");
    expect(monthly.offsetKey("2025-01", -1)).toBe("2024-12");
    expect(monthly.offsetKey("2024-11", 14)).toBe("2026-01");
    expect(monthly.offsetKey("2024-03", -27)).toBe("2021-12");
    // offsetKey ignores the range on purpose: mappings look before the start.
    expect(monthly.offsetKey("2011-01", -1)).toBe("2010-12");
    expect(() => monthly.offsetKey("2024-01", 0.5)).toThrow(PartitionKeyError);
  });

  it("gives previous and next within the range", () => {
    expect(monthly.previous("2025-01")).toBe("2024-12");
    expect(monthly.previous("2011-01")).toBeUndefined();
    expect(monthly.next("2025-08", { now })).toBe("2025-09");
    expect(monthly.next("2025-09", { now })).toBeUndefined();
  });

  it("finds the last complete partition before a time (what schedules materialize)", () => {
    expect(monthly.lastCompleteBefore(at("2025-11-01T02:00:00Z"))).toBe("2025-10");
    expect(monthly.lastCompleteBefore(at("2025-11-01T00:00:00Z"))).toBe("2025-10");
    expect(monthly.lastCompleteBefore(at("2025-10-31T23:59:59Z"))).toBe("2025-09");
    expect(monthly.lastCompleteBefore(at("2011-01-20T00:00:00Z"))).toBeUndefined();
    expect(monthly.lastCompleteBefore(at("2011-02-01T00:00:00Z"))).toBe("2011-01");
  });

  it("lists keys in an inclusive range and rejects reversed or invalid bounds", () => {
    expect(monthly.keysInRange("2024-11", "2025-02", { now })).toEqual(["2024-11", "2024-12", "2025-01", "2025-02"]);
    expect(monthly.keysInRange("2024-02", "2024-02", { now })).toEqual(["2024-02"]);
    expect(keyError(() => monthly.keysInRange("2025-02", "2024-11", { now })).message).toContain("reversed");
    expect(() => monthly.keysInRange("2010-12", "2011-02", { now })).toThrow(PartitionKeyError);
    expect(() => monthly.keysInRange("2025-01", "2025-10", { now })).toThrow(PartitionKeyError);
  });

  it("lists the in-range keys overlapping a window", () => {
    expect(monthly.keysOverlapping({ start: at("2024-01-15T00:00:00Z"), end: at("2024-03-01T00:00:00Z") }, { now })).toEqual(["2024-01", "2024-02"]);
    expect(monthly.keysOverlapping({ start: at("2010-11-15T00:00:00Z"), end: at("2011-01-02T00:00:00Z") }, { now })).toEqual(["2011-01"]);
    expect(monthly.keysOverlapping({ start: at("2025-09-15T00:00:00Z"), end: at("2026-01-01T00:00:00Z") }, { now })).toEqual(["2025-09"]);
    expect(monthly.keysOverlapping({ start: at("2024-03-01T00:00:00Z"), end: at("2024-03-01T00:00:00Z") }, { now })).toEqual([]);
  });

  it("rejects malformed keys naming the format and the range", () => {
    const error = keyError(() => monthly.validateKey("2025-13", { now }));
    expect(error.message).toBe('Partition key "2025-13" is not a valid monthly key (expected YYYY-MM, from 2011-01).');
    expect(error.hint).toContain("YYYY-MM");
    for (const bad of ["2025-1", "2025-00", "25-01", "2025-01-01", "", "2025/01"]) {
      expect(() => monthly.validateKey(bad, { now })).toThrow(/expected YYYY-MM/);
    }
  });

  it("rejects keys before the start and not yet complete, saying which keys are valid", () => {
    const before = keyError(() => monthly.validateKey("2010-12", { now }));
    expect(before.message).toContain("before the first monthly partition 2011-01");
    expect(before.hint).toBe("Use a key from 2011-01 to 2025-09.");
    const future = keyError(() => monthly.validateKey("2025-10", { now }));
    expect(future.message).toContain("not complete yet");
    expect(future.message).toContain("2025-11-01T00:00:00.000Z");
    expect(future.message).toContain("2011-01 to 2025-09");
  });

  describe("with an end", () => {
    const bounded = monthlyPartitions({ start: "2024-01", end: "2025-01" });

    it("stops before the exclusive end", () => {
      expect(bounded.keys({ now })).toHaveLength(12);
      expect(bounded.keys({ now }).at(-1)).toBe("2024-12");
      expect(bounded.end?.toISOString()).toBe("2025-01-01T00:00:00.000Z");
      expect(bounded.lastCompleteBefore(at("2030-01-01T00:00:00Z"))).toBe("2024-12");
      expect(bounded.next("2024-12", { now })).toBeUndefined();
      expect(keyError(() => bounded.validateKey("2025-01", { now })).message).toContain("after the last monthly partition 2024-12");
      expect(keyError(() => bounded.validateKey("2024-13", { now })).message).toContain("(expected YYYY-MM, from 2024-01 to 2024-12)");
    });

    it("also stops at now when the end is in the future", () => {
      expect(bounded.keys({ now: at("2024-06-10T00:00:00Z") }).at(-1)).toBe("2024-05");
    });

    it("tells out-of-range keys from malformed ones", () => {
      expect(bounded.isOutOfRange("2025-01")).toBe(true);
      expect(bounded.isOutOfRange("2023-12")).toBe(true);
      expect(bounded.isOutOfRange("2024-06")).toBe(false);
      expect(bounded.isOutOfRange("garbage")).toBe(false);
    });
  });

  it("rejects bad definitions", () => {
    expect(() => monthlyPartitions({ start: "2011-1" })).toThrow(DefinitionError);
    expect(() => monthlyPartitions({ start: "2011-01", end: "2011-01" })).toThrow(DefinitionError);
    expect(() => monthlyPartitions({ start: "2011-01", end: "2010-12" })).toThrow(/must come after start/);
    expect(() => monthlyPartitions({ start: "2011-01", timezone: "Mars/Olympus" })).toThrow(/unknown timezone "Mars\/Olympus"/);
  });
});

describe("dailyPartitions", () => {
  const daily = dailyPartitions({ start: "2024-01-01" });

  it("handles leap years", () => {
    expect(daily.keyFormat).toBe("YYYY-MM-DD");
    expect(daily.hasKey("2024-02-29", { now })).toBe(true);
    expect(daily.offsetKey("2024-02-28", 1)).toBe("2024-02-29");
    expect(daily.offsetKey("2025-02-28", 1)).toBe("2025-03-01");
    expect(daily.keysInRange("2024-02-27", "2024-03-02", { now })).toEqual(["2024-02-27", "2024-02-28", "2024-02-29", "2024-03-01", "2024-03-02"]);
    expect(daily.keysInRange("2024-01-01", "2024-12-31", { now })).toHaveLength(366);
    expect(daily.keysInRange("2025-01-01", "2025-12-31", { now: at("2026-01-02T00:00:00Z") })).toHaveLength(365);
    const error = keyError(() => daily.validateKey("2025-02-29", { now }));
    expect(error.message).toContain("expected YYYY-MM-DD");
  });

  it("offsets across year boundaries", () => {
    expect(daily.offsetKey("2024-12-31", 1)).toBe("2025-01-01");
    expect(daily.offsetKey("2025-01-01", -1)).toBe("2024-12-31");
    expect(daily.keyForTime(at("2024-12-31T23:59:59.999Z"))).toBe("2024-12-31");
  });

  it("has the days complete before now", () => {
    expect(daily.keys({ now }).at(-1)).toBe("2025-10-14");
    expect(daily.lastCompleteBefore(at("2025-10-15T00:00:00Z"))).toBe("2025-10-14");
  });

  describe("in America/Chicago across DST", () => {
    const chicago = dailyPartitions({ start: "2024-01-01", timezone: "America/Chicago" });

    it("starts days at local midnight", () => {
      expect(chicago.id).toBe("daily(start=2024-01-01, tz=America/Chicago)");
      expect(chicago.start.toISOString()).toBe("2024-01-01T06:00:00.000Z");
      expect(iso(chicago.timeWindow("2024-07-04"))).toEqual(["2024-07-04T05:00:00.000Z", "2024-07-05T05:00:00.000Z"]);
    });

    it("has a 23-hour day when the clocks spring forward and a 25-hour one when they fall back", () => {
      expect(iso(chicago.timeWindow("2024-03-10"))).toEqual(["2024-03-10T06:00:00.000Z", "2024-03-11T05:00:00.000Z"]);
      expect(hours(chicago.timeWindow("2024-03-10"))).toBe(23);
      expect(iso(chicago.timeWindow("2024-11-03"))).toEqual(["2024-11-03T05:00:00.000Z", "2024-11-04T06:00:00.000Z"]);
      expect(hours(chicago.timeWindow("2024-11-03"))).toBe(25);
      expect(hours(chicago.timeWindow("2024-11-04"))).toBe(24);
    });

    it("assigns instants to local days", () => {
      expect(chicago.keyForTime(at("2024-03-10T05:59:59Z"))).toBe("2024-03-09");
      expect(chicago.keyForTime(at("2024-03-10T06:00:00Z"))).toBe("2024-03-10");
      expect(chicago.keyForTime(at("2024-03-11T04:59:59Z"))).toBe("2024-03-10");
      expect(chicago.keyForTime(at("2024-11-04T05:30:00Z"))).toBe("2024-11-03");
      expect(chicago.lastCompleteBefore(at("2024-03-11T05:00:00Z"))).toBe("2024-03-10");
      expect(chicago.lastCompleteBefore(at("2024-03-11T04:59:00Z"))).toBe("2024-03-09");
    });

    it("gives monthly windows the hours of their local days", () => {
      const monthly = monthlyPartitions({ start: "2024-01", timezone: "America/Chicago" });
      expect(iso(monthly.timeWindow("2024-03"))).toEqual(["2024-03-01T06:00:00.000Z", "2024-04-01T05:00:00.000Z"]);
      expect(hours(monthly.timeWindow("2024-03"))).toBe(31 * 24 - 1);
    });
  });
});

describe("hourlyPartitions", () => {
  const hourly = hourlyPartitions({ start: "2024-01-01T00" });

  it("uses YYYY-MM-DDTHH keys", () => {
    expect(hourly.keyFormat).toBe("YYYY-MM-DDTHH");
    expect(hourly.offsetKey("2024-12-31T23", 1)).toBe("2025-01-01T00");
    expect(hourly.keyForTime(at("2024-02-29T13:45:00Z"))).toBe("2024-02-29T13");
    expect(iso(hourly.timeWindow("2024-02-29T13"))).toEqual(["2024-02-29T13:00:00.000Z", "2024-02-29T14:00:00.000Z"]);
    expect(hourly.keys({ now: at("2024-01-01T03:30:00Z") })).toEqual(["2024-01-01T00", "2024-01-01T01", "2024-01-01T02"]);
    const error = keyError(() => hourly.validateKey("2024-01-01 05", { now }));
    expect(error.message).toContain("expected YYYY-MM-DDTHH, from 2024-01-01T00");
    expect(() => hourly.validateKey("2024-01-01T24", { now })).toThrow(PartitionKeyError);
  });

  describe("in America/Chicago across DST", () => {
    const chicago = hourlyPartitions({ start: "2024-01-01T00", timezone: "America/Chicago" });

    it("has no key for the hour the clocks skip", () => {
      expect(chicago.keysInRange("2024-03-10T00", "2024-03-10T04", { now })).toEqual(["2024-03-10T00", "2024-03-10T01", "2024-03-10T03", "2024-03-10T04"]);
      expect(chicago.keysInRange("2024-03-10T00", "2024-03-10T23", { now })).toHaveLength(23);
      const error = keyError(() => chicago.validateKey("2024-03-10T02", { now }));
      expect(error.message).toContain("does not exist in America/Chicago");
      expect(error.hint).toContain('"2024-03-10T01"');
      expect(error.hint).toContain('"2024-03-10T03"');
      expect(() => chicago.timeWindow("2024-03-10T02")).toThrow(PartitionKeyError);
      expect(iso(chicago.timeWindow("2024-03-10T01"))).toEqual(["2024-03-10T07:00:00.000Z", "2024-03-10T08:00:00.000Z"]);
    });

    it("gives the repeated hour one key with a two-hour window", () => {
      expect(iso(chicago.timeWindow("2024-11-03T01"))).toEqual(["2024-11-03T06:00:00.000Z", "2024-11-03T08:00:00.000Z"]);
      expect(chicago.keyForTime(at("2024-11-03T06:30:00Z"))).toBe("2024-11-03T01");
      expect(chicago.keyForTime(at("2024-11-03T07:30:00Z"))).toBe("2024-11-03T01");
      expect(chicago.keyForTime(at("2024-11-03T08:00:00Z"))).toBe("2024-11-03T02");
      expect(chicago.keysInRange("2024-11-03T00", "2024-11-03T23", { now })).toHaveLength(24);
    });

    it("counts only existing hours when offsetting", () => {
      expect(chicago.offsetKey("2024-03-10T01", 1)).toBe("2024-03-10T03");
      expect(chicago.offsetKey("2024-03-10T03", -1)).toBe("2024-03-10T01");
      expect(chicago.offsetKey("2024-03-09T12", 24)).toBe("2024-03-10T13");
      expect(chicago.offsetKey("2024-11-03T01", 1)).toBe("2024-11-03T02");
      expect(chicago.previous("2024-03-10T03")).toBe("2024-03-10T01");
      expect(chicago.lastCompleteBefore(at("2024-03-10T08:00:00Z"))).toBe("2024-03-10T01");
    });
  });
});
