/** `npm run bench`: every benchmark, printing its numbers. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchMarket } from "./market";
import { benchMarketBackfill } from "./market-backfill";
import { benchOrchestration, benchOrchestrationInProcess, medianRound } from "./orchestration";
import { benchTtb } from "./ttb";
import { benchTtbBackfill } from "./ttb-backfill";
import { benchUi } from "./ui";

async function main(): Promise<void> {
  const which = new Set(process.argv.slice(2));
  const all = which.size === 0;
  if (all || which.has("orchestration")) {
    const rounds = await benchOrchestration();
    const { median: result, fastest, slowest } = medianRound(rounds);
    console.log(
      `orchestration: ${result.assets} no-op assets × ${result.partitions} partitions = ${result.steps} steps through Temporal, median of ${rounds.length} rounds (${fastest.toFixed(1)}–${slowest.toFixed(1)} ms/step): ${result.seconds.toFixed(2)} s → ` +
        `${result.msPerStep.toFixed(1)} ms/step, ${result.stepsPerSecond.toFixed(1)} steps/s, worker CPU ${result.cpuMsPerStep.toFixed(1)} ms/step${result.serverCpuMsPerStep !== undefined ? `, server CPU ${result.serverCpuMsPerStep.toFixed(1)} ms/step` : ""} (targets: ≤ 20 ms/step, ≥ 50 steps/s)`,
    );
    // Rounds keep their homes until all have run: removing thousands of files just before a round is measured slows
    // the file creations it makes (ext4 passes over inodes freed moments ago), charging it for the previous round's clean-up.
    const workDir = mkdtempSync(join(tmpdir(), "materia-bench-rounds-"));
    try {
      for (const concurrentSteps of [1, 4]) {
        const locals = [];
        for (let round = 0; round < 3; round++) locals.push(await benchOrchestrationInProcess({ concurrentSteps, workDir }));
        const { median: local, fastest: localFastest, slowest: localSlowest } = medianRound(locals);
        const phases = Object.entries(local.phasesMs).map(([phase, ms]) => `${phase} ${ms.toFixed(1)}`).join(", ");
        console.log(
          `orchestration in-process, ${concurrentSteps} step${concurrentSteps > 1 ? "s" : ""} at a time, median of ${locals.length} rounds (${localFastest.toFixed(1)}–${localSlowest.toFixed(1)} ms/step): ${local.steps} steps in ${local.seconds.toFixed(2)} s → ${local.msPerStep.toFixed(1)} ms/step, CPU ${local.cpuMsPerStep.toFixed(1)} ms/step (target ≤ 5 ms/step); per step: ${phases} ms`,
        );
      }
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  }
  if (all || which.has("market")) await benchMarket();
  if (all || which.has("market-backfill")) await benchMarketBackfill();
  if (all || which.has("ttb")) await benchTtb();
  if (all || which.has("ttb-backfill")) await benchTtbBackfill(process.env.MATERIA_BENCH_MONTHS ? { months: Number(process.env.MATERIA_BENCH_MONTHS) } : {});
  if (all || which.has("ui")) await benchUi();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
