/**
 * Scenario 5: five `materialize` commands for one partition, started at the
 * same moment while that partition's run is under way. They must all land
 * on one run (one workflow execution), each step must execute once and
 * each asset partition be published once.
 *
 * The run is held mid-way for as long as the triggers take to arrive: the
 * suite holds the lease of its first step (as another run would), so the
 * run is executing, waiting, when the five come in. Without that, on a busy
 * machine a late trigger could find the run finished and legitimately start
 * a new one.
 */
import { Lease } from "../../src/resources/catalog";
import { runWorkflowId, type RunSummary } from "../../src/temporal/shared";
import type { Scenario } from "../scenario";
import { generateLanding } from "../support/deliveries";
import { inspectLake, jobOutputs, lakeProblems } from "../support/lake";
import { logRecords, runMateria, startWorker } from "../support/materia";
import { executionsOf, startStack } from "../support/stack";
import { stepAttempts } from "../support/step-log";

const JOB = "example_monthly";
const PARTITION = "2025-01";
const TRIGGERS = 5;

export const simultaneousTriggers: Scenario = {
  name: "simultaneous-triggers",
  title: "5 five triggers of one partition at once",
  async run(lab) {
    const stack = await startStack(lab);
    try {
      await generateLanding(lab, stack.settings, "example", [PARTITION]);
      const worker = await startWorker(lab, stack.settings);
      const workflowId = runWorkflowId({ job: JOB }, [PARTITION]);
      const holder = await Lease.acquire(stack.store, "example/page_views", PARTITION, "chaos-holder", { ttlMs: 600_000 });

      const triggers = await Promise.all(Array.from({ length: TRIGGERS }, () => runMateria(lab, ["materialize", "--job", JOB, "--partition", PARTITION], stack.settings, 300_000)));
      lab.figure("trigger exits", triggers.map((t) => t.code).join(" "));
      for (const [i, t] of triggers.entries()) {
        if (t.code !== 0) lab.problem(`trigger ${i + 1} exited ${t.code}:\n${t.process.output().slice(-1000)}`);
        else if (!t.process.stdout().includes(workflowId)) lab.problem(`trigger ${i + 1} did not name the run ${workflowId}:\n${t.process.stdout()}`);
      }
      // The run is executing (its first step waits for the lease) while the triggers arrive.
      await worker.waitForLine("the run waiting for the held partition", (text) => text.includes("another run holds this partition"));
      await holder.release();

      const client = await stack.client();
      const summary = (await client.workflow.getHandle(workflowId).result()) as RunSummary;
      lab.figure("run", summary.status);
      if (summary.status !== "succeeded") lab.problem(`the run ${summary.status}: ${JSON.stringify(summary.steps.map((s) => [s.step, s.status]))}`);
      const executions = await executionsOf(client, workflowId);
      lab.figure("executions", executions);
      if (executions !== 1) lab.problem(`${executions} executions of ${workflowId}, expected 1`);

      const attempts = stepAttempts(worker);
      const perStep = new Map<string, number>();
      for (const a of attempts) perStep.set(a.step, (perStep.get(a.step) ?? 0) + 1);
      lab.figure("step executions", [...perStep].map(([step, n]) => `${step.split("/")[1]}×${n}`).join(" "));
      for (const [step, n] of perStep) if (n !== 1) lab.problem(`${step} executed ${n} times`);
      const joined = logRecords(worker).filter((r) => typeof r.msg === "string" && r.msg.startsWith("joined")).length;
      if (joined > 0) lab.figure("joined", joined);

      const report = await inspectLake(stack.store, jobOutputs(JOB, [PARTITION]));
      const publishes = [...report.manifests.values()].reduce((n, m) => n + 1 + m.history.length, 0);
      lab.figure("publishes", `${publishes} for ${report.expected} asset partitions`);
      if (publishes !== report.expected) lab.problem(`${publishes} publishes for ${report.expected} asset partitions`);
      for (const problem of lakeProblems(report)) lab.problem(problem);
    } finally {
      await stack.close();
    }
  },
};
