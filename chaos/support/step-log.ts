/**
 * Step attempts as the workers' own logs tell them: a step attempt starts
 * with its "materializing" record and ends with "published" or "blocking
 * check failed" (records carry runId, asset = the step, partition). The
 * worker-kill scenario picks its victim and measures recovery from these.
 */
import { logRecords } from "./materia";
import type { ChaosProcess } from "./processes";

export interface StepAttempt {
  worker: ChaosProcess;
  step: string;
  partition: string | null;
  runId: string;
  startedAt: number;
  endedAt: number | undefined;
}

const ENDINGS = new Set(["published", "blocking check failed: nothing published"]);

export function stepAttempts(worker: ChaosProcess): StepAttempt[] {
  const attempts: StepAttempt[] = [];
  for (const record of logRecords(worker)) {
    const step = typeof record.asset === "string" ? record.asset : undefined;
    if (step === undefined) continue;
    const partition = typeof record.partition === "string" ? record.partition : null;
    const runId = typeof record.runId === "string" ? record.runId : "";
    if (record.msg === "materializing") attempts.push({ worker, step, partition, runId, startedAt: record.at, endedAt: undefined });
    else if (ENDINGS.has(String(record.msg))) {
      const open = attempts.find((a) => a.endedAt === undefined && a.step === step && a.partition === partition && a.runId === runId);
      if (open) open.endedAt = record.at;
    }
  }
  return attempts;
}

/** Attempts on `worker` that had started and not ended at `at`. */
export function inFlight(worker: ChaosProcess, at = Date.now()): StepAttempt[] {
  return stepAttempts(worker).filter((a) => a.startedAt <= at && (a.endedAt === undefined || a.endedAt > at));
}

/** Distinct step partitions published so far by any of `workers`. */
export function publishedSteps(workers: readonly ChaosProcess[]): number {
  const done = new Set<string>();
  for (const worker of workers) for (const a of stepAttempts(worker)) if (a.endedAt !== undefined) done.add(`${a.step}\u0000${a.partition}`);
  return done.size;
}

/** The first attempt of the same step partition that started after `after` on any of `workers`. */
export function retryOf(attempt: StepAttempt, workers: readonly ChaosProcess[], after: number): StepAttempt | undefined {
  return workers
    .flatMap((worker) => stepAttempts(worker))
    .filter((a) => a.step === attempt.step && a.partition === attempt.partition && a.startedAt > after)
    .sort((a, b) => a.startedAt - b.startedAt)[0];
}
