/**
 * The per-incident alert queue's pure state transitions: planning order is
 * delivery order, a duplicated hand-off is dropped, a late trigger goes
 * before its own resolve, and a resolve whose trigger was never seen waits.
 */
import { acceptAlertEvent, emptyAlertQueue, holdsOpenIncident, nextAlertStep, settleAlertEvent, SETTLED_EVENTS_KEPT, type AlertEvent, type AlertQueueState } from "../../src/temporal/alert-queue";
import { alertEventId } from "../../src/temporal/alert-shared";
import type { Alert } from "../../src/resources/alerts";

const ALERT: Alert = {
  kind: "check_failed",
  severity: "error",
  asset: "shop/orders",
  partition: "2024-09",
  check: "amount_not_negative",
  measured: 1,
  threshold: 0,
  failingSample: [],
  runId: "run-1",
  webUiUrl: null,
  rerunCommand: null,
  dedupKey: "k",
  message: "failed",
};

function trigger(origin: string, incident?: string): AlertEvent {
  return { id: alertEventId("trigger", origin), decision: "trigger", alert: ALERT, ...(incident ? { incident } : {}) };
}
function resolve(origin: string, incident?: string): AlertEvent {
  return { id: alertEventId("resolve", origin), decision: "resolve", alert: { ...ALERT, kind: "check_recovered" }, ...(incident ? { incident } : {}) };
}

/** Deliver everything deliverable, in the order the queue gives it. */
function drain(state: AlertQueueState): string[] {
  const sent: string[] = [];
  for (let step = nextAlertStep(state); step.kind === "deliver"; step = nextAlertStep(state)) {
    sent.push(step.event.id);
    settleAlertEvent(state, step.event.id, "delivered");
  }
  return sent;
}

describe("alert queue", () => {
  it("delivers in planning order; the resolve waits behind a trigger still being delivered", () => {
    const state = emptyAlertQueue();
    acceptAlertEvent(state, trigger("run-a", "i1"));
    expect(nextAlertStep(state)).toMatchObject({ kind: "deliver", event: { id: "trigger:run-a" } });
    // While the trigger is retried (still the head), the check passes: the resolve queues behind it.
    acceptAlertEvent(state, resolve("run-b", "i1"));
    expect(nextAlertStep(state)).toMatchObject({ kind: "deliver", event: { id: "trigger:run-a" } });
    expect(drain(state)).toEqual(["trigger:run-a", "resolve:run-b"]);
    expect(nextAlertStep(state)).toEqual({ kind: "idle" });
  });

  it("drops a duplicated hand-off, queued or already settled", () => {
    const state = emptyAlertQueue();
    expect(acceptAlertEvent(state, trigger("run-a", "i1"))).toBe(true);
    expect(acceptAlertEvent(state, trigger("run-a", "i1"))).toBe(false);
    expect(drain(state)).toEqual(["trigger:run-a"]);
    expect(acceptAlertEvent(state, trigger("run-a", "i1"))).toBe(false);
    expect(drain(state)).toEqual([]);
  });

  it("puts a trigger handed off late before the resolve of its own incident, not before a later incident's", () => {
    const state = emptyAlertQueue();
    acceptAlertEvent(state, resolve("run-b", "i1"));
    expect(nextAlertStep(state)).toMatchObject({ kind: "await-trigger", event: { id: "resolve:run-b" } });
    acceptAlertEvent(state, trigger("run-a", "i1"));
    expect(drain(state)).toEqual(["trigger:run-a", "resolve:run-b"]);

    // A second incident of the same key opens after the first closed: it goes after.
    acceptAlertEvent(state, trigger("run-c", "i2"));
    acceptAlertEvent(state, resolve("run-d", "i2"));
    expect(drain(state)).toEqual(["trigger:run-c", "resolve:run-d"]);
  });

  it("a refused trigger still leaves its incident open, so its resolve goes out in turn", () => {
    const state = emptyAlertQueue();
    acceptAlertEvent(state, trigger("run-a", "i1"));
    acceptAlertEvent(state, resolve("run-b", "i1"));
    settleAlertEvent(state, "trigger:run-a", "failed");
    expect(state.settled).toEqual([{ id: "trigger:run-a", decision: "trigger", incident: "i1", outcome: "failed" }]);
    expect(nextAlertStep(state)).toMatchObject({ kind: "deliver", event: { id: "resolve:run-b" } });
  });

  it("holds open while an incident it triggered is open, and not after its resolve", () => {
    const state = emptyAlertQueue();
    acceptAlertEvent(state, trigger("run-a", "i1"));
    drain(state);
    expect(holdsOpenIncident(state)).toBe(true);
    acceptAlertEvent(state, resolve("run-b", "i1"));
    drain(state);
    expect(holdsOpenIncident(state)).toBe(false);
  });

  it("events planned before incidents were tracked go in arrival order, without waiting", () => {
    const state = emptyAlertQueue();
    acceptAlertEvent(state, resolve("run-b"));
    acceptAlertEvent(state, trigger("run-c"));
    expect(drain(state)).toEqual(["resolve:run-b", "trigger:run-c"]);
    expect(holdsOpenIncident(state)).toBe(false);
  });

  it("keeps a bounded memory of settled events", () => {
    const state = emptyAlertQueue();
    for (let i = 0; i < SETTLED_EVENTS_KEPT + 10; i++) {
      acceptAlertEvent(state, trigger(`run-${i}`));
      drain(state);
    }
    expect(state.settled).toHaveLength(SETTLED_EVENTS_KEPT);
    expect(state.settled[0]!.id).toBe("trigger:run-10");
  });
});
