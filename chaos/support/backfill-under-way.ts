/**
 * The start both outage scenarios share: the months' landing data, two
 * workers, the real `materia backfill` (one partition run at a time, still
 * watching), and a wait until `steps` steps have published and one is in
 * flight — the moment to break something.
 */
import type { Lab } from "./lab";
import { generateLanding } from "./deliveries";
import { startMateria, startWorker, type Settings } from "./materia";
import { inFlight, publishedSteps } from "./step-log";
import { waitFor } from "../../tests/support/wait";

export async function backfillUnderWay(lab: Lab, settings: Settings, job: string, months: readonly string[], steps: number, before: string) {
  await generateLanding(lab, settings, "example", [...months]);
  const workers = await Promise.all([startWorker(lab, settings, "worker-a"), startWorker(lab, settings, "worker-b")]);
  const backfill = await startMateria(lab, "cli-backfill", ["backfill", "--job", job, "--from", months[0]!, "--to", months.at(-1)!, "--concurrency", "1"], settings);
  lab.figure("months", months.length);
  await waitFor(
    "the backfill to be under way with a step running",
    () => {
      if (!backfill.running) throw new Error(`the backfill ended before the ${before}:\n${backfill.output().slice(-2000)}`);
      return publishedSteps(workers) >= steps && workers.some((w) => inFlight(w).length > 0);
    },
    { timeoutMs: 300_000, intervalMs: 50 },
  );
  lab.figure(`steps done at ${before}`, publishedSteps(workers));
  return { workers, backfill };
}
