/**
 * Alert activities. Planning (which alerts, to which channels, incident
 * state) happens once; delivery is one activity per alert and channel, so a
 * retry never re-sends to a channel that already took the alert. A receiver
 * answering 4xx fails the delivery for good (non-retryable); 5xx, 429 and
 * network errors are retried with backoff until the receiver comes back.
 */
import { ApplicationFailure } from "@temporalio/common";
import type { MateriaConfig } from "../../config";
import type { CheckResult } from "../../resources/catalog";
import {
  AlertRejectedError,
  configuredChannels,
  createAlertChannels,
  deliverAlert,
  planAlert,
  planCheckAlerts,
  runFailedAlert,
  runRecoveredAlert,
  type Alert,
  type AlertChannelName,
  type PlannedAlert,
} from "../../resources/alerts";
import type { ObjectStore } from "../../resources/object-store";
import type { Logger } from "../../utils/logger";

export interface AlertsRuntime {
  config: MateriaConfig;
  store: ObjectStore;
  log?: Logger;
}

export function createAlertActivities(runtime: AlertsRuntime) {
  const channels = createAlertChannels(runtime.config.alerts);
  const link = (workflowId: string | undefined) => ({ uiUrl: runtime.config.temporal.uiUrl, namespace: runtime.config.temporal.namespace, workflowId });
  return {
    async sendAlert(request: { alert: Alert; channel: AlertChannelName }): Promise<void> {
      const channel = channels.get(request.channel);
      if (!channel) throw ApplicationFailure.create({ type: "ConfigError", nonRetryable: true, message: `Alert channel "${request.channel}" is not configured on this worker.` });
      try {
        await deliverAlert([channel], request.alert, runtime.log ? { log: runtime.log } : {});
      } catch (error) {
        if (error instanceof AlertRejectedError) throw ApplicationFailure.create({ type: "AlertRejectedError", nonRetryable: true, message: error.message });
        throw error;
      }
    },

    /** A step failed after its last retry (`asset` is the step's name). */
    async planRunFailedAlert(request: { workflowId: string; message: string; asset: string; partition: string | null }): Promise<PlannedAlert[]> {
      if (configuredChannels(runtime.config.alerts).length === 0) return [];
      const planned = await planAlert(runtime.store, runtime.config.alerts, runFailedAlert({ runId: request.workflowId, asset: request.asset, partition: request.partition, message: request.message, link: link(request.workflowId) }));
      return planned ? [planned] : [];
    },
  };
}

/** A step published its partition: resolve the incident a failure of it opened, if any (one small read otherwise). */
export async function planStepRecoveredAlert(runtime: AlertsRuntime | undefined, step: string, partition: string | null, workflowId: string): Promise<PlannedAlert[]> {
  if (!runtime || configuredChannels(runtime.config.alerts).length === 0) return [];
  const link = { uiUrl: runtime.config.temporal.uiUrl, namespace: runtime.config.temporal.namespace, workflowId };
  const planned = await planAlert(runtime.store, runtime.config.alerts, runRecoveredAlert({ runId: workflowId, asset: step, partition, link }));
  return planned ? [planned] : [];
}

/** Check results → alerts to send (incident state updated), or [] when no channel is configured. */
export async function planAlertsForChecks(runtime: AlertsRuntime | undefined, results: CheckResult[], workflowId: string): Promise<PlannedAlert[]> {
  if (!runtime || configuredChannels(runtime.config.alerts).length === 0 || results.length === 0) return [];
  return planCheckAlerts(runtime.store, runtime.config.alerts, results, { uiUrl: runtime.config.temporal.uiUrl, namespace: runtime.config.temporal.namespace, workflowId });
}

export type AlertActivities = ReturnType<typeof createAlertActivities>;
