/**
 * Delivers one alert to one channel, durably: retried with backoff for as
 * long as a day (unlimited attempts within that), so a receiver that is down for minutes still gets it once
 * it is back. Started as an abandoned child, so a run finishes without
 * waiting for slow receivers; its id makes a duplicate start a no-op.
 */
import { ParentClosePolicy, proxyActivities, startChild } from "@temporalio/workflow";
import { WorkflowExecutionAlreadyStartedError } from "@temporalio/common";
import type { AlertActivities } from "../activities/alerts";
import type { Alert, AlertChannelName } from "../../resources/alerts/types";

const { sendAlert } = proxyActivities<AlertActivities>({
  startToCloseTimeout: "30 seconds",
  scheduleToCloseTimeout: "24 hours",
  retry: { initialInterval: "1 second", backoffCoefficient: 2, maximumInterval: "5 minutes", nonRetryableErrorTypes: ["AlertRejectedError", "ConfigError"] },
});

export async function alertDeliveryWorkflow(request: { alert: Alert; channel: AlertChannelName }): Promise<void> {
  await sendAlert(request);
}

/** Start one delivery per planned alert and channel; returns once they are started, not delivered. */
export async function sendPlannedAlerts(planned: ReadonlyArray<{ alert: Alert; channels: AlertChannelName[]; decision: string }>, origin: string): Promise<void> {
  for (const { alert, channels, decision } of planned) {
    for (const channel of channels) {
      try {
        await startChild(alertDeliveryWorkflow, {
          workflowId: `materia-alert:${channel}:${alert.dedupKey}:${decision}:${origin}`,
          args: [{ alert, channel }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
        });
      } catch (error) {
        // Already started for this origin (a replayed or retried step): that delivery stands.
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    }
  }
}
