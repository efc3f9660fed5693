/**
 * Names and keys a user typed on the command line. Core reports an unknown
 * job or asset as a definition or graph error (exit 1), which is right for a
 * job that names a missing asset in code; typed by a user, the same lookup
 * is bad usage (exit 2), with the same message and did-you-mean hint.
 */
import { readFileSync } from "node:fs";
import { AssetGraphError, DefinitionError, PlanningError, type AssetNode, type Definitions, type JobDefinition } from "../core";
import { selectionKeys, validateRunConfig } from "../execution";
import { RuntimeError } from "../utils/errors";

function asUsage<T>(lookup: () => T): T {
  try {
    return lookup();
  } catch (error) {
    if (error instanceof DefinitionError || error instanceof AssetGraphError) {
      throw new RuntimeError("USAGE", error.message, { ...(error.hint !== undefined ? { hint: error.hint } : {}), cause: error });
    }
    throw error;
  }
}

export function jobFromArgs(definitions: Definitions, name: string): JobDefinition {
  return asUsage(() => definitions.job(name));
}

export function assetFromArgs(definitions: Definitions, key: string): AssetNode {
  return asUsage(() => definitions.graph.node(key));
}

/** The materializable assets of `--job` or `--select`; an unknown job or selection is bad usage. */
export function targetAssets(definitions: Definitions, target: { job?: string; selection?: string }): string[] {
  if (target.job !== undefined) jobFromArgs(definitions, target.job);
  return selectionKeys(definitions, target);
}

/** A partitioned selection with no `--partition`: bad usage, naming the key format. */
export function requirePartitions(definitions: Definitions, assets: string[], partitions: readonly string[]): void {
  if (partitions.length > 0) return;
  const partitioned = assets.find((key) => definitions.graph.node(key).partitions !== undefined);
  if (partitioned === undefined) return;
  const format = definitions.graph.node(partitioned).partitions!.keyFormat;
  throw new RuntimeError("USAGE", `"${partitioned}" is partitioned but no partition was given.`, { hint: `Add --partition <key> (format ${format}); repeat it for several partitions.` });
}

/** `--config file.json`: the run configuration by asset key; unreadable or invalid, or refused by an asset's schema, is bad usage. */
export function runConfigFromArgs(definitions: Definitions, file: string | undefined, assets: readonly string[]): Record<string, unknown> | undefined {
  if (file === undefined) return undefined;
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new RuntimeError("USAGE", `--config ${file} is not a readable JSON file: ${error instanceof Error ? error.message : String(error)}.`, { hint: 'e.g. { "shop/orders": { "currency": "EUR" } }' });
  }
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new RuntimeError("USAGE", `--config ${file} must hold a JSON object keyed by asset key.`, { hint: 'e.g. { "shop/orders": { "currency": "EUR" } }' });
  }
  const steps = [...new Set(assets.map((key) => definitions.graph.node(key).step).filter((step): step is string => step !== undefined))];
  try {
    validateRunConfig(definitions, steps, config as Record<string, unknown>);
  } catch (error) {
    if (error instanceof PlanningError) throw new RuntimeError("USAGE", error.message, { ...(error.hint !== undefined ? { hint: error.hint } : {}), cause: error });
    throw error;
  }
  return config as Record<string, unknown>;
}

/** `--concurrency <n>`: steps at once, a positive integer (undefined: the job's or the default). */
export function concurrencyFromArgs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const concurrency = Number(value);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RuntimeError("USAGE", `--concurrency must be a positive integer (got "${value}").`);
  return concurrency;
}
