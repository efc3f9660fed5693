/**
 * Wall-clock arithmetic behind time partitions.
 *
 * A time partition key is a label of local wall-clock time in the
 * definition's timezone: `2024-03-10` is "every instant whose local date in
 * America/Chicago is March 10". Labels are handled as "wall" numbers: the
 * local date-time read as if it were UTC, in milliseconds. Wall numbers sort
 * like keys and make calendar steps plain arithmetic; the timezone only
 * matters when converting between walls and real instants.
 *
 * DST falls out of that definition:
 * - a partition's window is [first instant carrying its label, first instant
 *   carrying the next label), so daily windows are 23 or 25 hours long on DST
 *   days and a monthly window has the hours of its days;
 * - an hour the clocks skip (02:00 on a spring-forward night in Chicago)
 *   carries no instant, so that hourly key does not exist and the day has 23
 *   hourly partitions;
 * - an hour the clocks repeat (01:00 on a fall-back night) is one key whose
 *   window holds both occurrences (two hours long), so keys stay unique and
 *   windows contiguous.
 * Calendar days and months always exist (a zone that skipped a whole day,
 * like Pacific/Apia on 2011-12-30, gives that day an empty window).
 */
import { IANAZone } from "luxon";
import type { TimeGranularity } from "./types";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Entries kept by each of the caches below before they start over. */
const CACHE_SIZE = 10_000;

/** Key format per granularity; the year is four digits from 1000 so `Date.UTC` never reinterprets it. */
const KEY_FORMATS: Record<TimeGranularity, { format: string; pattern: RegExp; isoLength: number }> = {
  monthly: { format: "YYYY-MM", pattern: /^([1-9]\d{3})-(\d{2})$/, isoLength: 7 },
  daily: { format: "YYYY-MM-DD", pattern: /^([1-9]\d{3})-(\d{2})-(\d{2})$/, isoLength: 10 },
  hourly: { format: "YYYY-MM-DDTHH", pattern: /^([1-9]\d{3})-(\d{2})-(\d{2})T(\d{2})$/, isoLength: 13 },
};

export function keyFormatOf(granularity: TimeGranularity): string {
  return KEY_FORMATS[granularity].format;
}

