/**
 * The validated, immutable asset graph and its queries. Built by
 * `buildAssetGraph`; an instance is always acyclic (self-dependencies aside,
 * which order partitions of one asset and are not graph edges).
 */
import { AssetGraphError, didYouMean } from "../errors";
import { assertAcyclic, topologicalSort } from "./order";
import type { AssetNode, AssetStep } from "./types";

export class AssetGraph {
  /** Every node by key, in key order. */
  readonly nodes: ReadonlyMap<string, AssetNode>;
  private readonly parentKeys = new Map<string, string[]>();
  private readonly childKeys = new Map<string, string[]>();
  private readonly order: string[];
  private readonly stepsByName: Map<string, AssetStep>;
  private readonly stepOrder: string[];

  constructor(nodes: readonly AssetNode[], steps: readonly AssetStep[]) {
    const sorted = [...nodes].sort((a, b) => compareKeys(a.key, b.key));
    this.nodes = new Map(sorted.map((node) => [node.key, node]));
    for (const node of sorted) this.childKeys.set(node.key, []);
    for (const node of sorted) {
      const parents = unique(node.deps.filter((dep) => !dep.self).map((dep) => dep.asset));
      this.parentKeys.set(node.key, parents);
      for (const parent of parents) this.childKeys.get(parent)?.push(node.key);
    }
    for (const children of this.childKeys.values()) children.sort(compareKeys);
    assertAcyclic(this.parentKeys, "assets");
    this.order = topologicalSort(this.parentKeys);

    this.stepsByName = new Map(steps.map((step) => [step.name, step]));
    // The step graph is acyclic whenever the node graph is: every output of a
    // multi-asset carries all of its deps, so a step cycle is a node cycle.
    this.stepOrder = topologicalSort(new Map(steps.map((step) => [step.name, [...step.upstreamSteps]])));
  }

  /** The node for `key`; throws AssetGraphError with suggestions when there is none. */
  node(key: string): AssetNode {
    const node = this.nodes.get(key);
    if (node === undefined) {
      const suggestion = didYouMean(key, this.nodes.keys());
      throw new AssetGraphError(`Unknown asset "${key}"${suggestion ? ` (${suggestion})` : ""}.`, {
        hint: suggestion ?? "Asset keys are path-like, e.g. market/front_month_bars; check the registered definitions.",
      });
    }
    return node;
  }

  has(key: string): boolean {
    return this.nodes.has(key);
  }

  /** All asset keys, sorted. */
  keys(): string[] {
    return [...this.nodes.keys()];
  }

  /** Direct upstream assets (self-dependency excluded), sorted. */
  parents(key: string): string[] {
    this.node(key);
    return [...(this.parentKeys.get(key) ?? [])];
  }

  /** Direct downstream assets (self-dependency excluded), sorted. */
  children(key: string): string[] {
    this.node(key);
    return [...(this.childKeys.get(key) ?? [])];
  }

  /**
   * Assets upstream of `keys`, at most `depth` edges away (unlimited when
   * undefined), sorted. A start key appears only if it is upstream of another.
   */
  ancestors(keys: string | Iterable<string>, depth?: number): string[] {
    return this.walk(keys, depth, this.parentKeys);
  }

  /** Assets downstream of `keys`, at most `depth` edges away, sorted. */
  descendants(keys: string | Iterable<string>, depth?: number): string[] {
    return this.walk(keys, depth, this.childKeys);
  }

  /** Assets with no upstream assets, sorted. */
  roots(): string[] {
    return this.keys().filter((key) => (this.parentKeys.get(key) ?? []).length === 0);
  }

  /** Assets nothing depends on, sorted. */
  sinks(): string[] {
    return this.keys().filter((key) => (this.childKeys.get(key) ?? []).length === 0);
  }

  /**
   * Upstream before downstream, ties broken by key. With `keys`, the same
   * order restricted to them, so indirect dependencies through assets left
   * out still order the rest.
   */
  topologicalOrder(keys?: Iterable<string>): string[] {
    if (keys === undefined) return [...this.order];
    const wanted = new Set<string>();
    for (const key of keys) wanted.add(this.node(key).key);
    return this.order.filter((key) => wanted.has(key));
  }

  /** Every step, upstream steps first, ties broken by name. */
  steps(): AssetStep[] {
    return this.stepOrder.map((name) => this.stepsByName.get(name) as AssetStep);
  }

  /** The step named `name`; throws AssetGraphError with suggestions when there is none. */
  step(name: string): AssetStep {
    const step = this.stepsByName.get(name);
    if (step === undefined) {
      const suggestion = didYouMean(name, this.stepsByName.keys());
      throw new AssetGraphError(`Unknown step "${name}"${suggestion ? ` (${suggestion})` : ""}.`, { hint: suggestion });
    }
    return step;
  }

  /** The step that materializes `key`; undefined for a source asset. */
  stepOf(key: string): AssetStep | undefined {
    const name = this.node(key).step;
    return name === undefined ? undefined : this.stepsByName.get(name);
  }

  private walk(start: string | Iterable<string>, depth: number | undefined, edges: ReadonlyMap<string, readonly string[]>): string[] {
    if (depth !== undefined && !(Number.isInteger(depth) && depth >= 0)) {
      throw new AssetGraphError(`Traversal depth must be a non-negative integer, got ${depth}.`);
    }
    let frontier = typeof start === "string" ? [start] : [...start];
    for (const key of frontier) this.node(key);
    const found = new Set<string>();
    for (let level = 0; frontier.length > 0 && (depth === undefined || level < depth); level++) {
      const next: string[] = [];
      for (const key of frontier) {
        for (const neighbour of edges.get(key) ?? []) {
          if (found.has(neighbour)) continue;
          found.add(neighbour);
          next.push(neighbour);
        }
      }
      frontier = next;
    }
    return [...found].sort(compareKeys);
  }
}

/** Plain code-unit order: the same in every locale, so orders are reproducible. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compareKeys);
}
