/**
 * Starting and following runs from outside a workflow (CLI, tests, sensors'
 * activities). A run's workflow id is derived from its job (or selection)
 * and partition, and a start for an id that is already running joins it
 * (USE_EXISTING): two triggers of one partition never run at once.
 */
import { WorkflowIdConflictPolicy, type Client, type WorkflowHandle } from "@temporalio/client";
import { TypedSearchAttributes } from "@temporalio/common";
import type { runWorkflow } from "./workflows";
import { MATERIA_JOB, MATERIA_KIND, MATERIA_PARTITION } from "./search-attributes";
import { normalizePartitions, runWorkflowId, type RunInput } from "./shared";

export interface StartedRun {
  handle: WorkflowHandle<typeof runWorkflow>;
  workflowId: string;
}

export async function startRun(client: Client, taskQueue: string, input: RunInput): Promise<StartedRun> {
  const partitions = normalizePartitions(input);
  const workflowId = runWorkflowId(input, partitions);
  const pairs = [
    { key: MATERIA_KIND, value: "run" },
    ...(input.job ? [{ key: MATERIA_JOB, value: input.job }] : []),
    ...(partitions.length === 1 ? [{ key: MATERIA_PARTITION, value: partitions[0]! }] : []),
  ];
  const handle = await client.workflow.start<typeof runWorkflow>("runWorkflow", {
    taskQueue,
    workflowId,
    args: [{ ...input, partitions, partition: undefined }],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    typedSearchAttributes: new TypedSearchAttributes(pairs),
  });
  return { handle, workflowId };
}
