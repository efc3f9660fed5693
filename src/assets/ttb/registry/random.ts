/**
 * Counter-based pseudo-randomness: every draw is a pure hash of integers
 * (month, day, sequence, purpose), so any record of any month can be
 * regenerated on its own. That is what lets a later extract re-emit an
 * earlier COLA with a new status without keeping state between months.
 */

/** A 32-bit avalanche hash of a list of integers (murmur3 finaliser per step). */
export function hashInts(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const value of values) {
    h = Math.imul(h ^ (value | 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** A uniform draw in [0, 1) for the given coordinates. */
export function unit(...values: number[]): number {
  return hashInts(...values) / 0x1_0000_0000;
}

/** A uniform integer in [0, n). */
export function pick(n: number, ...values: number[]): number {
  return Math.floor(unit(...values) * n);
}

/** An element of a non-empty list. */
export function choose<T>(items: readonly T[], ...values: number[]): T {
  const item = items[pick(items.length, ...values)];
  if (item === undefined) throw new Error("choose() needs a non-empty list");
  return item;
}

/** Purposes keep independent draws on the same coordinates apart. */
export const PURPOSE = {
  dayCount: 1,
  company: 2,
  brand: 3,
  fanciful: 4,
  applicationType: 5,
  receiptMethod: 6,
  serial: 7,
  statusChange: 8,
  statusChangeSource: 9,
  newStatus: 10,
  mess: 11,
  duplicate: 12,
  crossDayDuplicate: 13,
  abv: 14,
  size: 15,
  vintage: 16,
  rename: 17,
  move: 18,
  kind: 19,
  origin: 20,
  words: 21,
  brandCount: 22,
  classType: 23,
} as const;
