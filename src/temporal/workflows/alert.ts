/**
 * Handing planned alerts to delivery, and the delivery of one alert event.
 *
 * sendPlannedAlerts passes each alert, per channel, to that channel's queue
 * for the incident (alertQueueWorkflow, started or signalled atomically by
 * an activity), which delivers the incident's events one at a time in order.
 * It returns once the events are queued, not delivered: a run does not wait
 * for slow receivers.
 *
 * alertDeliveryWorkflow delivers one event to one channel, durably: retried
 * with backoff for as long as a day (unlimited attempts within that), so a
 * receiver that is down for minutes still gets it once it is back.
 */
import { ParentClosePolicy, patched, proxyActivities, startChild } from "@temporalio/workflow";
import { WorkflowExecutionAlreadyStartedError } from "@temporalio/common";
import type { AlertActivities } from "../activities/alerts";
import type { PlannedAlert } from "../../resources/alerts/plan";
import type { Alert, AlertChannelName } from "../../resources/alerts/types";
import { ALERT_HANDOFF_WINDOW, alertDeliveryWorkflowId, alertEventId, type AlertHandoff } from "../alert-shared";

const { sendAlert } = proxyActivities<AlertActivities>({
  startToCloseTimeout: "30 seconds",
  scheduleToCloseTimeout: "24 hours",
  retry: { initialInterval: "1 second", backoffCoefficient: 2, maximumInterval: "5 minutes", nonRetryableErrorTypes: ["AlertRejectedError", "ConfigError"] },
});

const { enqueueAlerts } = proxyActivities<AlertActivities>({
  startToCloseTimeout: "30 seconds",
  scheduleToCloseTimeout: ALERT_HANDOFF_WINDOW,
  retry: { initialInterval: "1 second", backoffCoefficient: 2, maximumInterval: "30 seconds", nonRetryableErrorTypes: ["ConfigError"] },
});

/** Workflows that handed alerts off before per-incident queues existed replay their unordered child starts. */
const PER_INCIDENT_QUEUES = "alerts-per-incident-queue";

export async function alertDeliveryWorkflow(request: { alert: Alert; channel: AlertChannelName }): Promise<void> {
  await sendAlert(request);
}

/**
 * Queue every planned alert on each of its channels; returns once queued.
 * `origin` names what planned them (run and step, monitor evaluation): an
 * origin handing off again (a replay, a retried activity) is a no-op.
 */
export async function sendPlannedAlerts(planned: ReadonlyArray<Pick<PlannedAlert, "alert" | "channels" | "decision" | "incident">>, origin: string): Promise<void> {
  const handoffs: AlertHandoff[] = planned.flatMap(({ alert, channels, decision, incident }) =>
    channels.map((channel) => ({ channel, event: { id: alertEventId(decision, origin), decision, alert, ...(incident !== undefined ? { incident } : {}) } })),
  );
  if (handoffs.length === 0) return;
  if (!patched(PER_INCIDENT_QUEUES)) return startUnorderedDeliveries(handoffs);
  await enqueueAlerts({ handoffs });
}

/** The hand-off before per-incident queues: one abandoned child per alert and channel. Kept only for replay. */
async function startUnorderedDeliveries(handoffs: readonly AlertHandoff[]): Promise<void> {
  for (const { channel, event } of handoffs) {
    try {
      await startChild(alertDeliveryWorkflow, {
        workflowId: alertDeliveryWorkflowId(channel, event.alert.dedupKey, event.id),
        args: [{ alert: event.alert, channel }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }
}
