/**
 * The one ready-set state machine every executor drives: the in-process
 * executor, the run workflow and the backfill workflow. Pure, deterministic
 * and index-based, so a workflow can carry it through continue-as-new as a
 * short string (one character per node).
 *
 * A node is `ready` when every upstream node is `done` or `kept`; it becomes
 * `running` when the executor takes it, and ends `done`, `failed` or
 * `blocked` (a failed blocking check). A node that ends without data skips
 * its descendants (`skipped`) and only them. `kept` nodes were satisfied
 * before execution began (a skip rule found their data published or fresh);
 * `waiting` nodes read an upstream partition outside the plan that has no
 * data, so they cannot run in this execution (their descendants are skipped).
 */

export type NodeState = "pending" | "ready" | "running" | "done" | "failed" | "blocked" | "skipped" | "kept" | "waiting";

/** How a node the executor ran ended. */
export type NodeOutcome = "done" | "failed" | "blocked";

const CODES: Record<NodeState, string> = { pending: "p", ready: "r", running: "R", done: "d", failed: "f", blocked: "b", skipped: "s", kept: "k", waiting: "w" };
const STATES = Object.fromEntries(Object.entries(CODES).map(([state, code]) => [code, state as NodeState])) as Record<string, NodeState>;

/** States a node never leaves. */
const FINAL: ReadonlySet<NodeState> = new Set(["done", "failed", "blocked", "skipped", "kept", "waiting"]);
/** Final states that satisfy a downstream node. */
const SATISFIES: ReadonlySet<NodeState> = new Set(["done", "kept"]);

/** How a step's status ends its node: published is done, blocked by a check is blocked, anything else failed. */
export function outcomeOf(status: string): NodeOutcome {
  return status === "published" ? "done" : status === "blocked" ? "blocked" : "failed";
}

export function isFinalState(state: NodeState): boolean {
  return FINAL.has(state);
}

export class ReadySet {
  private readonly states: NodeState[];
  private readonly dependents: number[][];
  /** Upstream nodes not yet satisfied, per node. */
  private readonly unsatisfied: number[];
  /** Ready nodes not yet taken, as a min-heap of node indexes (plan order first). */
  private readonly heap: number[] = [];
  private readonly tally: Record<NodeState, number> = { pending: 0, ready: 0, running: 0, done: 0, failed: 0, blocked: 0, skipped: 0, kept: 0, waiting: 0 };

  /**
   * `deps[i]`: indexes of the nodes node i reads. `encoded`: states from
   * `encode()` (a continued execution) or initial marks (`kept`, `waiting`);
   * nodes that were `running` when encoded run again.
   */
  constructor(private readonly deps: readonly (readonly number[])[], encoded?: string) {
    const n = deps.length;
    if (encoded !== undefined && encoded.length !== n) throw new Error(`ReadySet: ${encoded.length} encoded states for ${n} nodes.`);
    this.states = Array.from({ length: n }, (_, i) => {
      const state = encoded === undefined ? "pending" : STATES[encoded[i]!];
      if (state === undefined) throw new Error(`ReadySet: unknown state code "${encoded![i]}".`);
      // Ready and running are recomputed: a node that was running when encoded is taken again.
      return state === "ready" || state === "running" ? "pending" : state;
    });
    this.dependents = Array.from({ length: n }, () => []);
    this.unsatisfied = new Array<number>(n).fill(0);
    deps.forEach((upstream, i) => {
      for (const u of upstream) {
        if (u < 0 || u >= n || u === i) throw new Error(`ReadySet: node ${i} depends on invalid node ${u}.`);
        this.dependents[u]!.push(i);
      }
    });
    for (const state of this.states) this.tally[state]++;
    // Upstream failures reach pending descendants before anything is counted.
    for (let i = 0; i < n; i++) if (this.states[i] !== "pending" && !SATISFIES.has(this.states[i]!) && isFinalState(this.states[i]!)) this.skipDescendants(i);
    for (let i = 0; i < n; i++) {
      if (this.states[i] !== "pending") continue;
      this.unsatisfied[i] = deps[i]!.filter((u) => !SATISFIES.has(this.states[u]!)).length;
      if (this.unsatisfied[i] === 0) this.markReady(i);
    }
  }

