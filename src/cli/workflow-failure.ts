/**
 * What a failed workflow failed of. The client throws `WorkflowFailedError:
 * Workflow execution failed`; the useful part — materia's typed error and
 * its hint, thrown by an activity or a child run — is at the end of its
 * `cause` chain (WorkflowFailedError → ActivityFailure / ChildWorkflowFailure
 * → ApplicationFailure). This walks the chain so the CLI prints that.
 */
import { WorkflowFailedError } from "@temporalio/client";
import { ActivityFailure, ApplicationFailure, CancelledFailure, ChildWorkflowFailure, TerminatedFailure, TimeoutFailure } from "@temporalio/common";
import { RuntimeError } from "../utils/errors";

export interface FailureCause {
  /** materia's error type (e.g. "SelectionError"), when an ApplicationFailure carries one. */
  type: string | undefined;
  message: string;
  hint: string | undefined;
  /** Where it happened, outermost first: "activity planRun", "run materia-run:…". */
  path: string[];
  /** The ApplicationFailure's details (a run's or backfill's summary), if any. */
  details: unknown[];
}

/** Error types that mean "these definitions do not have that": the CLI's own definitions did, so the worker's differ. */
const DEFINITIONS_MISMATCH = new Set(["SelectionError", "DefinitionError", "AssetGraphError", "PartitionKeyError"]);

/** materia's activities put the hint in the message: "…\n  hint: …" (describe()) or "… (hint: …)". */
export function splitHint(message: string): { message: string; hint: string | undefined } {
  const described = /^([\s\S]*?)\n\s*hint: ([\s\S]*)$/.exec(message);
  if (described) return { message: described[1]!.trim(), hint: described[2]!.trim() };
  const inline = /^([\s\S]*?) \(hint: ([\s\S]*)\)$/.exec(message);
  if (inline) return { message: inline[1]!.trim(), hint: inline[2]!.trim() };
  return { message, hint: undefined };
}

export function failureCause(error: unknown): FailureCause | undefined {
  if (!(error instanceof WorkflowFailedError)) return undefined;
  const chain: Error[] = [];
  for (let current: unknown = error.cause; chain.length < 20 && current instanceof Error; current = current.cause) chain.push(current);
  const path = chain.flatMap((failure) =>
    failure instanceof ActivityFailure ? [`activity ${failure.activityType}`] : failure instanceof ChildWorkflowFailure ? [`${failure.workflowType} ${failure.execution.workflowId}`] : [],
  );
  // The failure raised where it happened: the first one past the last activity / child wrapper. An
  // ApplicationFailure there may wrap the original error again (same type, message without the hint).
  const lastWrapper = chain.reduce((at, failure, i) => (failure instanceof ActivityFailure || failure instanceof ChildWorkflowFailure ? i : at), -1);
  const inner = chain.slice(lastWrapper + 1);
  const origin = inner.find((failure) => failure instanceof ApplicationFailure) ?? inner[0] ?? chain[chain.length - 1];
  if (origin === undefined) return { type: undefined, message: error.message, hint: undefined, path, details: [] };
  const application = origin instanceof ApplicationFailure ? origin : undefined;
  const kind = origin instanceof CancelledFailure ? "cancelled" : origin instanceof TerminatedFailure ? "terminated" : origin instanceof TimeoutFailure ? "timed out" : undefined;
  const { message, hint } = splitHint(origin.message);
  return { type: application?.type ?? kind, message, hint, path, details: [...(application?.details ?? [])] };
}

/** The typed details[0] of the outermost ApplicationFailure (a failed run's or backfill's summary). */
export function failureSummary<T>(error: unknown, isSummary: (value: unknown) => value is T): T | undefined {
  const cause = error instanceof WorkflowFailedError ? error.cause : undefined;
  const detail = cause instanceof ApplicationFailure ? cause.details?.[0] : undefined;
  return isSummary(detail) ? detail : undefined;
}

/** A failed workflow, printed as its cause and hint (exit 1). */
export class WorkflowCauseError extends RuntimeError {
  readonly failure: FailureCause;

  constructor(what: string, cause: FailureCause, options: { validatedHere?: boolean } = {}) {
    const mismatch = options.validatedHere === true && cause.type !== undefined && DEFINITIONS_MISMATCH.has(cause.type);
    const hints = [
      cause.hint,
      mismatch ? "This CLI's definitions accept it, so the worker runs other (older?) definitions: restart the worker(s) to load the current code." : undefined,
    ].filter((h): h is string => h !== undefined);
    const where = cause.path.length > 0 ? ` (in ${cause.path.join(" → ")})` : "";
    super("WORKFLOW_FAILED", `${what} failed${where}: ${cause.type !== undefined ? `${cause.type}: ` : ""}${cause.message}`, hints.length > 0 ? { hint: hints.join("\n  hint: ") } : {});
    this.failure = cause;
  }
}

/** Rethrow a workflow failure as its cause; anything else as it is. */
export function rethrowWithCause(error: unknown, what: string, options: { validatedHere?: boolean } = {}): never {
  const cause = failureCause(error);
  if (cause) throw new WorkflowCauseError(what, cause, options);
  throw error;
}
