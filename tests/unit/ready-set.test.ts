import fc from "fast-check";
import { encodeStates, ReadySet, type NodeOutcome, type NodeState } from "../../src/core/planning/ready-set";

/** A random DAG: node i reads only nodes before it, so any index order is a topological order. */
const dag = fc.integer({ min: 1, max: 40 }).chain((n) =>
  fc.tuple(
    fc.tuple(...Array.from({ length: n }, (_, i) => (i === 0 ? fc.constant<number[]>([]) : fc.uniqueArray(fc.integer({ min: 0, max: i - 1 }), { maxLength: Math.min(i, 4) })))),
    fc.array(fc.constantFrom<NodeOutcome>("done", "done", "done", "failed", "blocked"), { minLength: n, maxLength: n }),
    fc.integer({ min: 1, max: 5 }),
    fc.array(fc.nat(), { minLength: 4 * n, maxLength: 4 * n }),
  ),
);

function ancestors(deps: number[][], node: number): Set<number> {
  const seen = new Set<number>();
  const stack = [...deps[node]!];
  while (stack.length > 0) {
    const u = stack.pop()!;
    if (seen.has(u)) continue;
    seen.add(u);
    stack.push(...deps[u]!);
  }
  return seen;
}

describe("ReadySet: the one state machine of every executor", () => {
  it("runs every node at most once, never before its upstream, and skips exactly the descendants of a failure", () => {
    fc.assert(
      fc.property(dag, ([deps, outcomes, concurrency, choices]) => {
        const set = new ReadySet(deps);
        const runs = new Map<number, number>();
        const finishedAt = new Map<number, number>();
        const running: number[] = [];
        let clock = 0;
        let choice = 0;
        while (!set.finished()) {
          while (running.length < concurrency && set.hasReady()) {
            const node = set.take()!;
            clock++;
            runs.set(node, (runs.get(node) ?? 0) + 1);
            // Every upstream finished with data before the node started.
            for (const u of deps[node]!) {
              expect(set.state(u)).toBe("done");
              expect(finishedAt.get(u)!).toBeLessThan(clock);
            }
            running.push(node);
          }
          expect(running.length).toBeGreaterThan(0); // never stuck with work left
          // Finish any running node: executors complete out of order.
          const index = choices[choice++ % choices.length]! % running.length;
          const [node] = running.splice(index, 1);
          clock++;
          set.complete(node!, outcomes[node!]!);
          finishedAt.set(node!, clock);
        }
        for (let node = 0; node < deps.length; node++) {
          const brokenAncestor = [...ancestors(deps, node)].some((a) => runs.has(a) && outcomes[a] !== "done");
          if (brokenAncestor) {
            expect(set.state(node)).toBe("skipped");
            expect(runs.has(node)).toBe(false);
          } else {
            expect(runs.get(node)).toBe(1);
            expect(set.state(node)).toBe(outcomes[node]);
          }
        }
        const counts = set.counts();
        expect(counts.done + counts.failed + counts.blocked + counts.skipped).toBe(deps.length);
      }),
      { numRuns: 300 },
    );
  });

  it("continues from its encoding: finished nodes stay finished, running ones run again, nothing runs twice after", () => {
    fc.assert(
      fc.property(dag, fc.nat(), ([deps, outcomes], cut) => {
        const first = new ReadySet(deps);
        const ranFirst: number[] = [];
        const stopAfter = cut % (deps.length + 1);
        let inFlight: number | undefined;
        while (ranFirst.length < stopAfter && first.hasReady()) {
          const node = first.take()!;
          ranFirst.push(node);
          first.complete(node, outcomes[node]!);
        }
        if (first.hasReady()) inFlight = first.take(); // in flight when the execution continued as new
        const second = new ReadySet(deps, first.encode());
        const ranSecond: number[] = [];
        while (second.hasReady()) {
          const node = second.take()!;
          ranSecond.push(node);
          second.complete(node, outcomes[node]!);
        }
        expect(second.finished()).toBe(true);
        const all = [...ranFirst, ...ranSecond];
        expect(new Set(all).size).toBe(all.length);
        if (inFlight !== undefined) expect(ranSecond).toContain(inFlight);
      }),
      { numRuns: 200 },
    );
  });

  it("kept nodes satisfy their dependents; waiting nodes skip theirs", () => {
    // 0 → 1 → 2, 3 → 4
    const deps = [[], [0], [1], [], [3]];
    const set = new ReadySet(deps, encodeStates(5, new Map<number, NodeState>([[0, "kept"], [3, "waiting"]])));
    expect(set.state(1)).toBe("ready");
    expect(set.state(4)).toBe("skipped");
    expect(set.brokenUpstream(4)).toBe(3);
    expect(set.take()).toBe(1);
    expect(set.complete(1, "done")).toEqual({ ready: [2], skipped: [] });
    expect(set.take()).toBe(2);
    set.complete(2, "blocked");
    expect(set.finished()).toBe(true);
    expect(set.encode()).toBe("kdbws");
  });

  it("refuses what cannot be a plan", () => {
    expect(() => new ReadySet([[0]])).toThrow(/invalid node/);
    expect(() => new ReadySet([[], [5]])).toThrow(/invalid node/);
    expect(() => new ReadySet([[]], "dd")).toThrow(/2 encoded states for 1 nodes/);
    const set = new ReadySet([[]]);
    expect(() => set.complete(0, "done")).toThrow(/completed while ready/);
  });
});
