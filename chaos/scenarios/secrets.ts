/**
 * Scenario 7: every secret setting gets a distinctive value, and materia is
 * made to talk a lot: debug logs, a run whose check fails (alerts to every
 * channel, refused and retried), a step that fails, bad credentials, a bad
 * secret value, a worker that cannot connect. None of the values (nor the
 * distinctive part of a secret URL) may appear in anything the CLI or the
 * workers printed, nor in any file under MATERIA_HOME (the lake's catalog,
 * scratch files, the dev server's SQLite file with every workflow history)
 * nor in the lake (manifests, check results, incidents, alert plans).
 */
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SECRET_SETTINGS } from "../../src/config";
import type { Scenario } from "../scenario";
import { AlertReceiver } from "../../tests/support/alert-receiver";
import { runMateria, startMateria, startWorker, type Settings } from "../support/materia";
import { startStack } from "../support/stack";
import { waitFor } from "../../tests/support/wait";

const hex = (bytes: number) => randomBytes(bytes).toString("hex");

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : entry.isFile() ? [join(dir, entry.name)] : []));
}

export const secretsScenario: Scenario = {
  name: "secrets",
  title: "7 secrets never in logs or MATERIA_HOME",
  async run(lab) {
    const receiver = await AlertReceiver.start();
    const tokens = { slack: `chaos-slack-${hex(8)}`, hook: `chaos-hook-${hex(8)}` };
    const secrets: Settings = {
      AWS_ACCESS_KEY_ID: `chaosak${hex(6)}`,
      AWS_SECRET_ACCESS_KEY: `chaos-sk-${hex(14)}`,
      TEMPORAL_API_KEY: `chaos-tk-${hex(12)}`,
      MATERIA_SLACK_WEBHOOK_URL: receiver.url(`/slack/T0/B0/${tokens.slack}`),
      MATERIA_PAGERDUTY_ROUTING_KEY: `chaosrk${hex(13).slice(0, 25)}`,
      MATERIA_WEBHOOK_URL: receiver.url(`/hook/${tokens.hook}`),
      MATERIA_WEBHOOK_SECRET: `chaos-whs-${hex(12)}`,
    };
    const uncovered = SECRET_SETTINGS.filter((name) => !(name in secrets));
    if (uncovered.length > 0) lab.problem(`secret settings this scenario does not cover yet: ${uncovered.join(", ")}`);
    // Wrong values handed to materia on purpose; they must not be echoed either.
    const wrong = { awsSecret: `chaos-wrong-sk-${hex(10)}`, routingKey: `chaos-bad-key-${hex(8)}` };
    const needles = [...Object.values(secrets), ...Object.values(tokens), ...Object.values(wrong)];

    const stack = await startStack(lab, {
      s3: { credentials: { accessKeyId: secrets.AWS_ACCESS_KEY_ID!, secretAccessKey: secrets.AWS_SECRET_ACCESS_KEY! } },
      // Where materia's own dev server keeps it: the histories are under MATERIA_HOME too.
      temporalDbFile: join(lab.home, "temporal", "dev.sqlite"),
      settings: {
        ...Object.fromEntries(Object.entries(secrets).filter(([name]) => name !== "TEMPORAL_API_KEY")),
        MATERIA_PAGERDUTY_URL: receiver.url("/pagerduty"),
        MATERIA_ALERT_ROUTES: "error=pagerduty,slack,webhook;warn=pagerduty,slack,webhook",
        MATERIA_LOG_LEVEL: "debug",
      },
    });
    // The CLI reaches the plain-text dev server with an API key only with TLS off (Temporal's own variable).
    const cli: Settings = { ...stack.settings, TEMPORAL_API_KEY: secrets.TEMPORAL_API_KEY!, TEMPORAL_TLS: "false" };
    try {
      // A worker sends an API key only over TLS, which the dev server does not speak: this one must fail, quietly.
      const refused = await startMateria(lab, "worker-api-key", ["worker"], { ...stack.settings, TEMPORAL_API_KEY: secrets.TEMPORAL_API_KEY! });
      lab.figure("worker with API key exit", (await refused.waitForExit(120_000)).code ?? "signal");
      await startWorker(lab, stack.settings);

      // Refused twice, rejected once (a 4xx: that delivery fails for good, loudly), then taken.
      receiver.respondWith(500, 2);
      receiver.respondWith(400, 1);
      const month = "2025-01";
      await stack.store.putBytes(`landing/example/page_views/${month}.csv`, `viewed_at,path,duration_ms\n${month}-03 10:00:00,/docs,-5\n${month}-04 11:00:00,/home,700\n`);
      const codes: Array<number | null> = [];
      const run = async (args: string[], settings: Settings = cli) => codes.push((await runMateria(lab, args, settings)).code);
      await run(["config", "check"]);
      await run(["materialize", "--job", "example_monthly", "--partition", month, "--wait"]);
      await run(["materialize", "--job", "example_monthly", "--partition", month, "--in-process"]);
      await run(["status", "--select", "group:example", "--from", month, "--to", month]);
      // 2025-02 has no landing file: its step fails after retries (an error alert to every channel).
      await run(["backfill", "--job", "example_monthly", "--from", month, "--to", "2025-02"]);
      await run(["status", "--select", "group:example", "--from", month, "--to", month], { ...cli, AWS_SECRET_ACCESS_KEY: wrong.awsSecret });
      await run(["config", "check"], { ...cli, MATERIA_PAGERDUTY_ROUTING_KEY: wrong.routingKey });
      lab.figure("CLI exits", codes.join(" "));
      await waitFor("alerts refused, rejected and taken on every channel", () => receiver.requests.filter((r) => r.status === 200).length >= 3 && receiver.requests.some((r) => r.status === 400), { timeoutMs: 180_000 });
      lab.figure("alert requests", receiver.requests.length);
      // Nothing may be left unwritten when the files are read: stop everything first.
      await lab.close();

      const printed = lab.processes.filter((p) => /-(cli|worker)/.test(p.name));
      // The scan must be able to find things: a value the worker does print (its task queue), and a file planted here.
      const canary = `chaos-canary-${hex(8)}`;
      writeFileSync(join(lab.home, "canary.txt"), canary);
      if (!printed.some((p) => p.output().includes(stack.settings.MATERIA_TASK_QUEUE!))) lab.problem("the log scan does not see what the worker prints (its task queue)");
      const inLogs = needles.filter((needle) => printed.some((p) => p.output().includes(needle)));
      const files = filesUnder(lab.home);
      const inFiles: string[] = [];
      let scanned = 0;
      let canarySeen = false;
      for (const file of files) {
        const bytes = readFileSync(file);
        scanned += statSync(file).size;
        for (const needle of needles) if (bytes.includes(needle)) inFiles.push(`${file.slice(lab.home.length + 1)}: ${needle.slice(0, 14)}…`);
        if (bytes.includes(canary)) canarySeen = true;
      }
      if (!canarySeen) lab.problem("the file scan did not find the planted canary");
      // The lake (MinIO, outside MATERIA_HOME) holds manifests, check results, incidents and alert plans: read those too.
      await stack.minio!.startAgain();
      const objects = await stack.store.list("");
      for (const object of objects) {
        const bytes = await stack.store.getBytes(object.key);
        for (const needle of needles) if (bytes.includes(needle)) inFiles.push(`lake object ${object.key}: ${needle.slice(0, 14)}…`);
      }
      lab.figure("values checked", needles.length);
      lab.figure("processes read", printed.length);
      lab.figure("files read", `${files.length} (${(scanned / 1e6).toFixed(1)} MB) + ${objects.length} lake objects`);
      lab.figure("found in logs", inLogs.length);
      lab.figure("found in files", inFiles.length);
      for (const needle of inLogs) lab.problem(`printed by ${printed.filter((p) => p.output().includes(needle)).map((p) => p.name).join(", ")}: a secret starting ${needle.slice(0, 14)}…`);
      for (const hit of inFiles) lab.problem(`in a file under MATERIA_HOME: ${hit}`);
    } finally {
      await stack.close();
      await receiver.close();
    }
  },
};
