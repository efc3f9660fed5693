/** Activities of scheduled runs: map the nominal scheduled time to the job's partition. */
import { ApplicationFailure } from "@temporalio/common";
import { isMultiPartitions, isTimePartitions, type Definitions } from "../../core";

export function createScheduleActivities(definitions: Definitions) {
  return {
    /** The last complete partition before the scheduled time (null for unpartitioned jobs). */
    async scheduledPartition(request: { job: string; scheduledTime: string }): Promise<string | null> {
      const assets = definitions.jobAssets(request.job);
      const job = definitions.job(request.job);
      const partitions = job.partitions ?? assets.map((key) => definitions.graph.node(key).partitions).find((p) => p !== undefined);
      if (!partitions) return null;
      if (!isTimePartitions(partitions)) {
        throw ApplicationFailure.create({
          type: "MateriaScheduleError",
          nonRetryable: true,
          message: `Job "${request.job}" is partitioned by ${isMultiPartitions(partitions) ? "multiple dimensions" : partitions.kind} (${partitions.id}); a schedule can only derive time partitions. Use a sensor to request its partitions.`,
        });
      }
      const at = new Date(request.scheduledTime);
      const key = partitions.lastCompleteBefore(at);
      if (key === undefined) {
        throw ApplicationFailure.create({ type: "MateriaScheduleError", nonRetryable: true, message: `No complete partition of ${partitions.id} before ${request.scheduledTime}.` });
      }
      return key;
    },
  };
}

export type ScheduleActivities = ReturnType<typeof createScheduleActivities>;
