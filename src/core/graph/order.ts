/**
 * Ordering over a dependency map (node → its upstream nodes, self-edges
 * already removed): cycle detection with a printable path, and a
 * deterministic topological order. Shared by asset nodes and steps.
 */
import { AssetGraphError } from "../errors";

/** Throws AssetGraphError naming the first cycle found (in sorted-key order), printed upstream → downstream. */
export function assertAcyclic(parents: ReadonlyMap<string, readonly string[]>, what: string): void {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];

  const visit = (key: string): string[] | undefined => {
    state.set(key, "visiting");
    stack.push(key);
    for (const parent of parents.get(key) ?? []) {
      const parentState = state.get(parent);
      if (parentState === "visiting") return stack.slice(stack.indexOf(parent));
      if (parentState === undefined) {
        const cycle = visit(parent);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(key, "done");
    return undefined;
  };

  for (const key of [...parents.keys()].sort()) {
    if (state.has(key)) continue;
    const cycle = visit(key);
    if (cycle) throw new AssetGraphError(`Dependency cycle between ${what}: ${formatCycle(cycle)}.`, {
      hint: "Remove one of these dependencies. To read an asset's own earlier partitions, depend on it with a time-window mapping with negative offsets.",
    });
  }
}

/**
 * `visitOrder` walked upstream (each element depends on the next), so reverse
 * it into data-flow order, start at the smallest key so the message is stable,
 * and close the loop: `a → b → c → a`.
 */
function formatCycle(visitOrder: readonly string[]): string {
  const flow = [...visitOrder].reverse();
  const smallest = flow.indexOf([...flow].sort()[0] ?? "");
  const rotated = [...flow.slice(smallest), ...flow.slice(0, smallest)];
  return [...rotated, rotated[0]].join(" → ");
}

/**
 * Kahn's algorithm, always taking the smallest ready key, so the order is the
 * same for the same graph regardless of definition order. Assumes acyclic.
 */
export function topologicalSort(parents: ReadonlyMap<string, readonly string[]>): string[] {
  const remaining = new Map<string, number>();
  const children = new Map<string, string[]>();
  for (const [key, ups] of parents) {
    remaining.set(key, ups.length);
    for (const up of ups) children.set(up, [...(children.get(up) ?? []), key]);
  }
  const ready = [...remaining].filter(([, count]) => count === 0).map(([key]) => key).sort();
  const order: string[] = [];
  while (ready.length > 0) {
    const key = ready.shift() as string;
    order.push(key);
    for (const child of children.get(key) ?? []) {
      const count = (remaining.get(child) ?? 0) - 1;
      remaining.set(child, count);
      if (count === 0) insertSorted(ready, child);
    }
  }
  return order;
}

function insertSorted(sorted: string[], value: string): void {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((sorted[mid] as string) < value) low = mid + 1;
    else high = mid;
  }
  sorted.splice(low, 0, value);
}
