/**
 * The in-process executor: plan, then run each step in this process, without
 * Temporal, in the order the one ready-set state machine gives (the same one
 * the run and backfill workflows drive), through the same step the Temporal
 * activities call. For unit tests of assets and quick local use.
 */
import { randomUUID } from "node:crypto";
import { DEFAULT_MAX_CONCURRENT_STEPS, outcomeOf, ReadySet, type Definitions, type PlanStep } from "../core";
import type { ExecutionEnvironment } from "./environment";
import { partitionContext, planRun, type PlanInput } from "./plan-run";
import { runStepRidingOutOutages } from "./ride-out";
import { validateRunConfig, type RunConfig } from "./run-config";
import type { OutputOutcome, StepPhases } from "./step";

export type StepStatus = "published" | "blocked" | "failed" | "skipped";

export interface StepRunResult {
  id: string;
  step: string;
  partition: string | null;
  status: StepStatus;
  outputs: OutputOutcome[];
  durationMs: number;
  phasesMs?: StepPhases;
  error?: { type: string; message: string };
  /** For skipped steps: the failed or blocked step that caused the skip. */
  skippedBecause?: string;
}

export interface RunResult {
  runId: string;
  status: "succeeded" | "failed";
  steps: StepRunResult[];
}

export interface MaterializeInput extends PlanInput {
  env: ExecutionEnvironment;
  runId?: string;
  signal?: AbortSignal;
  config?: RunConfig;
  /**
   * Steps running at once (default: the job's `maxConcurrentSteps`, else 4, as
   * in a run through Temporal). A step spends much of its time in DuckDB's
   * threads and the store, so a few side by side finish sooner; 1 runs them
   * one after another.
   */
  maxConcurrentSteps?: number;
}

export async function materialize(definitions: Definitions, input: MaterializeInput): Promise<RunResult> {
  const runId = input.runId ?? `local-${randomUUID()}`;
  const context = await partitionContext(definitions, input.env.catalog);
  const plan = await planRun(definitions, input.env.catalog, input, context, input.env.log);
  validateRunConfig(definitions, [...new Set(plan.steps.map((s) => s.step))], input.config);
  const index = new Map(plan.steps.map((step, i) => [step.id, i]));
  const set = new ReadySet(plan.steps.map((step) => step.dependsOn.map((id) => index.get(id)!)));
  const results = new Map<string, StepRunResult>();
  const limit = Math.max(1, input.maxConcurrentSteps ?? (input.job !== undefined ? definitions.job(input.job).maxConcurrentSteps : DEFAULT_MAX_CONCURRENT_STEPS));
  const running = new Map<number, Promise<number>>();
  const finish = (node: number, result: StepRunResult): void => {
    const step = plan.steps[node]!;
    results.set(step.id, result);
    for (const skipped of set.complete(node, outcomeOf(result.status)).skipped) {
      const descendant = plan.steps[skipped]!;
      const because = plan.steps[set.brokenUpstream(skipped)!]!.id;
      input.env.log.debug({ step: descendant.id, after: because }, "skipping step: a step it depends on did not publish");
      results.set(descendant.id, { id: descendant.id, step: descendant.step, partition: descendant.partition, status: "skipped", outputs: [], durationMs: 0, skippedBecause: because });
    }
  };
  for (;;) {
    for (let node = running.size < limit ? set.take() : undefined; node !== undefined; node = running.size < limit ? set.take() : undefined) {
      const taken = node;
      running.set(taken, executeOne(definitions, plan.steps[taken]!, { ...input, runId, context }).then((result) => (finish(taken, result), taken)));
    }
    if (running.size === 0) break;
    // executeOne never rejects: a failed step is a result.
    running.delete(await Promise.race(running.values()));
  }
  // In plan order, as before: callers read results by position.
  const steps = plan.steps.map((step) => results.get(step.id)!);
  return { runId, status: steps.every((s) => s.status === "published") ? "succeeded" : "failed", steps };
}

async function executeOne(
  definitions: Definitions,
  step: PlanStep,
  input: { env: ExecutionEnvironment; runId: string; signal?: AbortSignal; context: Awaited<ReturnType<typeof partitionContext>>; config?: RunConfig },
): Promise<StepRunResult> {
  const base = { id: step.id, step: step.step, partition: step.partition };
  const started = Date.now();
  try {
    const config = input.config?.[step.step];
    const outcome = await runStepRidingOutOutages(definitions, { runId: input.runId, step: step.step, partition: step.partition, ...(config !== undefined ? { config } : {}) }, input.env, {
      ...(input.signal ? { signal: input.signal } : {}),
      context: input.context,
    });
    return { ...base, status: outcome.status, outputs: outcome.outputs, durationMs: outcome.durationMs, ...(outcome.phasesMs ? { phasesMs: outcome.phasesMs } : {}) };
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    input.env.log.error({ err, step: step.id }, "step failed");
    return { ...base, status: "failed", outputs: [], durationMs: Date.now() - started, error: { type: err.name, message: err.message } };
  }
}
