/**
 * `buildAssetGraph`: definitions in, validated graph out. Every load-time
 * problem surfaces here as a typed error, before anything runs.
 */
import type { AnyAssetDefinition } from "../definitions/asset";
import type { CheckDefinition } from "../definitions/check";
import { AssetGraph, compareKeys } from "./asset-graph";
import { declareNodes, type DeclaredNode, type DeclaredStep } from "./declare";
import { attachChecks, resolveDeps } from "./resolve";
import type { AssetNode, AssetStep } from "./types";

/**
 * Throws AssetGraphError on a duplicate key or step name, an unknown
 * dependency, a cycle, a mapping that does not fit the two partition
 * definitions, a multi-asset reading its own outputs, a self-dependency that
 * does not read strictly earlier partitions, a check on an unknown asset or
 * two checks with one name on an asset.
 */
export function buildAssetGraph(assets: readonly AnyAssetDefinition[], checks: readonly CheckDefinition[] = []): AssetGraph {
  const declarations = declareNodes(assets);
  const deps = new Map([...declarations.nodes.values()].map((declared) => [declared.key, resolveDeps(declared, declarations.nodes)]));
  const attached = attachChecks(declarations.nodes, checks);
  const nodes: AssetNode[] = [...declarations.nodes.values()].map((declared) => {
    const { rawDeps: _rawDeps, ownChecks: _ownChecks, origin: _origin, ...node } = declared;
    return { ...node, deps: deps.get(declared.key) ?? [], checks: attached.get(declared.key) ?? [] };
  });
  const steps = [...declarations.steps.values()].map((step) => toStep(step, declarations.nodes));
  return new AssetGraph(nodes, steps);
}

function toStep(step: DeclaredStep, nodes: ReadonlyMap<string, DeclaredNode>): AssetStep {
  const upstreamSteps = new Set<string>();
  const upstreamSources = new Set<string>();
  for (const dep of step.definition.deps) {
    const upstream = nodes.get(dep.asset);
    if (upstream?.step === undefined) upstreamSources.add(dep.asset);
    else if (upstream.step !== step.name) upstreamSteps.add(upstream.step);
  }
  return {
    name: step.name,
    kind: step.definition.type,
    definition: step.definition,
    keys: step.keys,
    partitions: step.definition.partitions,
    upstreamSteps: [...upstreamSteps].sort(compareKeys),
    upstreamSources: [...upstreamSources].sort(compareKeys),
  };
}
