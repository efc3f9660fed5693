/**
 * Alert activities. Planning (which alerts, to which channels, incident
 * state) happens once; the planned alerts are handed to their incident's
 * queue per channel (enqueueAlerts); delivery is one activity per alert and
 * channel, so a retry never re-sends to a channel that already took the
 * alert. A receiver answering 4xx fails the delivery for good
 * (non-retryable); 5xx, 429 and network errors are retried with backoff
 * until the receiver comes back.
 */
import type { Client } from "@temporalio/client";
import { ApplicationFailure, TypedSearchAttributes } from "@temporalio/common";
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
import { Context } from "@temporalio/activity";
import { alertQueueWorkflowId, enqueueAlertSignal, type AlertHandoff } from "../alert-shared";
import { MATERIA_KIND } from "../search-attributes";
import type { alertQueueWorkflow } from "../workflows/alert-queue";

/**
 * Who plans an alert, stable across the retries of one activity (its
 * workflow run and activity id): a retried planner replays its plan (see planAlert).
 */
export function activityOrigin(): string | undefined {
  try {
    const { workflowExecution, activityId } = Context.current().info;
    return workflowExecution ? `${workflowExecution.runId}:${activityId}` : undefined;
  } catch {
    return undefined; // not inside an activity (tests, in-process)
  }
}

export interface AlertsRuntime {
  config: MateriaConfig;
  store: ObjectStore;
  log?: Logger;
}

/** `client` starts and signals the alert queues; without one, enqueueAlerts fails as a configuration error. */
export function createAlertActivities(runtime: AlertsRuntime, client?: Client) {
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

    /**
     * Each event to its (channel, dedup key) queue, in order, by
     * signal-with-start: atomic, so an event is never lost between a queue
     * finishing and a new one starting. A retry re-sends events already
     * queued; the queue drops them by id.
     */
    async enqueueAlerts(request: { handoffs: AlertHandoff[] }): Promise<void> {
      if (!client) throw ApplicationFailure.create({ type: "ConfigError", nonRetryable: true, message: "This worker has no Temporal client to queue alerts with." });
      for (const { channel, event } of request.handoffs) {
        await client.workflow.signalWithStart<typeof alertQueueWorkflow, [typeof event]>("alertQueueWorkflow", {
          workflowId: alertQueueWorkflowId(channel, event.alert.dedupKey),
          taskQueue: runtime.config.temporal.taskQueue,
          args: [{ channel, dedupKey: event.alert.dedupKey }],
          signal: enqueueAlertSignal,
          signalArgs: [event],
          typedSearchAttributes: new TypedSearchAttributes([{ key: MATERIA_KIND, value: "alerts" }]),
          staticSummary: `${channel} alerts for ${incidentTitle(event.alert)}`,
        });
      }
    },

    /** A step failed after its last retry (`asset` is the step's name). */
    async planRunFailedAlert(request: { workflowId: string; message: string; asset: string; partition: string | null }): Promise<PlannedAlert[]> {
      if (configuredChannels(runtime.config.alerts).length === 0) return [];
      const alert = runFailedAlert({ runId: request.workflowId, asset: request.asset, partition: request.partition, message: request.message, link: link(request.workflowId) });
      const planned = await planAlert(runtime.store, runtime.config.alerts, alert, activityOrigin());
      return planned ? [planned] : [];
    },
  };
}

function incidentTitle(alert: Alert): string {
  const subject = [alert.check, alert.asset].filter((part): part is string => part !== null).join(" on ");
  return `${subject || alert.kind}${alert.partition !== null ? ` [${alert.partition}]` : ""}`;
}

/** A step published its partition: resolve the incident a failure of it opened, if any (one small read otherwise). */
export async function planStepRecoveredAlert(runtime: AlertsRuntime | undefined, step: string, partition: string | null, workflowId: string): Promise<PlannedAlert[]> {
  if (!runtime || configuredChannels(runtime.config.alerts).length === 0) return [];
  const link = { uiUrl: runtime.config.temporal.uiUrl, namespace: runtime.config.temporal.namespace, workflowId };
  const planned = await planAlert(runtime.store, runtime.config.alerts, runRecoveredAlert({ runId: workflowId, asset: step, partition, link }), activityOrigin());
  return planned ? [planned] : [];
}

/** Check results → alerts to send (incident state updated), or [] when no channel is configured. */
export async function planAlertsForChecks(runtime: AlertsRuntime | undefined, results: CheckResult[], workflowId: string): Promise<PlannedAlert[]> {
  if (!runtime || configuredChannels(runtime.config.alerts).length === 0 || results.length === 0) return [];
  return planCheckAlerts(runtime.store, runtime.config.alerts, results, { uiUrl: runtime.config.temporal.uiUrl, namespace: runtime.config.temporal.namespace, workflowId }, activityOrigin());
}

export type AlertActivities = ReturnType<typeof createAlertActivities>;
