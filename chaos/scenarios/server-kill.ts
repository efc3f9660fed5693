/**
 * Scenario 2: the Temporal dev server is SIGKILLed in the middle of a
 * backfill (started by the real `materia backfill` command, which keeps
 * watching) and started again on the same SQLite file. The backfill must
 * complete by itself, the CLI watcher must ride through the outage and exit
 * 0 with the final result, the workers must keep serving, and no asset
 * partition may be published twice.
 */
import { EXAMPLE_MONTHS } from "../../src/assets/example";
import type { Scenario } from "../scenario";
import { backfillUnderWay } from "../support/backfill-under-way";
import { inspectLake, jobOutputs, lakeProblems } from "../support/lake";
import { startStack } from "../support/stack";

const JOB = "example_monthly";

export const serverKill: Scenario = {
  name: "server-kill",
  title: "2 Temporal dev server SIGKILL + restart mid-backfill",
  async run(lab, options) {
    const months = EXAMPLE_MONTHS.keys().slice(0, options.small ? 8 : 18);
    const stack = await startStack(lab);
    try {
      const { workers, backfill } = await backfillUnderWay(lab, stack.settings, JOB, months, 4, "kill");
      const killedAt = Date.now();
      await stack.temporal.kill();
      await stack.temporal.startAgain();
      lab.figure("server down s", ((Date.now() - killedAt) / 1000).toFixed(1));

      const status = await backfill.waitForExit(600_000);
      lab.figure("CLI exit", status.code ?? `signal ${status.signal}`);
      lab.figure("done after restart s", Math.round((Date.now() - killedAt) / 1000));
      if (status.code !== 0) lab.problem(`the CLI watcher exited ${status.code ?? status.signal}:\n${backfill.output().slice(-1500)}`);
      // A short outage is ridden out by the client's own retries; a long one by the CLI's reconnects (it says so).
      lab.figure("CLI reconnects", backfill.output().includes("reconnected to Temporal") ? "yes" : "none needed");
      const final = /backfill succeeded: (\d+) done, .* of (\d+) asset partitions \((\d+) partitions\)/.exec(backfill.stdout());
      if (!final || final[1] !== final[2] || Number(final[3]) !== months.length) lab.problem(`the CLI did not print the final result for ${months.length} partitions, every asset partition done:\n${backfill.output().slice(-1000)}`);

      const survivors = workers.filter((w) => w.running).length;
      lab.figure("workers alive", `${survivors}/${workers.length}`);
      if (survivors < workers.length) lab.problem(`a worker died with the server:\n${workers.find((w) => !w.running)!.output().slice(-1500)}`);

      // A step run twice after the restart would publish twice: "duplicated" below counts it.
      const report = await inspectLake(stack.store, jobOutputs(JOB, months));
      lab.figure("missing", report.missing.length);
      lab.figure("duplicated", report.duplicated.length);
      lab.figure("sha mismatches", report.shaMismatches.length);
      for (const problem of lakeProblems(report)) lab.problem(problem);
    } finally {
      await stack.close();
    }
  },
};
