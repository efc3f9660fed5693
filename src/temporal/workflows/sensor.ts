/**
 * A sensor is a long-running workflow: it evaluates the sensor (an activity)
 * every interval, launches a run for each request whose run key it has not
 * launched before, and keeps its cursor and launched keys in its own state —
 * durable across worker restarts, carried over continue-as-new.
 */
import { ApplicationFailure, continueAsNew, proxyActivities, setHandler, sleep, upsertSearchAttributes, workflowInfo } from "@temporalio/workflow";
import type { MonitoringActivities } from "../activities/monitoring";
import type { SensorActivities } from "../activities/sensor";
import { sendPlannedAlerts } from "./alert";
import { MATERIA_JOB, MATERIA_KIND } from "../search-attributes";
import { startOrJoin } from "./canonical-run";
import { sensorStateQuery, type SensorState } from "../sensor-shared";

export type { SensorState };

// Few retries inside one evaluation: the next evaluation comes soon, and repeated failures page on-call.
const { evaluateSensor } = proxyActivities<SensorActivities>({ startToCloseTimeout: "5 minutes", retry: { maximumAttempts: 2, initialInterval: "1 second" } });

export interface SensorWorkflowInput {
  sensor: string;
  job: string;
  intervalSeconds: number;
}

const { planSensorFailingAlert, sensorRecovered } = proxyActivities<MonitoringActivities>({ startToCloseTimeout: "1 minute", retry: { maximumAttempts: 5 } });

const EVALUATIONS_PER_EXECUTION = 200;
/** Consecutive failed evaluations before on-call hears about it. */
const FAILURES_BEFORE_ALERT = 3;
const LAUNCHED_KEYS_KEPT = 5000;

export async function sensorWorkflow(input: SensorWorkflowInput, carried?: SensorState): Promise<void> {
  const state: SensorState = carried ?? { cursor: undefined, launched: [], consecutiveFailures: 0, evaluations: 0 };
  setHandler(sensorStateQuery, () => state);
  upsertSearchAttributes([
    { key: MATERIA_KIND, value: "sensor" },
    { key: MATERIA_JOB, value: input.job },
  ]);
  const launched = new Set(state.launched);
  for (let i = 0; i < EVALUATIONS_PER_EXECUTION; i++) {
    try {
      const result = await evaluateSensor({ sensor: input.sensor, cursor: state.cursor });
      if (state.consecutiveFailures >= FAILURES_BEFORE_ALERT) await sensorRecovered({ sensor: input.sensor });
      state.consecutiveFailures = 0;
      for (const request of result.runRequests) {
        if (launched.has(request.runKey)) continue;
        // If the canonical run is already going, that run serves this request.
        await startOrJoin({ job: input.job }, request.partitionKey !== undefined ? [request.partitionKey] : []);
        launched.add(request.runKey);
        state.launched.push(request.runKey);
      }
      if (result.cursor !== undefined) state.cursor = result.cursor;
    } catch (error) {
      // Keep sensing: a failing evaluation must not kill the sensor. Alerts hook in here (checks issue).
      state.consecutiveFailures++;
      if (state.consecutiveFailures === FAILURES_BEFORE_ALERT) {
        const message = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
        const planned = await planSensorFailingAlert({ sensor: input.sensor, workflowId: workflowInfo().workflowId, consecutiveFailures: state.consecutiveFailures, message });
        await sendPlannedAlerts(planned, `${workflowInfo().runId}:${state.evaluations}`);
      }
      if (error instanceof ApplicationFailure && error.nonRetryable) throw error;
    }
    state.evaluations++;
    await sleep(input.intervalSeconds * 1000);
  }
  state.launched = state.launched.slice(-LAUNCHED_KEYS_KEPT);
  await continueAsNew<typeof sensorWorkflow>(input, state);
}
