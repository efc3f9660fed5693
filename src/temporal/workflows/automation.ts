/**
 * Declarative automation: one long-running workflow per code location. On
 * every tick an activity evaluates each asset's automation condition; what
 * it requests (capped per tick) is materialized by one backfill over exactly
 * those asset partitions, through the same planner and executor as any
 * backfill, so upstream requests run before downstream ones. The next tick
 * is evaluated after that backfill ends, so a request in flight is never
 * launched twice. State is carried through continue-as-new.
 */
import { ParentClosePolicy, continueAsNew, executeChild, proxyActivities, setHandler, sleep, upsertSearchAttributes, workflowInfo } from "@temporalio/workflow";
import type { AutomationActivities } from "../activities/automation";
import { automationStateQuery, type AutomationState, type AutomationTickRecord, type AutomationWorkflowInput } from "../automation-shared";
import { MATERIA_KIND } from "../search-attributes";
import { backfillWorkflow } from "./backfill";

const { evaluateAutomation } = proxyActivities<AutomationActivities>({ startToCloseTimeout: "5 minutes", retry: { maximumAttempts: 2, initialInterval: "1 second" } });

const TICKS_PER_EXECUTION = 100;
const RECENT_TICKS_KEPT = 20;

export async function automationWorkflow(input: AutomationWorkflowInput, carried?: AutomationState): Promise<void> {
  const state: AutomationState = carried ?? { ticks: 0, launched: 0, consecutiveFailures: 0, recent: [] };
  setHandler(automationStateQuery, () => state);
  upsertSearchAttributes([{ key: MATERIA_KIND, value: "automation" }]);
  for (let i = 0; i < TICKS_PER_EXECUTION; i++) {
    const now = new Date().toISOString();
    const record: AutomationTickRecord = { at: now, requested: 0, launched: 0, deferred: 0 };
    try {
      const tick = await evaluateAutomation({ now, ...(state.previousTick !== undefined ? { previousTick: state.previousTick } : {}), maxLaunches: input.maxLaunchesPerTick });
      state.previousTick = now;
      state.consecutiveFailures = 0;
      Object.assign(record, { requested: tick.requested, launched: tick.requests.length, deferred: tick.deferred.length });
      if (tick.requests.length > 0) {
        record.backfillId = `${workflowInfo().workflowId}:tick-${state.ticks}`;
        state.launched += tick.requests.length;
        record.outcome = await executeChild(backfillWorkflow, {
          workflowId: record.backfillId,
          args: [{ nodes: tick.requests.map((r) => ({ asset: r.asset, partition: r.partition })) }],
          parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        }).then(
          (summary) => summary.status,
          () => "failed" as const, // the backfill pages for its failed steps; automation keeps ticking
        );
      }
    } catch {
      // A failing evaluation must not stop automation; the next tick tries again.
      state.consecutiveFailures++;
    }
    state.ticks++;
    state.recent = [...state.recent, record].slice(-RECENT_TICKS_KEPT);
    await sleep(input.intervalSeconds * 1000);
  }
  await continueAsNew<typeof automationWorkflow>(input, state);
}