  get size(): number {
    return this.states.length;
  }

  state(node: number): NodeState {
    return this.states[node]!;
  }

  counts(): Readonly<Record<NodeState, number>> {
    return { ...this.tally };
  }

  /** Nothing is pending, ready or running: every node has its final state. */
  finished(): boolean {
    return this.tally.pending + this.tally.ready + this.tally.running === 0;
  }

  hasReady(): boolean {
    return this.heap.length > 0;
  }

  /** Take the first ready node (in plan order) and mark it running; undefined when none is ready. */
  take(): number | undefined {
    const node = heapPop(this.heap);
    if (node === undefined) return undefined;
    this.move(node, "running");
    return node;
  }

  /**
   * A running node ended. Returns the nodes this made ready, and the nodes it
   * skipped (when it ended without data).
   */
  complete(node: number, outcome: NodeOutcome): { ready: number[]; skipped: number[] } {
    if (this.states[node] !== "running") throw new Error(`ReadySet: node ${node} completed while ${this.states[node]}.`);
    this.move(node, outcome);
    if (outcome !== "done") return { ready: [], skipped: this.skipDescendants(node) };
    const ready: number[] = [];
    for (const d of this.dependents[node]!) {
      if (this.states[d] !== "pending") continue;
      if (--this.unsatisfied[d]! === 0) {
        this.markReady(d);
        ready.push(d);
      }
    }
    return { ready, skipped: [] };
  }

  /** One character per node: carried through continue-as-new, and drawn as a grid by progress views. */
  encode(): string {
    return this.states.map((s) => CODES[s]).join("");
  }

  /** The first upstream node of `node` that ended without data (why it was skipped). */
  brokenUpstream(node: number): number | undefined {
    return this.deps[node]!.find((u) => isFinalState(this.states[u]!) && !SATISFIES.has(this.states[u]!));
  }

  private markReady(node: number): void {
    this.move(node, "ready");
    heapPush(this.heap, node);
  }

  private move(node: number, to: NodeState): void {
    this.tally[this.states[node]!]--;
    this.tally[to]++;
    this.states[node] = to;
  }

  /** Every not-yet-final descendant becomes skipped (none can be running: its upstream never finished). */
  private skipDescendants(node: number): number[] {
    const skipped: number[] = [];
    const stack = [...this.dependents[node]!];
    while (stack.length > 0) {
      const d = stack.pop()!;
      const state = this.states[d]!;
      if (state !== "pending" && state !== "ready") continue;
      if (state === "ready") removeFromHeap(this.heap, d);
      this.move(d, "skipped");
      skipped.push(d);
      stack.push(...this.dependents[d]!);
    }
    return skipped.sort((a, b) => a - b);
  }
}

/** Encode initial marks for `new ReadySet(deps, encoded)`: every node pending unless marked. */
export function encodeStates(size: number, marks: ReadonlyMap<number, NodeState>): string {
  let out = "";
  for (let i = 0; i < size; i++) out += CODES[marks.get(i) ?? "pending"];
  return out;
}

export function decodeState(code: string): NodeState {
  const state = STATES[code];
  if (state === undefined) throw new Error(`Unknown node state code "${code}".`);
  return state;
}

function heapPush(heap: number[], value: number): void {
  heap.push(value);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]! <= heap[i]!) break;
    [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
    i = parent;
  }
}

function heapPop(heap: number[]): number | undefined {
  if (heap.length === 0) return undefined;
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length > 0) {
    heap[0] = last;
    siftDown(heap, 0);
  }
  return top;
}

function siftDown(heap: number[], start: number): void {
  let i = start;
  for (;;) {
    const left = 2 * i + 1;
    const right = left + 1;
    let smallest = i;
    if (left < heap.length && heap[left]! < heap[smallest]!) smallest = left;
    if (right < heap.length && heap[right]! < heap[smallest]!) smallest = right;
    if (smallest === i) return;
    [heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!];
    i = smallest;
  }
}

/** Rare (a failure skipping a ready node): rebuild rather than track positions. */
function removeFromHeap(heap: number[], value: number): void {
  const rest = heap.filter((v) => v !== value);
  heap.length = 0;
  for (const v of rest) heapPush(heap, v);
}
