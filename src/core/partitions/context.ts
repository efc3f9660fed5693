/**
 * Helpers shared by the partitions definitions: resolving "now" once per
 * call, and ranges over ordered key lists.
 */
import { PartitionKeyError } from "../errors";
import type { PartitionKeyContext } from "./types";

export type ResolvedContext = PartitionKeyContext & { now: Date };

/**
 * The context with `now` filled in. Called once at the entry of a public
 * method and passed down, so one call never sees two different "now"s.
 */
export function resolveContext(context?: PartitionKeyContext): ResolvedContext {
  return { ...context, now: context?.now ?? new Date() };
}

/** The keys from `from` to `to` (inclusive) of an ordered key list whose members were validated. */
export function sliceOrderedKeys(keys: readonly string[], from: string, to: string, what: string): string[] {
  const fromIndex = keys.indexOf(from);
  const toIndex = keys.indexOf(to);
  if (fromIndex > toIndex) {
    throw new PartitionKeyError(`Partition range "${from}" to "${to}" of ${what} is reversed: "${from}" comes after "${to}".`, {
      hint: `Swap the bounds: from "${to}" to "${from}".`,
    });
  }
  return keys.slice(fromIndex, toIndex + 1);
}

/** A short list of values for messages: `ES, NQ, CL` or `ES, NQ, … (40 values)`. */
export function listForMessage(values: readonly string[], max = 8): string {
  if (values.length <= max) return values.join(", ");
  return `${values.slice(0, max).join(", ")}, … (${values.length} values)`;
}
