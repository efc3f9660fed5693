/**
 * The smallest materia workflow: one activity round trip. `materia doctor`
 * and the test suite use it to prove a worker serves the task queue.
 */
import { proxyActivities } from "@temporalio/workflow";
import type { PingActivities } from "../activities/ping";

const { ping } = proxyActivities<PingActivities>({
  startToCloseTimeout: "30 seconds",
  retry: { maximumAttempts: 3 },
});

export interface PingResult {
  message: string;
  workerIdentity: string;
}

export async function pingWorkflow(message: string): Promise<PingResult> {
  return ping(message);
}
