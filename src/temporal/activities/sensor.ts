/** The sensor activity: evaluate a sensor's `evaluate` with its cursor, doing the I/O it needs. */
import { ApplicationFailure } from "@temporalio/common";
import { DefinitionError, type Definitions, type SensorResult } from "../../core";
import { objectReader, type ExecutionEnvironment } from "../../execution";

export function createSensorActivities(definitions: Definitions, env: ExecutionEnvironment) {
  return {
    async evaluateSensor(request: { sensor: string; cursor: string | undefined }): Promise<SensorResult> {
      const sensor = definitions.sensors.get(request.sensor);
      if (!sensor) throw ApplicationFailure.create({ type: DefinitionError.name, nonRetryable: true, message: `Sensor "${request.sensor}" is not defined in this worker's code.` });
      return sensor.evaluate({
        cursor: request.cursor,
        objects: objectReader(env.store, env.scratchRoot),
        materializations: { listMaterializations: (asset) => env.catalog.listMaterializations(asset) },
        now: new Date(),
      });
    },
  };
}

export type SensorActivities = ReturnType<typeof createSensorActivities>;
