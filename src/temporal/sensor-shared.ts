/**
 * What the sensor workflow and its clients agree on: its state, answered by
 * the `state` query (the CLI's `sensors list`, tests waiting for evaluations).
 */
import { defineQuery } from "@temporalio/workflow";

export interface SensorState {
  cursor: string | undefined;
  /** Run keys already launched, newest last (bounded). */
  launched: string[];
  consecutiveFailures: number;
  evaluations: number;
}

export const sensorStateQuery = defineQuery<SensorState>("state");
