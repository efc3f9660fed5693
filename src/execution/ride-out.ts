/**
 * Riding out infrastructure outages. A step whose object store is down,
 * failing or throttling (connection refused, 5xx, SlowDown, a reset
 * connection) waits and starts over, with backoff, for up to the outage
 * window — heartbeating meanwhile — instead of burning the attempts its
 * retry policy keeps for errors in code or data. Starting over is safe: a
 * step stages into a fresh scratch folder, re-enters its own lease, and its
 * publish commits with the manifest write last, so a half-done attempt
 * leaves only an orphan object for `gc` (and an unchanged re-publish adds no
 * version). After the window the outage surfaces as an ordinary failure.
 */
import { isStoreOutage } from "../resources/object-store";
import type { Definitions } from "../core";
import type { ExecutionEnvironment } from "./environment";
import { runStep, type StepHooks, type StepOutcome, type StepRequest } from "./step";

const FIRST_WAIT_MS = 1_000;
const LONGEST_WAIT_MS = 30_000;

export async function runStepRidingOutOutages(definitions: Definitions, request: StepRequest, env: ExecutionEnvironment, hooks: StepHooks = {}): Promise<StepOutcome> {
  const giveUpAt = Date.now() + env.outageWindowMs;
  const log = env.log.child({ runId: request.runId, asset: request.step, partition: request.partition ?? undefined });
  for (let wait = FIRST_WAIT_MS, tries = 1; ; wait = Math.min(wait * 2, LONGEST_WAIT_MS), tries++) {
    try {
      const outcome = await runStep(definitions, request, env, hooks);
      if (tries > 1) log.info({ tries }, "the object store is back: step done");
      return outcome;
    } catch (error) {
      if (!isStoreOutage(error) || hooks.signal?.aborted || Date.now() + wait > giveUpAt) throw error;
      const message = error instanceof Error ? error.message : String(error);
      log.warn({ tries, retryInMs: wait, error: message }, "object store outage: waiting it out, then starting the step over");
      hooks.heartbeat?.({ waitingFor: "object store", error: message, tries });
      await pause(wait, hooks);
    }
  }
}

/** Sleep `ms`, heartbeating every few seconds; ends early when the step is cancelled. */
async function pause(ms: number, hooks: StepHooks): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until && !hooks.signal?.aborted) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, until - Date.now())));
    hooks.heartbeat?.({ waitingFor: "object store" });
  }
}
