/**
 * First pass of graph building: turn definitions into nodes and steps, and
 * reject duplicate keys and step names. Dependencies are kept raw here; they
 * are resolved once every key is known (see resolve.ts).
 */
import type { AnyAssetDefinition, AssetDep, AssetDefinition, MultiAssetDefinition } from "../definitions/asset";
import { normalizeCheck, type CheckDefinition } from "../definitions/check";
import { AssetGraphError, DefinitionError } from "../errors";
import type { AssetNode } from "./types";

/** A node before its dependencies are resolved and checks attached. */
export interface DeclaredNode extends Omit<AssetNode, "deps" | "checks"> {
  rawDeps: readonly AssetDep[];
  ownChecks: CheckDefinition[];
  /** Who declared the key, for error messages: `asset "a"`, `output of multi-asset "m"`. */
  origin: string;
}

export interface DeclaredStep {
  name: string;
  definition: AssetDefinition | MultiAssetDefinition;
  keys: string[];
}

export interface Declarations {
  nodes: Map<string, DeclaredNode>;
  steps: Map<string, DeclaredStep>;
}

export function declareNodes(assets: readonly AnyAssetDefinition[]): Declarations {
  const declarations: Declarations = { nodes: new Map(), steps: new Map() };
  for (const definition of assets) {
    switch (definition?.type) {
      case "asset":
        // The key first: two assets with one key is a duplicate key, not (only) a duplicate step.
        addNode(declarations, assetNode(definition));
        declareStep(declarations, definition.key, definition, `asset "${definition.key}"`);
        break;
      case "multi":
        declareStep(declarations, definition.name, definition, `multi-asset "${definition.name}"`);
        for (const output of definition.outputs) addNode(declarations, multiOutputNode(definition, output));
        break;
      case "source":
        addNode(declarations, {
          key: definition.key,
          kind: "source",
          definition,
          step: undefined,
          group: definition.group,
          description: definition.description,
          tags: definition.tags,
          owners: definition.owners,
          partitions: definition.partitions,
          codeVersion: undefined,
          retry: undefined,
          timeout: undefined,
          allowEmpty: true,
          rawDeps: [],
          ownChecks: [],
          origin: `source asset "${definition.key}"`,
        });
        break;
      default:
        throw new DefinitionError(`Expected an asset definition, got ${describeValue(definition)}.`, {
          hint: "Pass the results of defineAsset, defineMultiAsset or defineSourceAsset.",
        });
    }
  }
  return declarations;
}

function assetNode(definition: AssetDefinition): DeclaredNode {
  return {
    key: definition.key,
    kind: "asset",
    definition,
    step: definition.key,
    group: definition.group,
    description: definition.description,
    tags: definition.tags,
    owners: definition.owners,
    partitions: definition.partitions,
    codeVersion: definition.codeVersion,
    retry: definition.retry,
    timeout: definition.timeout,
    allowEmpty: definition.allowEmpty,
    rawDeps: definition.deps,
    ownChecks: definition.checks.map((check) => normalizeCheck(definition.key, check)),
    origin: `asset "${definition.key}"`,
  };
}

/**
 * Every output of a multi-asset shares its partitions, dependencies, code
 * version and step; only description, tags and checks are per output.
 */
function multiOutputNode(definition: MultiAssetDefinition, output: MultiAssetDefinition["outputs"][number]): DeclaredNode {
  return {
    key: output.key,
    kind: "multi-output",
    definition,
    step: definition.name,
    group: definition.group,
    description: output.description ?? definition.description,
    tags: { ...definition.tags, ...(output.tags ?? {}) },
    owners: definition.owners,
    partitions: definition.partitions,
    codeVersion: definition.codeVersion,
    retry: definition.retry,
    timeout: definition.timeout,
    allowEmpty: output.allowEmpty ?? definition.allowEmpty,
    rawDeps: definition.deps,
    ownChecks: output.checks.map((check) => normalizeCheck(output.key, check)),
    origin: `output of multi-asset "${definition.name}"`,
  };
}

function addNode(declarations: Declarations, node: DeclaredNode): void {
  const existing = declarations.nodes.get(node.key);
  if (existing !== undefined) {
    throw new AssetGraphError(`Asset key "${node.key}" is defined twice: as ${existing.origin} and as ${node.origin}.`, {
      hint: "Every asset key must be unique across assets, multi-asset outputs and source assets; rename one of them.",
    });
  }
  declarations.nodes.set(node.key, node);
}

/** Step names identify runs' units of work (and Temporal activities), so they must be unique too. */
function declareStep(
  declarations: Declarations,
  name: string,
  definition: AssetDefinition | MultiAssetDefinition,
  origin: string,
): void {
  const existing = declarations.steps.get(name);
  if (existing !== undefined) {
    const existingOrigin = existing.definition.type === "asset" ? `asset "${name}"` : `multi-asset "${name}"`;
    throw new AssetGraphError(`Step name "${name}" is used twice: by ${existingOrigin} and by ${origin}.`, {
      hint: "An asset's step is named after its key and a multi-asset's after its name; rename the multi-asset.",
    });
  }
  const keys = definition.type === "asset" ? [definition.key] : definition.outputs.map((output) => output.key);
  declarations.steps.set(name, { name, definition, keys });
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "object" && "type" in value) return `a ${String(value.type)} definition`;
  return typeof value;
}
