/**
 * Monthly, daily and hourly partitions: `monthlyPartitions({ start: "2011-01" })`.
 *
 * Keys are local wall-clock labels in the definition's timezone (see
 * time-axis.ts for the DST rules). The partitions run from `start` to the
 * exclusive `end`; a partition exists once its window has ended, so with no
 * `end` (or an `end` in the future) the last key is the last partition
 * complete before `context.now`.
 */
import { DefinitionError, PartitionKeyError } from "../errors";
import { resolveContext } from "./context";
import { TimeAxis, canonicalTimezone, keyFormatOf } from "./time-axis";
import type { PartitionKeyContext, TimeGranularity, TimePartitionsDefinition, TimeWindow } from "./types";

export interface TimePartitionsSpec {
  /** Key of the first partition, in the granularity's format: `2011-01`, `2024-01-01`, `2024-01-01T00`. */
  start: string;
  /** Key of the first partition NOT included (exclusive end). Omit for partitions that keep coming. */
  end?: string;
  /** IANA timezone the windows are computed in. Default `UTC`. */
  timezone?: string;
}

/** Month partitions, keys `YYYY-MM`, e.g. `monthlyPartitions({ start: "2011-01" })`. */
export function monthlyPartitions(spec: TimePartitionsSpec): TimePartitionsDefinition {
  return new TimePartitions("monthly", spec);
}

/** Day partitions, keys `YYYY-MM-DD`, e.g. `dailyPartitions({ start: "2024-01-01", timezone: "America/Chicago" })`. */
export function dailyPartitions(spec: TimePartitionsSpec): TimePartitionsDefinition {
  return new TimePartitions("daily", spec);
}

/** Hour partitions, keys `YYYY-MM-DDTHH`, e.g. `hourlyPartitions({ start: "2024-01-01T00" })`. */
export function hourlyPartitions(spec: TimePartitionsSpec): TimePartitionsDefinition {
  return new TimePartitions("hourly", spec);
}

class TimePartitions implements TimePartitionsDefinition {
  readonly kind = "time" as const;
  readonly id: string;
  readonly keyFormat: string;
  readonly timezone: string;
  private readonly axis: TimeAxis;
  private readonly startKey: string;
  private readonly startWall: number;
  private readonly endWall: number | undefined;

  constructor(
    readonly granularity: TimeGranularity,
    spec: TimePartitionsSpec,
  ) {
    const what = `${granularity}Partitions`;
    this.keyFormat = keyFormatOf(granularity);
    const timezone = canonicalTimezone(spec.timezone ?? "UTC");
    if (timezone === undefined) {
      throw new DefinitionError(`${what}: unknown timezone "${String(spec.timezone)}".`, {
        hint: 'Use an IANA timezone name, e.g. "UTC" or "America/Chicago".',
      });
    }
    this.timezone = timezone;
    this.axis = new TimeAxis(granularity, timezone);
    this.startKey = spec.start;
    this.startWall = this.parseBound(what, "start", spec.start);
    this.endWall = spec.end === undefined ? undefined : this.parseBound(what, "end", spec.end);
    if (this.endWall !== undefined && this.endWall <= this.startWall) {
      throw new DefinitionError(`${what}: end "${String(spec.end)}" must come after start "${spec.start}" (the end is exclusive).`, {
        hint: "Use an end at least one partition after the start, or omit it.",
      });
    }
    const end = spec.end === undefined ? "" : `, end=${spec.end}`;
    this.id = `${granularity}(start=${spec.start}${end}, tz=${timezone})`;
  }

  get start(): Date {
    return new Date(this.axis.startInstant(this.startWall));
  }

  get end(): Date | undefined {
    return this.endWall === undefined ? undefined : new Date(this.axis.startInstant(this.endWall));
  }

  validateKey(key: string, context?: PartitionKeyContext): void {
    this.checkedWall(key, resolveContext(context).now);
  }

