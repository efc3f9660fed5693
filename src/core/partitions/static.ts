/**
 * Static partitions: a fixed, ordered list of keys, e.g. the futures roots
 * `staticPartitions(["ES", "NQ", "CL"])`.
 */
import { DefinitionError, PartitionKeyError, didYouMean } from "../errors";
import { listForMessage, sliceOrderedKeys } from "./context";
import type { PartitionKeyContext, StaticPartitionsDefinition } from "./types";

/** Keys are the values, in the given order. Values must be non-empty, unique and free of `|` (the multi-partition separator). */
export function staticPartitions(values: readonly string[]): StaticPartitionsDefinition {
  return new StaticPartitions(values);
}

class StaticPartitions implements StaticPartitionsDefinition {
  readonly kind = "static" as const;
  readonly id: string;
  readonly keyFormat: string;
  readonly values: readonly string[];

  constructor(values: readonly string[]) {
    if (!Array.isArray(values) || values.length === 0) {
      throw new DefinitionError("staticPartitions needs at least one value.", { hint: 'e.g. staticPartitions(["ES", "NQ"])' });
    }
    const seen = new Set<string>();
    for (const value of values) {
      if (typeof value !== "string" || value.trim() === "") {
        throw new DefinitionError(`staticPartitions: values must be non-empty strings, got ${JSON.stringify(value)}.`);
      }
      if (value.includes("|")) {
        throw new DefinitionError(`staticPartitions: value "${value}" contains "|".`, {
          hint: '"|" separates the dimensions of multi-partition keys; use another character, e.g. "-" or "_".',
        });
      }
      if (seen.has(value)) {
        throw new DefinitionError(`staticPartitions: value "${value}" is listed twice.`, { hint: "List each value once." });
      }
      seen.add(value);
    }
    this.values = Object.freeze([...values]);
    // JSON keeps the id unambiguous whatever characters the values hold.
    this.id = `static(${JSON.stringify(this.values)})`;
    this.keyFormat = `one of ${listForMessage(this.values)}`;
  }

  validateKey(key: string, _context?: PartitionKeyContext): void {
    if (typeof key === "string" && this.values.includes(key)) return;
    const suggestion = typeof key === "string" ? didYouMean(key, this.values) : undefined;
    throw new PartitionKeyError(`Partition key "${String(key)}" is not one of the static partitions (expected ${this.keyFormat}).`, {
      hint: suggestion ?? `Use one of: ${listForMessage(this.values, 20)}.`,
    });
  }

  hasKey(key: string, _context?: PartitionKeyContext): boolean {
    return this.values.includes(key);
  }

  keys(_context?: PartitionKeyContext): string[] {
    return [...this.values];
  }

  keysInRange(from: string, to: string, context?: PartitionKeyContext): string[] {
    this.validateKey(from, context);
    this.validateKey(to, context);
    return sliceOrderedKeys(this.values, from, to, "static partitions");
  }
}