/** The IANA name of `timezone` in its canonical spelling (`utc` → `UTC`), or undefined when unknown. */
export function canonicalTimezone(timezone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: timezone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export class TimeAxis {
  private readonly zone: IANAZone;
  /** UTC has no offsets to look up and no skipped or repeated hours: every step is arithmetic. */
  private readonly isUtc: boolean;
  private readonly offsetCache = new Map<number, number>();
  private readonly parseCache = new Map<string, number | undefined>();

  constructor(
    readonly granularity: TimeGranularity,
    readonly timezone: string,
  ) {
    this.zone = IANAZone.create(timezone);
    this.isUtc = timezone === "UTC";
  }

  /** The label's wall number, or undefined when `key` is malformed (wrong shape, month 13, Feb 30, hour 24). */
  parse(key: string): number | undefined {
    // Mappings parse the same keys several times (window, offset, membership).
    const cached = this.parseCache.get(key);
    if (cached !== undefined || this.parseCache.has(key)) return cached;
    if (this.parseCache.size >= CACHE_SIZE) this.parseCache.clear();
    const wall = this.parseUncached(key);
    this.parseCache.set(key, wall);
    return wall;
  }

  /** The key of a label's wall number; undefined past year 9999 (keys have four-digit years). */
  format(wall: number): string | undefined {
    const year = new Date(wall).getUTCFullYear();
    if (!Number.isFinite(wall) || year < 1000 || year > 9999) return undefined;
    return new Date(wall).toISOString().slice(0, KEY_FORMATS[this.granularity].isoLength);
  }

  /** Calendar step of `n` units on the wall clock (may land on an hour the zone skips). */
  add(wall: number, n: number): number {
    switch (this.granularity) {
      case "hourly":
        return wall + n * HOUR;
      case "daily":
        return wall + n * DAY;
      case "monthly": {
        const date = new Date(wall);
        return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + n, 1);
      }
    }
  }

  /** The label (wall number) carried by a real instant. */
  labelOf(instant: number): number {
    const wall = this.wallOf(instant);
    switch (this.granularity) {
      case "hourly":
        return Math.floor(wall / HOUR) * HOUR;
      case "daily":
        return Math.floor(wall / DAY) * DAY;
      case "monthly": {
        const date = new Date(wall);
        return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
      }
    }
  }

  /** False only for hourly labels the clocks skip at a DST change. */
  exists(wall: number): boolean {
    if (this.isCalendarExact() || this.steadyOffsetNear(wall) !== undefined) return true;
    return this.labelOf(this.startInstant(wall)) === wall;
  }

  /** The label's window: from its first instant to the first instant of the next label. */
  window(wall: number): { start: number; end: number } {
    return { start: this.startInstant(wall), end: this.startInstant(this.add(wall, 1)) };
  }

  next(wall: number): number {
    const following = this.add(wall, 1);
    if (this.isCalendarExact() || this.steadyOffsetNear(following) !== undefined) return following;
    return this.labelOf(this.startInstant(following));
  }

  previous(wall: number): number {
    const preceding = this.add(wall, -1);
    if (this.isCalendarExact() || this.steadyOffsetNear(wall) !== undefined) return preceding;
    return this.labelOf(this.startInstant(wall) - 1);
  }

  /**
   * `n` existing labels after (negative: before) `wall`. Hourly labels in a
   * zone with DST are walked one by one so skipped hours are not counted
   * (cheap away from offset changes, see steadyOffsetNear); everything else
   * is a calendar step.
   */
  offset(wall: number, n: number): number {
    if (this.isCalendarExact()) return this.add(wall, n);
    let current = wall;
    for (let i = 0; i < Math.abs(n); i++) current = n > 0 ? this.next(current) : this.previous(current);
    return current;
  }

  /** The earliest instant whose wall clock reads `wall` or later. */
  startInstant(wall: number): number {
    if (this.isUtc) return wall;
    const steady = this.steadyOffsetNear(wall);
    if (steady !== undefined) return wall - steady;
    // The instant is wall minus the offset in force then, one of the offsets
    // before and after the change near it.
    const { before, after } = this.offsetsAround(wall);
    const candidates = [wall - before, wall - after].filter((instant) => this.wallOf(instant) === wall);
    // Two candidates: the wall time happens twice (clocks set back); take the first.
    if (candidates.length > 0) return Math.min(...candidates);
    // None: the clocks jump over `wall`; the answer is the moment of the jump.
    // Binary search between an instant before it and one after it.
    let low = wall - after;
    let high = wall - before;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (this.wallOf(middle) >= wall) high = middle;
      else low = middle;
    }
    return high;
  }

  /**
   * The offsets a day before and a day after the local day of `wall`: the
   * instant of `wall` is at most 14 hours from `wall` read as UTC, so these
   * bracket any offset change that matters. Probing at day boundaries lets
   * all hours of a day share two cached probes.
   */
  private offsetsAround(wall: number): { before: number; after: number } {
    const day = Math.floor(wall / DAY) * DAY;
    return { before: this.offsetAt(day - DAY), after: this.offsetAt(day + 2 * DAY) };
  }

  /**
   * The offset when it is the same on both sides of `wall`'s day: then no
   * change happens near it (zones change offset at most once in three days)
   * and wall and instant differ by that offset.
   */
  private steadyOffsetNear(wall: number): number | undefined {
    const { before, after } = this.offsetsAround(wall);
    return before === after ? before : undefined;
  }

  private parseUncached(key: string): number | undefined {
    const match = KEY_FORMATS[this.granularity].pattern.exec(key);
    if (!match) return undefined;
    const [year = 0, month = 1, day = 1, hour = 0] = match.slice(1).map(Number);
    const wall = Date.UTC(year, month - 1, day, hour);
    // Date.UTC rolls invalid dates over (Feb 30 → Mar 1); a round trip catches them.
    return this.format(wall) === key ? wall : undefined;
  }

  private wallOf(instant: number): number {
    return instant + this.offsetAt(instant);
  }

  private offsetAt(instant: number): number {
    if (this.isUtc) return 0;
    // Walking hourly keys asks for the same instants again and again (the
    // probes a day either side of each hour); the lookup through Intl is the
    // slow part, so remember recent answers. Offsets never change, so the
    // cache only trades memory for time.
    let offset = this.offsetCache.get(instant);
    if (offset === undefined) {
      if (this.offsetCache.size >= CACHE_SIZE) this.offsetCache.clear();
      offset = this.zone.offset(instant) * MINUTE;
      this.offsetCache.set(instant, offset);
    }
    return offset;
  }

  /** Days and months never skip (see the module comment); UTC hours never do. */
  private isCalendarExact(): boolean {
    return this.isUtc || this.granularity !== "hourly";
  }
}
