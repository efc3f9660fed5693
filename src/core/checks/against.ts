/**
 * Which published data a cross-asset check (reconciliation, rowsMatch)
 * compares the staged output with: an asset, and which of its partitions.
 */
import { DefinitionError } from "../errors";
import type { CheckContext } from "../definitions/check";

export interface AgainstAsset {
  asset: string;
  /**
   * "same" (default): the partition being checked (the unpartitioned version
   * when the checked asset has no partitions); a list of keys; or a function
   * of the checked partition key (returning `undefined` reads the
   * unpartitioned version, e.g. a partitioned asset against a lookup table).
   */
  partitions?: "same" | readonly string[] | ((partitionKey: string | undefined) => readonly string[] | undefined);
}

export function validateAgainst(factory: string, against: AgainstAsset): void {
  if (typeof against?.asset !== "string" || against.asset.length === 0) {
    throw new DefinitionError(`${factory} needs \`against: { asset }\` naming the asset to compare with.`, { hint: `e.g. ${factory}({ against: { asset: "ttb/raw" }, … })` });
  }
  if (Array.isArray(against.partitions) && against.partitions.length === 0) {
    throw new DefinitionError(`${factory} against "${against.asset}" lists no partitions.`, { hint: 'Use "same", a list of keys, or a function of the partition key.' });
  }
}

/** The partition keys to read, or undefined for the unpartitioned version. */
export function againstPartitions(against: AgainstAsset, ctx: CheckContext): string[] | undefined {
  const spec = against.partitions ?? "same";
  if (spec === "same") return ctx.partitionKey === undefined ? undefined : [ctx.partitionKey];
  const keys = typeof spec === "function" ? spec(ctx.partitionKey) : spec;
  return keys === undefined ? undefined : [...keys];
}

/** Register the `against` data as a view; returns its quoted name. */
export async function againstView(against: AgainstAsset, ctx: CheckContext): Promise<string> {
  return ctx.sql.ident(await ctx.viewOf(against.asset, againstPartitions(against, ctx)));
}

export function describeAgainst(against: AgainstAsset, ctx: CheckContext): string {
  const keys = againstPartitions(against, ctx);
  return keys === undefined ? against.asset : `${against.asset}[${keys.join(",")}]`;
}
