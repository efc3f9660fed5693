/**
 * The arithmetic of time-window mappings between two single time
 * definitions, ignoring their ranges (the caller sorts keys into existing
 * and nonexistent). Works between any granularities and timezones because
 * everything goes through real time windows.
 */
import type { TimePartitionsDefinition, TimeWindow } from "../partitions/types";

export interface Offsets {
  startOffset: number;
  endOffset: number;
}

/** Keys of `def`, in or out of range, whose windows overlap `window` (non-empty), in order. */
export function keysCovering(def: TimePartitionsDefinition, window: TimeWindow): string[] {
  const keys: string[] = [];
  for (let key = def.keyForTime(window.start); def.timeWindow(key).start < window.end; key = def.offsetKey(key, 1)) keys.push(key);
  return keys;
}

/**
 * The downstream partition's window stretched by the offsets, counted in
 * downstream partitions: startOffset -1 starts it at the previous partition,
 * endOffset +1 ends it with the next one.
 */
export function extendedWindow(downstreamKey: string, downstream: TimePartitionsDefinition, offsets: Offsets): TimeWindow {
  return {
    start: downstream.timeWindow(downstream.offsetKey(downstreamKey, offsets.startOffset)).start,
    end: downstream.timeWindow(downstream.offsetKey(downstreamKey, offsets.endOffset)).end,
  };
}

/** Upstream keys read by a downstream key: those overlapping its extended window. */
export function upstreamTimeKeys(
  downstreamKey: string,
  downstream: TimePartitionsDefinition,
  upstream: TimePartitionsDefinition,
  offsets: Offsets,
): string[] {
  return keysCovering(upstream, extendedWindow(downstreamKey, downstream, offsets));
}

/**
 * Downstream keys whose extended window overlaps the upstream key's window.
 * If downstream keys first..last overlap that window, key d's extended
 * window [start of d+startOffset, end of d+endOffset) overlaps it exactly
 * when d+startOffset <= last and d+endOffset >= first, i.e. d runs from
 * first-endOffset to last-startOffset.
 */
export function downstreamTimeKeys(
  upstreamKey: string,
  downstream: TimePartitionsDefinition,
  upstream: TimePartitionsDefinition,
  offsets: Offsets,
): string[] {
  const covering = keysCovering(downstream, upstream.timeWindow(upstreamKey));
  const first = covering[0];
  if (first === undefined) return [];
  const count = covering.length + offsets.endOffset - offsets.startOffset;
  const keys: string[] = [];
  let key = downstream.offsetKey(first, -offsets.endOffset);
  for (let i = 0; i < count; i++) {
    if (i > 0) key = downstream.offsetKey(key, 1);
    keys.push(key);
  }
  return keys;
}