  /** Without building errors: mappings ask this for every mapped key, many of them outside the range. */
  hasKey(key: string, context?: PartitionKeyContext): boolean {
    const wall = typeof key === "string" ? this.axis.parse(key) : undefined;
    if (wall === undefined || wall < this.startWall || !this.axis.exists(wall)) return false;
    const last = this.lastWallBefore(resolveContext(context).now.getTime());
    return last !== undefined && wall <= last;
  }

  keys(context?: PartitionKeyContext): string[] {
    const last = this.lastWallBefore(resolveContext(context).now.getTime());
    return last === undefined ? [] : this.enumerate(this.startWall, last);
  }

  keysInRange(from: string, to: string, context?: PartitionKeyContext): string[] {
    const now = resolveContext(context).now;
    const fromWall = this.checkedWall(from, now);
    const toWall = this.checkedWall(to, now);
    if (fromWall > toWall) {
      throw new PartitionKeyError(`Partition range "${from}" to "${to}" is reversed: ${from} comes after ${to}.`, {
        hint: `Swap the bounds: from "${to}" to "${from}".`,
      });
    }
    return this.enumerate(fromWall, toWall);
  }

  /** The window of any well-formed key, in range or not (mappings look past the range's edges). */
  timeWindow(key: string): TimeWindow {
    const { start, end } = this.axis.window(this.parseKey(key));
    return { start: new Date(start), end: new Date(end) };
  }

  keyForTime(t: Date): string {
    return this.formatKey(this.axis.labelOf(this.instantOf(t, "keyForTime")));
  }

  offsetKey(key: string, n: number): string {
    if (!Number.isInteger(n)) {
      throw new PartitionKeyError(`offsetKey("${key}", ${n}): the offset must be an integer number of partitions.`);
    }
    return this.formatKey(this.axis.offset(this.parseKey(key), n));
  }

  previous(key: string): string | undefined {
    const wall = this.axis.previous(this.parseKey(key));
    return this.isInBounds(wall) ? this.formatKey(wall) : undefined;
  }

  next(key: string, context?: PartitionKeyContext): string | undefined {
    const wall = this.axis.next(this.parseKey(key));
    const last = this.lastWallBefore(resolveContext(context).now.getTime());
    return last !== undefined && wall >= this.startWall && wall <= last ? this.formatKey(wall) : undefined;
  }

  lastCompleteBefore(t: Date): string | undefined {
    const wall = this.lastWallBefore(this.instantOf(t, "lastCompleteBefore"));
    return wall === undefined ? undefined : this.formatKey(wall);
  }

  keysOverlapping(window: TimeWindow, context?: PartitionKeyContext): string[] {
    const start = this.instantOf(window.start, "keysOverlapping");
    const end = this.instantOf(window.end, "keysOverlapping");
    const last = this.lastWallBefore(resolveContext(context).now.getTime());
    if (end <= start || last === undefined) return [];
    const keys: string[] = [];
    for (let wall = Math.max(this.axis.labelOf(start), this.startWall); wall <= last && this.axis.startInstant(wall) < end; wall = this.axis.next(wall)) {
      keys.push(this.formatKey(wall));
    }
    return keys;
  }

  isOutOfRange(key: string): boolean {
    const wall = typeof key === "string" ? this.axis.parse(key) : undefined;
    return wall !== undefined && this.axis.exists(wall) && !this.isInBounds(wall);
  }

  /**
   * The last in-range partition whose window ended at or before instant `t`:
   * the one before the partition containing `t`, capped by `end`.
   */
  private lastWallBefore(t: number): number | undefined {
    let wall = this.axis.previous(this.axis.labelOf(t));
    if (this.endWall !== undefined && wall >= this.endWall) wall = this.axis.previous(this.endWall);
    return wall >= this.startWall ? wall : undefined;
  }

  private isInBounds(wall: number): boolean {
    return wall >= this.startWall && (this.endWall === undefined || wall < this.endWall);
  }

