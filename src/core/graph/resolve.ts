/**
 * Second pass of graph building: resolve every dependency to a known node and
 * a validated partition mapping, and attach checks. Each failure names the
 * assets involved and says what to change.
 */
import type { AssetDep } from "../definitions/asset";
import type { CheckDefinition } from "../definitions/check";
import { AssetGraphError, didYouMean } from "../errors";
import { defaultMapping } from "../mappings";
import type { PartitionMapping } from "../mappings/types";
import { describePartitions } from "../partitions";
import type { DeclaredNode } from "./declare";
import { validateSelfDependency } from "./self-dependency";
import type { ResolvedDep } from "./types";

export function resolveDeps(node: DeclaredNode, nodes: ReadonlyMap<string, DeclaredNode>): ResolvedDep[] {
  return node.rawDeps.map((dep) => resolveDep(node, dep, nodes));
}

function resolveDep(node: DeclaredNode, dep: AssetDep, nodes: ReadonlyMap<string, DeclaredNode>): ResolvedDep {
  const upstream = nodes.get(dep.asset);
  if (upstream === undefined) {
    const suggestion = didYouMean(dep.asset, nodes.keys());
    throw new AssetGraphError(`Asset "${node.key}" depends on unknown asset "${dep.asset}"${suggestion ? ` (${suggestion})` : ""}.`, {
      hint: suggestion ?? "Define the upstream asset (or a source asset for external data) and register it with the others.",
    });
  }
  if (node.kind === "multi-output" && upstream.step === node.step) {
    // All outputs of a multi-asset share its deps and are produced together,
    // so an output reading a sibling (or itself) could never be satisfied.
    throw new AssetGraphError(`Multi-asset "${String(node.step)}" depends on its own output "${dep.asset}".`, {
      hint: "A multi-asset's outputs are produced in one step and cannot read each other; split it into separate assets.",
    });
  }
  const self = dep.asset === node.key;
  const mapping = dep.mapping ?? defaultMappingFor(node, upstream);
  validateMapping(node, upstream, mapping, dep.mapping !== undefined);
  if (self) validateSelfDependency(node.key, node.partitions, mapping);
  return { asset: dep.asset, as: dep.as, mapping, explicitMapping: dep.mapping !== undefined, self };
}

function defaultMappingFor(node: DeclaredNode, upstream: DeclaredNode): PartitionMapping {
  try {
    return defaultMapping(node.partitions, upstream.partitions);
  } catch (error) {
    throw new AssetGraphError(
      `Asset "${node.key}" depends on "${upstream.key}" without a partition mapping, and none is implied: ${errorMessage(error)}`,
      { hint: `Give the dependency an explicit mapping: deps: [{ asset: "${upstream.key}", mapping: ... }].`, cause: error },
    );
  }
}

function validateMapping(node: DeclaredNode, upstream: DeclaredNode, mapping: PartitionMapping, explicit: boolean): void {
  try {
    mapping.validate(node.partitions, upstream.partitions);
  } catch (error) {
    const which = explicit ? "Mapping" : "Default mapping";
    throw new AssetGraphError(
      `${which} ${mapping.describe()} from "${upstream.key}" (${describePartitions(upstream.partitions)}) to "${node.key}" (${describePartitions(node.partitions)}) is invalid: ${errorMessage(error)}`,
      { hint: "Choose a mapping that fits both partition definitions, or change one of the definitions.", cause: error },
    );
  }
}

/** Attach defineCheck checks to their assets and reject unknown assets and duplicate names. */
export function attachChecks(nodes: ReadonlyMap<string, DeclaredNode>, checks: readonly CheckDefinition[]): Map<string, CheckDefinition[]> {
  const attached = new Map<string, CheckDefinition[]>();
  for (const node of nodes.values()) attached.set(node.key, [...node.ownChecks]);
  for (const check of checks) {
    const node = nodes.get(check.asset);
    const list = attached.get(check.asset);
    if (node === undefined || list === undefined) {
      const suggestion = didYouMean(check.asset, nodes.keys());
      throw new AssetGraphError(`Check "${check.name}" is on unknown asset "${check.asset}"${suggestion ? ` (${suggestion})` : ""}.`, {
        hint: suggestion ?? "Point the check at a defined asset key.",
      });
    }
    list.push(check);
  }
  for (const [key, list] of attached) {
    const node = nodes.get(key);
    if (node?.kind === "source" && list.length > 0) {
      // Checks audit staged output before publishing; a source asset is never staged.
      throw new AssetGraphError(`Check "${list[0]?.name ?? ""}" is on source asset "${key}", which materia never materializes.`, {
        hint: "Put the check on the first asset that reads the source data.",
      });
    }
    const seen = new Set<string>();
    for (const check of list) {
      if (seen.has(check.name)) {
        throw new AssetGraphError(`Asset "${key}" has two checks named "${check.name}".`, { hint: "Give each check on an asset a distinct name." });
      }
      seen.add(check.name);
    }
  }
  return attached;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
