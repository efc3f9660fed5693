/**
 * Two-dimensional partitions, e.g. month × futures root:
 * `multiPartitions({ date: monthlyPartitions({ start: "2011-01" }), root: staticPartitions(["ES", "NQ"]) })`.
 * A key is the first dimension's key, `|`, the second's: `2025-10|ES`.
 * Keys are ordered first dimension outer: `2011-01|ES, 2011-01|NQ, 2011-02|ES, …`.
 */
import { DefinitionError, PartitionKeyError } from "../errors";
import { resolveContext, sliceOrderedKeys } from "./context";
import type { MultiDimension, MultiPartitionsDefinition, PartitionKeyContext, PartitionsDefinition } from "./types";

export const MULTI_KEY_SEPARATOR = "|";

/** Exactly two named dimensions, in the order given; neither may itself be multi. */
export function multiPartitions(dimensions: Record<string, PartitionsDefinition>): MultiPartitionsDefinition {
  return new MultiPartitions(dimensions);
}

class MultiPartitions implements MultiPartitionsDefinition {
  readonly kind = "multi" as const;
  readonly id: string;
  readonly keyFormat: string;
  readonly dimensions: readonly [MultiDimension, MultiDimension];

  constructor(spec: Record<string, PartitionsDefinition>) {
    const entries = Object.entries(spec ?? {});
    const [first, second] = entries.map(([name, partitions]): MultiDimension => ({ name, partitions }));
    if (entries.length !== 2 || first === undefined || second === undefined) {
      throw new DefinitionError(`multiPartitions needs exactly two dimensions, got ${entries.length}.`, {
        hint: "e.g. multiPartitions({ date: monthlyPartitions({ start: \"2011-01\" }), root: staticPartitions([\"ES\", \"NQ\"]) })",
      });
    }
    for (const { name, partitions } of [first, second]) {
      if (name.trim() === "" || name.includes(MULTI_KEY_SEPARATOR)) {
        throw new DefinitionError(`multiPartitions: dimension name ${JSON.stringify(name)} must be non-empty and free of "|".`);
      }
      if (typeof partitions !== "object" || partitions === null || typeof partitions.validateKey !== "function") {
        throw new DefinitionError(`multiPartitions: dimension "${name}" is not a partitions definition.`, {
          hint: "Use monthlyPartitions(...), staticPartitions(...), dynamicPartitions(...) and the like.",
        });
      }
      if (partitions.kind === "multi") {
        throw new DefinitionError(`multiPartitions: dimension "${name}" is itself multi-dimensional.`, { hint: "Use two single-dimension definitions." });
      }
    }
    this.dimensions = [first, second];
    this.id = `multi(${first.name}=${first.partitions.id}, ${second.name}=${second.partitions.id})`;
    this.keyFormat = `${first.partitions.keyFormat}${MULTI_KEY_SEPARATOR}${second.partitions.keyFormat}`;
  }

  split(key: string): Record<string, string> {
    const parts = typeof key === "string" ? key.split(MULTI_KEY_SEPARATOR) : [];
    const [firstValue, secondValue] = parts;
    if (parts.length !== 2 || firstValue === undefined || secondValue === undefined) {
      const [first, second] = this.dimensions;
      throw new PartitionKeyError(`Partition key "${String(key)}" is not a valid multi-partition key (expected ${this.keyFormat}).`, {
        hint: `Join the ${first.name} key and the ${second.name} key with "|", e.g. "2025-10|ES".`,
      });
    }
    return { [this.dimensions[0].name]: firstValue, [this.dimensions[1].name]: secondValue };
  }

  join(values: Record<string, string>): string {
    const parts = this.dimensions.map(({ name }) => {
      const value = values[name];
      if (typeof value !== "string") {
        throw new PartitionKeyError(`Cannot build a multi-partition key: no value for dimension "${name}".`, {
          hint: `Give a value for each of ${this.dimensions.map((d) => `"${d.name}"`).join(" and ")}.`,
        });
      }
      return value;
    });
    return parts.join(MULTI_KEY_SEPARATOR);
  }

  validateKey(key: string, context?: PartitionKeyContext): void {
    const resolved = resolveContext(context);
    const values = this.split(key);
    for (const { name, partitions } of this.dimensions) {
      try {
        partitions.validateKey(values[name] ?? "", resolved);
      } catch (error) {
        if (!(error instanceof PartitionKeyError)) throw error;
        throw new PartitionKeyError(`Partition key "${key}" has an invalid ${name}: ${error.message}`, { hint: error.hint, cause: error });
      }
    }
  }

  hasKey(key: string, context?: PartitionKeyContext): boolean {
    const parts = typeof key === "string" ? key.split(MULTI_KEY_SEPARATOR) : [];
    if (parts.length !== 2) return false;
    const resolved = resolveContext(context);
    return this.dimensions.every(({ partitions }, index) => partitions.hasKey(parts[index] ?? "", resolved));
  }

  keys(context?: PartitionKeyContext): string[] {
    const resolved = resolveContext(context);
    const [first, second] = this.dimensions;
    const secondKeys = second.partitions.keys(resolved);
    return first.partitions.keys(resolved).flatMap((a) => secondKeys.map((b) => `${a}${MULTI_KEY_SEPARATOR}${b}`));
  }

  /** The keys between `from` and `to` in key order (first dimension outer), not a box of both dimensions' ranges. */
  keysInRange(from: string, to: string, context?: PartitionKeyContext): string[] {
    const resolved = resolveContext(context);
    this.validateKey(from, resolved);
    this.validateKey(to, resolved);
    return sliceOrderedKeys(this.keys(resolved), from, to, "multi partitions");
  }
}
