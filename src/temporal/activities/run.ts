/**
 * Activities of the run workflow: plan (against the catalog) and execute one
 * step (write–audit–publish). They do the I/O; the workflow only orders them.
 */
import { Context } from "@temporalio/activity";
import { ApplicationFailure } from "@temporalio/common";
import type { AssetStep, Definitions, RetrySpec, TimeoutSpec } from "../../core";
import { DEFAULT_MAX_CONCURRENT_STEPS, MateriaError } from "../../core";
import { partitionContext, planRun, runStepRidingOutOutages, validateRunConfig, type ExecutionEnvironment } from "../../execution";
import { planAlertsForChecks, planStepRecoveredAlert, type AlertsRuntime } from "./alerts";
import { NON_RETRYABLE_STEP_ERRORS, normalizePartitions, STEP_HEARTBEAT_TIMEOUT, type RunInput, type RunPlan, type StepActivityOptions, type StepFailureDetails, type StepSummary } from "../shared";

/** Often enough that a killed worker is noticed within the (short) heartbeat timeout. */
const HEARTBEAT_EVERY_MS = 2_000;

export function createRunActivities(definitions: Definitions, env: ExecutionEnvironment, alerts?: AlertsRuntime) {
  return {
    async planRun(input: RunInput): Promise<RunPlan> {
      try {
        const partitions = normalizePartitions(input);
        const job = input.job !== undefined ? definitions.job(input.job) : undefined;
        const plan = await planRun(definitions, env.catalog, { ...(input.job !== undefined ? { job: input.job } : {}), ...(input.selection !== undefined ? { selection: input.selection } : {}), partitions }, undefined, env.log);
        const steps = [...new Set(plan.steps.map((s) => s.step))].map((name) => definitions.graph.step(name));
        validateRunConfig(definitions, steps.map((step) => step.name), input.config);
        return {
          job: job?.name,
          assets: [...new Set(plan.steps.flatMap((s) => s.assets))].sort(),
          partitions,
          steps: plan.steps,
          options: Object.fromEntries(steps.map((step) => [step.name, stepActivityOptions(step)])),
          maxConcurrentSteps: input.maxConcurrentSteps ?? job?.maxConcurrentSteps ?? DEFAULT_MAX_CONCURRENT_STEPS,
          ...(input.config ? { config: input.config } : {}),
          location: env.location,
        };
      } catch (error) {
        throw asFailure(error, true);
      }
    },

    async executeStep(request: { runId: string; step: string; partition: string | null; partitions?: string[]; config?: unknown }): Promise<StepSummary> {
      const context = Context.current();
      const started = Date.now();
      // Heartbeat on a timer: long DuckDB work stays visibly alive, and cancellation reaches us.
      const timer = setInterval(() => context.heartbeat({ step: request.step, elapsedMs: Date.now() - started }), HEARTBEAT_EVERY_MS);
      try {
        const outcome = await runStepRidingOutOutages(definitions, request, env, {
          signal: context.cancellationSignal,
          heartbeat: (details) => context.heartbeat(details),
          context: await partitionContext(definitions, env.catalog),
        });
        const checkResults = outcome.outputs.flatMap((o) => o.checks);
        const failedChecks = checkResults.filter((c) => !c.passed).map((c) => `${c.asset}:${c.check}`);
        const plannedAlerts = [
          ...(await planAlertsForChecks(alerts, checkResults, request.runId)),
          ...(outcome.status === "published" ? await planStepRecoveredAlert(alerts, request.step, request.partition, request.runId) : []),
        ];
        return {
          id: request.partitions && request.partitions.length > 1 ? `${request.step}[${request.partitions[0]}..${request.partitions[request.partitions.length - 1]}]` : request.partition === null ? request.step : `${request.step}[${request.partition}]`,
          step: request.step,
          partition: request.partition,
          status: outcome.status,
          rows: outcome.outputs.reduce((sum, o) => sum + o.rowCount, 0),
          durationMs: outcome.durationMs,
          failedChecks,
          ...(plannedAlerts.length > 0 ? { alerts: plannedAlerts } : {}),
        };
      } catch (error) {
        if (context.cancellationSignal.aborted) throw error;
        throw asStepFailure(error);
      } finally {
        clearInterval(timer);
      }
    },
  };
}

export type RunActivities = ReturnType<typeof createRunActivities>;

/**
 * A step's failure goes to the run workflow as a non-retryable failure that
 * says whether the step's retry policy may try again: the workflow counts
 * these attempts itself, so Temporal's own retries are left for crashes and
 * timeouts (a killed worker) and never use up the attempts meant for errors
 * in code or data.
 */
function asStepFailure(error: unknown): ApplicationFailure {
  const typed = asFailure(error, false);
  const failure = typed instanceof ApplicationFailure ? typed : undefined;
  const name = failure?.type ?? (error as { name?: unknown } | null)?.name;
  const message = failure?.message ?? (error as { message?: unknown } | null)?.message;
  const details: StepFailureDetails = { retryable: failure ? !failure.nonRetryable : true };
  return ApplicationFailure.create({
    type: typeof name === "string" ? name : "Error",
    message: typeof message === "string" ? message : String(error),
    nonRetryable: true,
    details: [details],
    cause: error instanceof Error ? error : undefined,
  });
}

/** Typed materia errors become ApplicationFailures carrying their type, message and hint. */
export function asFailure(error: unknown, alwaysNonRetryable: boolean): unknown {
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof MateriaError || (error instanceof Error && "hint" in error)) {
    const typed = error as Error & { hint?: string; retryable?: boolean };
    return ApplicationFailure.create({
      type: typed.name,
      message: typed.hint ? `${typed.message} (hint: ${typed.hint})` : typed.message,
      // Bad input and bad code fail at once: retries are for the infrastructure.
      nonRetryable: alwaysNonRetryable || typed.retryable === false || NON_RETRYABLE_STEP_ERRORS.includes(typed.name),
      cause: error instanceof Error ? error : undefined,
    });
  }
  return error;
}

export function stepActivityOptions(step: AssetStep): StepActivityOptions {
  const retry: RetrySpec = step.definition.retry ?? {};
  const timeout: TimeoutSpec = step.definition.timeout ?? {};
  return {
    startToCloseTimeout: timeout.startToClose ?? "2 hours",
    heartbeatTimeout: timeout.heartbeat ?? STEP_HEARTBEAT_TIMEOUT,
    retry: {
      maximumAttempts: retry.maximumAttempts ?? 3,
      initialInterval: retry.initialInterval ?? "2 seconds",
      backoffCoefficient: retry.backoffCoefficient ?? 2,
      maximumInterval: retry.maximumInterval ?? "1 minute",
      nonRetryableErrorTypes: [...NON_RETRYABLE_STEP_ERRORS, ...(retry.nonRetryableErrorTypes ?? [])],
    },
  };
}
