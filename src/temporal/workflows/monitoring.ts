/**
 * The freshness monitor: a long-running workflow that checks, every
 * interval, whether recent partitions of assets with a freshness check
 * missed their deadline, and pages (once per open incident) when they did.
 */
import { continueAsNew, proxyActivities, sleep, workflowInfo } from "@temporalio/workflow";
import type { MonitoringActivities } from "../activities/monitoring";
import { sendPlannedAlerts } from "./alert";

const { evaluateFreshnessDeadlines } = proxyActivities<MonitoringActivities>({ startToCloseTimeout: "5 minutes", retry: { maximumAttempts: 3 } });

const EVALUATIONS_PER_EXECUTION = 200;

export async function freshnessMonitorWorkflow(input: { intervalSeconds: number }): Promise<void> {
  for (let i = 0; i < EVALUATIONS_PER_EXECUTION; i++) {
    try {
      const planned = await evaluateFreshnessDeadlines({});
      await sendPlannedAlerts(planned, `${workflowInfo().runId}:${i}`);
    } catch {
      // The next evaluation tries again; one failed look must not stop monitoring.
    }
    await sleep(input.intervalSeconds * 1000);
  }
  await continueAsNew<typeof freshnessMonitorWorkflow>(input);
}
