/**
 * Scenario 3: the lake is S3 (MinIO), and MinIO goes down (SIGKILL) for
 * OUTAGE_S in the middle of a backfill, then comes back on the same data.
 * Nobody intervenes: the backfill must complete by itself (the CLI exits 0)
 * and no partition may be half-published (a manifest naming an object that
 * is missing or differs from it), missing or published twice.
 */
import { randomBytes } from "node:crypto";
import { EXAMPLE_MONTHS } from "../../src/assets/example";
import type { Scenario } from "../scenario";
import { backfillUnderWay } from "../support/backfill-under-way";
import { inspectLake, jobOutputs, lakeProblems } from "../support/lake";
import { startStack } from "../support/stack";

export const OUTAGE_S = 60;
const JOB = "example_monthly";

export const minioOutage: Scenario = {
  name: "minio-outage",
  title: `3 MinIO down ${OUTAGE_S} s mid-backfill (S3 lake)`,
  async run(lab, options) {
    const months = EXAMPLE_MONTHS.keys().slice(0, options.small ? 6 : 12);
    const stack = await startStack(lab, { s3: { credentials: { accessKeyId: `chaos${randomBytes(4).toString("hex")}`, secretAccessKey: randomBytes(18).toString("base64url") } } });
    const minio = stack.minio!;
    try {
      const { workers, backfill } = await backfillUnderWay(lab, stack.settings, JOB, months, 3, "outage");
      await minio.kill();
      const downAt = Date.now();
      // Holding the outage for its stated length is the scenario itself.
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_S * 1000));
      if (!backfill.running) lab.problem(`the backfill ended during the outage (exit ${backfill.exitStatus?.code}) instead of waiting for the store:\n${backfill.output().slice(-1500)}`);
      await minio.startAgain();
      const backAt = Date.now();
      lab.figure("down s", Math.round((backAt - downAt) / 1000));

      const status = await backfill.waitForExit(900_000);
      lab.figure("CLI exit", status.code ?? `signal ${status.signal}`);
      lab.figure("done after MinIO back s", Math.round((Date.now() - backAt) / 1000));
      if (status.code !== 0) lab.problem(`the backfill did not complete by itself (exit ${status.code ?? status.signal}):\n${backfill.output().slice(-1500)}`);
      const survivors = workers.filter((w) => w.running).length;
      lab.figure("workers alive", `${survivors}/${workers.length}`);
      if (survivors < workers.length) lab.problem(`a worker died of the outage:\n${workers.find((w) => !w.running)!.output().slice(-1500)}`);

      const report = await inspectLake(stack.store, jobOutputs(JOB, months));
      lab.figure("half-published", report.shaMismatches.length);
      lab.figure("missing", report.missing.length);
      lab.figure("duplicated", report.duplicated.length);
      lab.figure("orphan objects", report.orphans);
      for (const problem of lakeProblems(report)) lab.problem(problem);
    } finally {
      await stack.close();
    }
  },
};
