/** `npm run bench`: every benchmark, printing its numbers. */
import { benchMarket } from "./market";
import { benchMarketBackfill } from "./market-backfill";
import { benchOrchestration, benchOrchestrationInProcess } from "./orchestration";
import { benchTtb } from "./ttb";
import { benchTtbBackfill } from "./ttb-backfill";
import { benchUi } from "./ui";

async function main(): Promise<void> {
  const which = new Set(process.argv.slice(2));
  const all = which.size === 0;
  if (all || which.has("orchestration")) {
    const result = await benchOrchestration();
    console.log(
      `orchestration: ${result.assets} no-op assets × ${result.partitions} partitions = ${result.steps} steps through Temporal in ${result.seconds.toFixed(2)} s → ` +
        `${result.msPerStep.toFixed(1)} ms/step, ${result.stepsPerSecond.toFixed(1)} steps/s, worker CPU ${result.cpuMsPerStep.toFixed(1)} ms/step${result.serverCpuMsPerStep !== undefined ? `, server CPU ${result.serverCpuMsPerStep.toFixed(1)} ms/step` : ""} (targets: ≤ 20 ms/step, ≥ 50 steps/s)`,
    );
    for (const concurrentSteps of [1, 4]) {
      const local = await benchOrchestrationInProcess({ concurrentSteps });
      const phases = Object.entries(local.phasesMs).map(([phase, ms]) => `${phase} ${ms.toFixed(1)}`).join(", ");
      console.log(
        `orchestration in-process, ${concurrentSteps} step${concurrentSteps > 1 ? "s" : ""} at a time: ${local.steps} steps in ${local.seconds.toFixed(2)} s → ${local.msPerStep.toFixed(1)} ms/step, CPU ${local.cpuMsPerStep.toFixed(1)} ms/step (target ≤ 5 ms/step); per step: ${phases} ms`,
      );
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
