/**
 * Monitoring activities: freshness deadlines (a partition not published by
 * its deadline pages once; publishing it later passes the in-step freshness
 * check, which resolves the same incident) and sensors that keep failing.
 */
import { freshnessPolicyOf, evaluateFreshness, isTimePartitions, type Definitions } from "../../core";
import type { ExecutionEnvironment } from "../../execution";
import { alertDedupKey, closeIncident, configuredChannels, freshnessMissedAlert, planAlert, sensorFailingAlert, type PlannedAlert } from "../../resources/alerts";
import { activityOrigin, type AlertsRuntime } from "./alerts";

/** How many recent partitions of each asset the freshness monitor looks at. */
const RECENT_PARTITIONS = 3;

export function createMonitoringActivities(definitions: Definitions, env: ExecutionEnvironment, alerts: AlertsRuntime) {
  const link = (workflowId: string | undefined) => ({ uiUrl: alerts.config.temporal.uiUrl, namespace: alerts.config.temporal.namespace, workflowId });
  const enabled = () => configuredChannels(alerts.config.alerts).length > 0;
  return {
    async evaluateFreshnessDeadlines(request: { now?: string } = {}): Promise<PlannedAlert[]> {
      if (!enabled()) return [];
      const now = request.now ? new Date(request.now) : new Date();
      const planned: PlannedAlert[] = [];
      for (const key of definitions.graph.keys()) {
        const node = definitions.graph.node(key);
        if (!node.partitions || !isTimePartitions(node.partitions)) continue;
        const partitions = node.partitions;
        for (const check of node.checks) {
          const policy = freshnessPolicyOf(check);
          if (!policy) continue;
          const last = partitions.lastCompleteBefore(now);
          if (last === undefined) continue;
          const recent = [last];
          while (recent.length < RECENT_PARTITIONS) {
            const previous = partitions.previous(recent[recent.length - 1]!);
            if (previous === undefined) break;
            recent.push(previous);
          }
          for (const partition of recent) {
            const manifest = await env.catalog.readManifest(key, partition);
            const result = evaluateFreshness(policy.partitionDeadline, { partitionKey: partition, window: partitions.timeWindow(partition), now, publishedAt: manifest ? new Date(manifest.publishedAt) : undefined });
            if (result.status !== "missing") continue;
            const alert = freshnessMissedAlert({ asset: key, partition, check: check.name, severity: check.severity, deadline: result.deadline, lateByMs: result.lateByMs, message: result.message, link: link(undefined) });
            const next = await planAlert(env.store, alerts.config.alerts, alert, activityOrigin());
            if (next) planned.push(next);
          }
        }
      }
      return planned;
    },

    async planSensorFailingAlert(request: { sensor: string; workflowId: string; consecutiveFailures: number; message: string }): Promise<PlannedAlert[]> {
      if (!enabled()) return [];
      const next = await planAlert(env.store, alerts.config.alerts, sensorFailingAlert({ sensor: request.sensor, consecutiveFailures: request.consecutiveFailures, message: request.message, link: link(request.workflowId) }), activityOrigin());
      return next ? [next] : [];
    },

    /** The sensor works again: close its incident so the next failure streak pages again. */
    async sensorRecovered(request: { sensor: string }): Promise<void> {
      await closeIncident(env.store, alertDedupKey({ scope: "sensor", asset: null, check: request.sensor, partition: null }));
    },
  };
}

export type MonitoringActivities = ReturnType<typeof createMonitoringActivities>;
