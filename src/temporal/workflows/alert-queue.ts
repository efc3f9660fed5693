/**
 * One incident's alerts on one channel, in order: a long-lived workflow per
 * (channel, dedup key), fed by signal-with-start, delivering its queue one
 * event at a time. Each event is one alertDeliveryWorkflow child (retried
 * with backoff for up to a day; a 4xx fails that child for good, visibly)
 * and the next event starts only when it is settled, so a resolve can never
 * reach the receiver before the trigger it follows.
 *
 * While an incident it triggered is open, the queue stays (it remembers the
 * trigger, so the resolve goes straight out); once nothing is open it ends
 * after an idle hour.
 */
import {
  CancellationScope,
  ChildWorkflowFailure,
  condition,
  continueAsNew,
  executeChild,
  setHandler,
  workflowInfo,
  WorkflowIdReusePolicy,
} from "@temporalio/workflow";
import { WorkflowExecutionAlreadyStartedError } from "@temporalio/common";
import { acceptAlertEvent, emptyAlertQueue, holdsOpenIncident, nextAlertStep, settleAlertEvent, type AlertEvent, type AlertOutcome } from "../alert-queue";
import { ALERT_HANDOFF_WINDOW, alertDeliveryWorkflowId, alertQueueStateQuery, enqueueAlertSignal, type AlertQueueInput } from "../alert-shared";
import { alertDeliveryWorkflow } from "./alert";

/** Longer than ALERT_HANDOFF_WINDOW, so a late duplicate of a delivered event still finds this queue. */
const IDLE_BEFORE_FINISHING = "1 hour";
/** A resolve that never comes (its incident closed without one) must not keep the queue forever. */
const OPEN_INCIDENT_KEPT_FOR = "30 days";
/** Keeps each execution's history small; the state is carried over. */
const EVENTS_PER_EXECUTION = 100;

export async function alertQueueWorkflow(input: AlertQueueInput): Promise<void> {
  const state = input.carried ?? emptyAlertQueue();
  setHandler(enqueueAlertSignal, (event) => {
    acceptAlertEvent(state, event);
  });
  setHandler(alertQueueStateQuery, () => ({
    pending: state.pending.map(({ id, decision, incident }) => ({ id, decision, ...(incident !== undefined ? { incident } : {}) })),
    settled: [...state.settled],
    open: [...state.open],
  }));

  for (let settled = 0; ; ) {
    const step = nextAlertStep(state);
    if (step.kind === "idle") {
      const arrived = await condition(() => state.pending.length > 0, holdsOpenIncident(state) ? OPEN_INCIDENT_KEPT_FOR : IDLE_BEFORE_FINISHING);
      if (!arrived) return;
      continue;
    }
    if (step.kind === "await-trigger") {
      // Its trigger may still be on its way (a hand-off being retried): a trigger arriving now goes before it.
      const headChanged = await condition(() => state.pending[0] !== step.event, ALERT_HANDOFF_WINDOW);
      // Otherwise the incident predates this queue (or its trigger was lost): the resolve goes alone.
      if (headChanged || state.pending[0] !== step.event) continue;
    }
    settleAlertEvent(state, step.event.id, await deliver(input, step.event));
    settled++;
    if (settled >= EVENTS_PER_EXECUTION || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof alertQueueWorkflow>({ channel: input.channel, dedupKey: input.dedupKey, carried: state });
    }
  }
}

async function deliver(input: AlertQueueInput, event: AlertEvent): Promise<AlertOutcome> {
  try {
    await executeChild(alertDeliveryWorkflow, {
      workflowId: alertDeliveryWorkflowId(input.channel, input.dedupKey, event.id),
      args: [{ alert: event.alert, channel: input.channel }],
      // A delivery that already ran (kept by the server for its retention period) is not run again.
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      staticSummary: `${event.decision} ${event.alert.kind} to ${input.channel}`,
    });
    return "delivered";
  } catch (error) {
    // The queue itself cancelled: stop. A delivery cancelled by an operator (to skip it) is a failed event.
    if (CancellationScope.current().consideredCancelled) throw error;
    if (error instanceof WorkflowExecutionAlreadyStartedError) return "duplicate";
    // Refused (4xx) or still failing after a day: the child shows as Failed; the queue goes on.
    if (error instanceof ChildWorkflowFailure) return "failed";
    throw error;
  }
}
