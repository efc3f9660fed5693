/**
 * Scenario 1: two workers run a market backfill; twice, the one running a
 * step is SIGKILLed mid-step (a replacement is started at once, as a
 * supervisor would). The backfill must complete with every asset partition
 * published exactly once and every manifest matching its object; each kill
 * costs the step's lost progress plus the time until it runs again
 * elsewhere, which must stay within RECOVERY_LIMIT_S.
 */
import type { Scenario } from "../scenario";
import { deliverMarketMonths, marketMonths } from "../support/deliveries";
import { inspectLake, jobOutputs, lakeProblems } from "../support/lake";
import { startMateria, startWorker } from "../support/materia";
import type { ChaosProcess } from "../support/processes";
import { startStack } from "../support/stack";
import { inFlight, publishedSteps, retryOf, type StepAttempt } from "../support/step-log";
import { waitFor } from "../../tests/support/wait";

/** A killed worker's step must run again elsewhere within this (issue 18: recovery within 15 s). */
export const RECOVERY_LIMIT_S = 15;
const JOB = "market_monthly";

const seconds = (ms: number): string => (ms / 1000).toFixed(1);

export const workerKill: Scenario = {
  name: "worker-kill",
  title: "1 worker SIGKILL ×2 mid-backfill",
  async run(lab, options) {
    const months = marketMonths("2024-01", options.small ? "2024-02" : "2024-04");
    const stack = await startStack(lab);
    try {
      await deliverMarketMonths(stack.store, options.root, months);
      const workers: ChaosProcess[] = await Promise.all([startWorker(lab, stack.settings, "worker-a"), startWorker(lab, stack.settings, "worker-b")]);
      const began = Date.now();
      const backfill = await startMateria(lab, "cli-backfill", ["backfill", "--job", JOB, "--from", months[0]!, "--to", months.at(-1)!], stack.settings);
      const totalSteps = jobOutputs(JOB, months).length;
      lab.figure("months", months.length);

      const lost: string[] = [];
      const recovery: number[] = [];
      // Kill once a few steps are done, and again around half-way: always a worker caught in the middle of a step.
      for (const [index, publishedBefore] of [2, Math.ceil(totalSteps / 2)].entries()) {
        const victim = await waitFor(
          `a worker in the middle of a step after ${publishedBefore} published (kill ${index + 1})`,
          () => {
            if (!backfill.running) throw new Error(`the backfill ended before kill ${index + 1}:\n${backfill.output().slice(-2000)}`);
            if (publishedSteps(workers) < publishedBefore) return undefined;
            // At least a second into its step: there is work to lose.
            return workers.find((w) => w.running && inFlight(w).some((a) => Date.now() - a.startedAt > 1_000));
          },
          { timeoutMs: 600_000, intervalMs: 200 },
        );
        const killedAt = Date.now();
        victim.kill("SIGKILL");
        const interrupted: StepAttempt[] = inFlight(victim, killedAt);
        await victim.exited;
        workers.push(await startWorker(lab, stack.settings, `worker-${String.fromCharCode(99 + index)}`));
        for (const attempt of interrupted) {
          const retry = await waitFor(`${attempt.step}[${attempt.partition}] to run again after kill ${index + 1}`, () => retryOf(attempt, workers, killedAt), { timeoutMs: 600_000, intervalMs: 200 });
          recovery.push(retry.startedAt - killedAt);
          lost.push(`${seconds(retry.startedAt - attempt.startedAt)} (${attempt.step.replace("market/", "")})`);
        }
      }
      lab.figure("lost s per kill (step progress + recovery)", lost.join(", "));
      lab.figure("recovery s", recovery.map(seconds).join(", "));
      for (const ms of recovery) if (ms > RECOVERY_LIMIT_S * 1000) lab.problem(`a killed worker's step ran again only ${seconds(ms)} s later (limit ${RECOVERY_LIMIT_S} s)`);

      const status = await backfill.waitForExit(900_000);
      lab.figure("backfill exit", status.code ?? `signal ${status.signal}`);
      lab.figure("backfill s", Math.round((Date.now() - began) / 1000));
      if (status.code !== 0) lab.problem(`the backfill exited ${status.code ?? status.signal}:\n${backfill.output().slice(-1500)}`);

      const report = await inspectLake(stack.store, jobOutputs(JOB, months));
      lab.figure("missing", report.missing.length);
      lab.figure("duplicated", report.duplicated.length);
      lab.figure("sha mismatches", report.shaMismatches.length);
      lab.figure("orphan objects", report.orphans);
      for (const problem of lakeProblems(report)) lab.problem(problem);
    } finally {
      await stack.close();
    }
  },
};