  private enumerate(fromWall: number, toWall: number): string[] {
    const keys: string[] = [];
    for (let wall = fromWall; wall <= toWall; wall = this.axis.next(wall)) keys.push(this.formatKey(wall));
    return keys;
  }

  /** A key's wall number when it is a key of this definition at time `now`; otherwise a PartitionKeyError saying why. */
  private checkedWall(key: string, now: Date): number {
    const wall = this.parseKey(key);
    const last = this.lastWallBefore(now.getTime());
    if (wall >= this.startWall && last !== undefined && wall <= last) return wall;
    const valid = last === undefined ? `none is complete before ${now.toISOString()}` : `valid keys are ${this.startKey} to ${this.formatKey(last)}`;
    const hint = last === undefined ? `The first partition, ${this.startKey}, exists once its window has ended.` : `Use a key from ${this.startKey} to ${this.formatKey(last)}.`;
    if (wall < this.startWall) {
      throw new PartitionKeyError(`Partition key "${key}" is before the first ${this.granularity} partition ${this.startKey} (${valid}).`, { hint });
    }
    if (this.endWall !== undefined && wall >= this.endWall) {
      const lastKey = this.formatKey(this.axis.previous(this.endWall));
      throw new PartitionKeyError(`Partition key "${key}" is after the last ${this.granularity} partition ${lastKey} (${valid}).`, { hint });
    }
    const endsAt = new Date(this.axis.window(wall).end).toISOString();
    throw new PartitionKeyError(`Partition key "${key}" is not complete yet: its window ends at ${endsAt} (${valid}).`, {
      hint: `A time partition exists once its window has ended. ${hint}`,
    });
  }

  /** The wall number of a well-formed key that exists in this timezone; PartitionKeyError otherwise. */
  private parseKey(key: string): number {
    const wall = typeof key === "string" ? this.axis.parse(key) : undefined;
    if (wall === undefined) {
      const bounds = this.endWall === undefined ? `from ${this.startKey}` : `from ${this.startKey} to ${this.formatKey(this.axis.previous(this.endWall))}`;
      throw new PartitionKeyError(`Partition key "${String(key)}" is not a valid ${this.granularity} key (expected ${this.keyFormat}, ${bounds}).`, {
        hint: `Write ${this.granularity} keys as ${this.keyFormat}, e.g. "${this.startKey}".`,
      });
    }
    if (!this.axis.exists(wall)) {
      const before = this.formatKey(this.axis.previous(wall));
      const after = this.formatKey(this.axis.labelOf(this.axis.startInstant(wall)));
      throw new PartitionKeyError(`Partition key "${key}" does not exist in ${this.timezone}: the clocks skip that hour (a UTC offset change).`, {
        hint: `The hour before it is "${before}" and the hour after it is "${after}".`,
      });
    }
    return wall;
  }

  private parseBound(what: string, bound: "start" | "end", key: string): number {
    const wall = typeof key === "string" ? this.axis.parse(key) : undefined;
    if (wall === undefined || !this.axis.exists(wall)) {
      throw new DefinitionError(`${what}: invalid ${bound} "${String(key)}" (expected a ${this.granularity} key ${this.keyFormat} that exists in ${this.timezone}).`, {
        hint: `e.g. ${bound}: "${this.formatKey(Date.UTC(2024, 0, 1))}".`,
      });
    }
    return wall;
  }

  private formatKey(wall: number): string {
    const key = this.axis.format(wall);
    if (key === undefined) {
      throw new PartitionKeyError(`A ${this.granularity} partition key would fall outside the years 1000 to 9999.`, {
        hint: "Use a smaller offset or range.",
      });
    }
    return key;
  }

  private instantOf(t: Date, method: string): number {
    const instant = t instanceof Date ? t.getTime() : Number.NaN;
    if (Number.isNaN(instant)) {
      throw new PartitionKeyError(`${method} needs a valid Date, got ${String(t)}.`, { hint: "Pass a Date object with a valid time." });
    }
    return instant;
  }
}
