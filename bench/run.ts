/** `npm run bench`: every benchmark, printing its numbers. */
import { benchMarket } from "./market";
import { benchMarketBackfill } from "./market-backfill";
import { benchOrchestration } from "./orchestration";
import { benchTtb } from "./ttb";
import { benchUi } from "./ui";

async function main(): Promise<void> {
  const which = new Set(process.argv.slice(2));
  const all = which.size === 0;
  if (all || which.has("orchestration")) {
    const result = await benchOrchestration();
    console.log(
      `orchestration: ${result.assets} no-op assets × ${result.partitions} partitions = ${result.steps} steps through Temporal in ${result.seconds.toFixed(2)} s → ` +
        `${result.msPerStep.toFixed(1)} ms/step, ${result.stepsPerSecond.toFixed(1)} steps/s (targets: ≤ 20 ms/step, ≥ 50 steps/s)`,
    );
  }
  if (all || which.has("market")) await benchMarket();
  if (all || which.has("market-backfill")) await benchMarketBackfill();
  if (all || which.has("ttb")) await benchTtb();
  if (all || which.has("ui")) await benchUi();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
