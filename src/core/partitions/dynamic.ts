/**
 * Dynamic partitions: keys added at run time (e.g. one per vendor file),
 * stored in the catalog under the definition's name. The definition itself
 * holds no keys: every call reads them from `context.dynamicKeys(name)`.
 */
import { DefinitionError, PartitionKeyError, didYouMean } from "../errors";
import { sliceOrderedKeys } from "./context";
import type { DynamicPartitionsDefinition, PartitionKeyContext } from "./types";

/** Partitions whose keys live in the catalog under `name`. */
export function dynamicPartitions(name: string): DynamicPartitionsDefinition {
  return new DynamicPartitions(name);
}

class DynamicPartitions implements DynamicPartitionsDefinition {
  readonly kind = "dynamic" as const;
  readonly id: string;
  readonly keyFormat: string;

  constructor(readonly name: string) {
    if (typeof name !== "string" || name.trim() === "" || name !== name.trim()) {
      throw new DefinitionError(`dynamicPartitions needs a non-empty name without surrounding spaces, got ${JSON.stringify(name)}.`, {
        hint: 'e.g. dynamicPartitions("ttb_landing_files")',
      });
    }
    this.id = `dynamic(${JSON.stringify(name)})`;
    this.keyFormat = `a key added to dynamic partitions "${name}"`;
  }

  validateKey(key: string, context?: PartitionKeyContext): void {
    const keys = this.keys(context);
    if (typeof key === "string" && keys.includes(key)) return;
    const source =
      context?.dynamicKeys === undefined
        ? "no dynamic partition keys were provided to look it up"
        : keys.length === 0
          ? "no keys have been added yet"
          : `it has ${keys.length} keys`;
    const suggestion = typeof key === "string" ? didYouMean(key, keys) : undefined;
    throw new PartitionKeyError(`Partition key "${String(key)}" is not a key of dynamic partitions "${this.name}" (${source}).`, {
      hint: `${suggestion ? `${suggestion} Otherwise add` : "Add"} "${String(key)}" to dynamic partitions "${this.name}" in the catalog first, then retry.`,
    });
  }

  hasKey(key: string, context?: PartitionKeyContext): boolean {
    return this.keys(context).includes(key);
  }

  keys(context?: PartitionKeyContext): string[] {
    return [...(context?.dynamicKeys?.(this.name) ?? [])];
  }

  keysInRange(from: string, to: string, context?: PartitionKeyContext): string[] {
    this.validateKey(from, context);
    this.validateKey(to, context);
    return sliceOrderedKeys(this.keys(context), from, to, `dynamic partitions "${this.name}"`);
  }
}
