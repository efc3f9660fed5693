import { WorkflowFailedError } from "@temporalio/client";
import { ActivityFailure, ApplicationFailure, CancelledFailure, ChildWorkflowFailure, RetryState } from "@temporalio/common";
import { isBackfillSummary } from "../../src/cli/backfill-progress";
import { formatFailures, isRunSummary } from "../../src/cli/backfill-report";
import { failedSummary } from "../../src/cli/commands/materialize";
import { EXIT, reportError } from "../../src/cli/runtime";
import { failureCause, failureSummary, rethrowWithCause, splitHint, WorkflowCauseError } from "../../src/cli/workflow-failure";
import type { BackfillSummary } from "../../src/temporal/backfill-shared";
import type { RunSummary } from "../../src/temporal/shared";

const failed = (cause: Error): WorkflowFailedError => new WorkflowFailedError("Workflow execution failed", cause, RetryState.NON_RETRYABLE_FAILURE);
const activity = (type: string, cause: Error): ActivityFailure => new ActivityFailure("Activity task failed", type, "1", RetryState.NON_RETRYABLE_FAILURE, "worker@host", cause);

function printed(error: unknown): { code: number; text: string } {
  const lines: string[] = [];
  const spy = jest.spyOn(console, "error").mockImplementation((line: unknown) => void lines.push(String(line)));
  try {
    return { code: reportError(error), text: lines.join("\n") };
  } finally {
    spy.mockRestore();
  }
}

describe("a failed workflow prints its typed cause and hint, not 'Workflow execution failed'", () => {
  it("walks WorkflowFailedError → ActivityFailure → ApplicationFailure (the backfill planner's describe() form)", () => {
    const error = failed(activity("planBackfill", ApplicationFailure.create({ type: "SelectionError", message: 'No asset has group "shop".\n  hint: Known groups: example, market, ttb.', nonRetryable: true })));
    const cause = failureCause(error)!;
    expect(cause).toMatchObject({ type: "SelectionError", message: 'No asset has group "shop".', hint: "Known groups: example, market, ttb.", path: ["activity planBackfill"] });
    const { code, text } = printed(new WorkflowCauseError("backfill b-1", cause, { validatedHere: true }));
    expect(code).toBe(EXIT.failure);
    expect(text).toContain('backfill b-1 failed (in activity planBackfill): SelectionError: No asset has group "shop".');
    expect(text).toContain("hint: Known groups: example, market, ttb.");
    // The CLI accepted the selection, so the worker's definitions differ: say so.
    expect(text).toContain("restart the worker");
  });

  it("reads the run planner's '(hint: …)' form, and prefers it to the wrapped original without the hint", () => {
    const original = ApplicationFailure.create({ type: "SelectionError", message: 'No asset has group "shop".' });
    const error = failed(activity("planRun", ApplicationFailure.create({ type: "SelectionError", message: 'No asset has group "shop". (hint: Known groups: example.)', cause: original })));
    expect(failureCause(error)).toMatchObject({ type: "SelectionError", message: 'No asset has group "shop".', hint: "Known groups: example." });
  });

  it("names the child run a backfill's failure came from, and a cancellation as such", () => {
    const child = new ChildWorkflowFailure("default", { workflowId: "materia-run:x:2025-01", runId: "r" }, "runWorkflow", RetryState.NON_RETRYABLE_FAILURE, ApplicationFailure.create({ type: "MaterializeError", message: "boom" }));
    expect(failureCause(failed(child))).toMatchObject({ type: "MaterializeError", message: "boom", path: ["runWorkflow materia-run:x:2025-01"] });
    expect(failureCause(failed(new CancelledFailure("Workflow canceled")))).toMatchObject({ type: "cancelled" });
  });

  it("splits both hint forms and leaves plain messages alone", () => {
    expect(splitHint("a\n  hint: b")).toEqual({ message: "a", hint: "b" });
    expect(splitHint("a (hint: b)")).toEqual({ message: "a", hint: "b" });
    expect(splitHint("a (b)")).toEqual({ message: "a (b)", hint: undefined });
  });

  it("materialize --wait: a run that failed in planning throws its cause; a run with steps returns its summary", () => {
    const planning = failed(activity("planRun", ApplicationFailure.create({ type: "SelectionError", message: 'No asset has group "shop". (hint: Known groups: example.)' })));
    expect(() => failedSummary(planning, "materia-run:sel:2025-01")).toThrow(WorkflowCauseError);
    expect(() => failedSummary(planning, "materia-run:sel:2025-01")).toThrow(/run materia-run:sel:2025-01 failed \(in activity planRun\): SelectionError: No asset has group "shop"/);
    const summary: RunSummary = { status: "failed", job: undefined, partitions: ["2025-01"], steps: [], counts: { published: 0, blocked: 0, failed: 0, skipped: 0, cancelled: 0 } };
    expect(failedSummary(failed(ApplicationFailure.create({ type: "MateriaRunFailed", message: "Run failed", details: [summary] })), "w")).toEqual(summary);
  });

  it("rethrows errors that are not workflow failures unchanged", () => {
    const plain = new Error("socket closed");
    expect(() => rethrowWithCause(plain, "run x")).toThrow(plain);
  });
});

describe("a failed backfill says which asset partitions failed, were blocked or wait, and why", () => {
  const summary: BackfillSummary = {
    status: "failed",
    total: 6,
    done: 2,
    failed: 2,
    skipped: 0,
    notRun: 1,
    waiting: 1,
    partitions: 2,
    startedAt: "2025-01-01T00:00:00.000Z",
    durationSeconds: 3,
    failures: [
      { step: "example/daily_views", partition: "2025-01", status: "blocked", checks: ["example/daily_views:row_count"], message: "failed check(s) example/daily_views:row_count; nothing published (1 downstream not run)", workflowId: "materia-backfill:x" },
      { step: "example/page_views", partition: "2025-02", status: "failed", checks: [], message: "No landing file for 2025-02", workflowId: "materia-backfill:x" },
    ],
  };

  it("finds the backfill's summary in its failure (it used to end as a bare 'Workflow execution failed')", () => {
    const error = failed(ApplicationFailure.create({ type: "MateriaRunFailed", message: "Backfill finished with 2 failed asset partition(s)", details: [summary], nonRetryable: true }));
    expect(failureSummary(error, isBackfillSummary)).toEqual(summary);
    expect(failureSummary(error, isRunSummary)).toBeUndefined();
  });

  it("prints each recorded failure with its step and why, and counts the rest", () => {
    const lines = formatFailures(summary.failures, 1);
    expect(lines[0]).toMatch(/2025-01\s+blocked\s+example\/daily_views: failed check\(s\) example\/daily_views:row_count; nothing published/);
    expect(lines[1]).toMatch(/2025-02\s+failed\s+example\/page_views: No landing file for 2025-02/);
    expect(lines[2]).toContain("1 more");
  });
});

describe("reportError", () => {
  it("prints any workflow failure as its cause", () => {
    const error = failed(activity("planRun", ApplicationFailure.create({ type: "PlanningError", message: "Upstream data outside the selection has never been materialized: a[2025-01]. (hint: Add the upstream assets.)" })));
    const { code, text } = printed(error);
    expect(code).toBe(EXIT.failure);
    expect(text).toContain("PlanningError: Upstream data outside the selection has never been materialized");
    expect(text).toContain("hint: Add the upstream assets.");
  });
});
