/** The six triple-barrier label modes: three barrier sets × long/short. */

export interface BarrierSet {
  name: "scalp" | "intraday" | "swing";
  /** Profit-taking distance in units of σ√h. */
  profitTaking: number;
  /** Stop-loss distance in units of σ√h. */
  stopLoss: number;
  /** Vertical barrier: bars after t. */
  horizon: number;
}

export const BARRIER_SETS: readonly BarrierSet[] = [
  { name: "scalp", profitTaking: 1.0, stopLoss: 1.0, horizon: 15 },
  { name: "intraday", profitTaking: 2.0, stopLoss: 1.0, horizon: 60 },
  { name: "swing", profitTaking: 3.0, stopLoss: 1.5, horizon: 240 },
];

export interface LabelMode {
  mode: string;
  direction: 1 | -1;
  set: BarrierSet;
}

export const LABEL_MODES: readonly LabelMode[] = BARRIER_SETS.flatMap((set): LabelMode[] => [
  { mode: `long_${set.name}`, direction: 1, set },
  { mode: `short_${set.name}`, direction: -1, set },
]);

/**
 * One barrier: a level above (`up`, touched when a later high reaches it) or
 * below (`down`, touched when a later low reaches it) the close of bar t.
 * Long takes profit up and stops down; short the reverse.
 */
export interface Barrier {
  name: string;
  side: "up" | "down";
  /** Distance in units of σ√h. */
  width: number;
  horizon: number;
}

export function profitBarrier(mode: LabelMode): Barrier {
  const side = mode.direction === 1 ? "up" : "down";
  return { name: `${mode.set.name}_${side}_${mode.set.profitTaking}`.replace(".", "_"), side, width: mode.set.profitTaking, horizon: mode.set.horizon };
}

export function stopBarrier(mode: LabelMode): Barrier {
  const side = mode.direction === 1 ? "down" : "up";
  return { name: `${mode.set.name}_${side}_${mode.set.stopLoss}`.replace(".", "_"), side, width: mode.set.stopLoss, horizon: mode.set.horizon };
}

/** The distinct barriers of all modes (scalp's profit and stop coincide across directions). */
export function allBarriers(): Barrier[] {
  const byName = new Map<string, Barrier>();
  for (const mode of LABEL_MODES) for (const barrier of [profitBarrier(mode), stopBarrier(mode)]) byName.set(barrier.name, barrier);
  return [...byName.values()];
}

/** Bars per block when searching for the first touch: every horizon is a multiple of it. */
export const TOUCH_BLOCK = 15;

/**
 * A label's span (t, t1] ends at the first touch of either of its barriers,
 * so modes with the same two barriers (long and short scalp: ±1σ√h) end at
 * the same bar and share held bars, concurrency and weights.
 */
export interface LabelSpan {
  /** The barrier set's name when both directions share the span, else the mode's. */
  name: string;
  modes: LabelMode[];
}

export function labelSpans(): LabelSpan[] {
  const byBarriers = new Map<string, LabelMode[]>();
  for (const mode of LABEL_MODES) {
    const key = [profitBarrier(mode).name, stopBarrier(mode).name].sort().join("|");
    byBarriers.set(key, [...(byBarriers.get(key) ?? []), mode]);
  }
  return [...byBarriers.values()].map((modes) => ({ name: modes.length > 1 ? modes[0]!.set.name : modes[0]!.mode, modes }));
}
