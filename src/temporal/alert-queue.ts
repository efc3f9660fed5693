/**
 * The ordered queue of one incident's alerts on one channel, as pure state
 * transitions (the alert queue workflow drives them; unit tests call them
 * directly). Events are delivered one at a time in the order they were
 * planned, so a resolve never overtakes the trigger before it, however long
 * that trigger is retried. Pure and deterministic: workflow code imports it.
 */
import type { Alert } from "../resources/alerts/types";

export interface AlertEvent {
  /** Unique within the queue (`<decision>:<origin>`): a replayed or duplicated hand-off is delivered once. */
  id: string;
  decision: "trigger" | "resolve";
  alert: Alert;
  /**
   * The incident the event opens or closes (its openedAt), which ties a
   * resolve to its trigger. Absent on alerts planned before it existed.
   */
  incident?: string;
}

/** delivered; failed for good (4xx, or still refused after a day); duplicate (that delivery already ran). */
export type AlertOutcome = "delivered" | "failed" | "duplicate";

export interface SettledAlertEvent {
  id: string;
  decision: AlertEvent["decision"];
  incident?: string;
  outcome: AlertOutcome;
}

export interface AlertQueueState {
  /** Not yet settled, in delivery order; the head is the one being delivered. */
  pending: AlertEvent[];
  /** The most recent settled events, oldest first (bounded): for dedup and for the state query. */
  settled: SettledAlertEvent[];
  /** Incidents whose trigger this queue settled and whose resolve it has not (bounded). */
  open: string[];
}

/** Enough to recognise any duplicate hand-off: one arrives within minutes of the original. */
export const SETTLED_EVENTS_KEPT = 200;
/** Normally one; more only when incidents were closed without a resolve (a sensor that works again). */
export const OPEN_INCIDENTS_KEPT = 20;

export function emptyAlertQueue(): AlertQueueState {
  return { pending: [], settled: [], open: [] };
}

/**
 * Add an event in planning order; false when it is already queued or
 * settled. A trigger handed off late (after the resolve of its own
 * incident) goes before that resolve.
 */
export function acceptAlertEvent(state: AlertQueueState, event: AlertEvent): boolean {
  if (state.pending.some((e) => e.id === event.id) || state.settled.some((e) => e.id === event.id)) return false;
  const ownResolve = event.decision === "trigger" && event.incident !== undefined ? state.pending.findIndex((e) => e.decision === "resolve" && e.incident === event.incident) : -1;
  if (ownResolve >= 0) state.pending.splice(ownResolve, 0, event);
  else state.pending.push(event);
  return true;
}

export type AlertQueueStep =
  | { kind: "idle" }
  | { kind: "deliver"; event: AlertEvent }
  /** The head resolves an incident whose trigger this queue has not seen: wait for it (a bounded time) before sending. */
  | { kind: "await-trigger"; event: AlertEvent };

export function nextAlertStep(state: AlertQueueState): AlertQueueStep {
  const head = state.pending[0];
  if (head === undefined) return { kind: "idle" };
  if (head.decision === "resolve" && head.incident !== undefined && !state.open.includes(head.incident)) return { kind: "await-trigger", event: head };
  return { kind: "deliver", event: head };
}

/** The event is done with (whatever the outcome, the queue goes on). */
export function settleAlertEvent(state: AlertQueueState, eventId: string, outcome: AlertOutcome): void {
  const index = state.pending.findIndex((e) => e.id === eventId);
  if (index < 0) return;
  const [event] = state.pending.splice(index, 1) as [AlertEvent];
  state.settled.push({ id: event.id, decision: event.decision, ...(event.incident !== undefined ? { incident: event.incident } : {}), outcome });
  if (state.settled.length > SETTLED_EVENTS_KEPT) state.settled.splice(0, state.settled.length - SETTLED_EVENTS_KEPT);
  if (event.incident === undefined) return;
  // A trigger that was refused still leaves its incident open: its resolve is coming and is sent in turn.
  if (event.decision === "trigger" && !state.open.includes(event.incident)) state.open.push(event.incident);
  if (event.decision === "resolve") state.open = state.open.filter((incident) => incident !== event.incident);
  if (state.open.length > OPEN_INCIDENTS_KEPT) state.open.splice(0, state.open.length - OPEN_INCIDENTS_KEPT);
}

/** True while an incident this queue triggered is open: the queue waits for its resolve rather than finishing. */
export function holdsOpenIncident(state: AlertQueueState): boolean {
  return state.open.length > 0;
}
