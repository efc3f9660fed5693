/**
 * Scenario 4: bad deliveries never replace good data. A good market month
 * and a good TTB month are published first; then each bad file is delivered
 * over the good one and the month re-run with `materialize --wait`. Each
 * must exit 1; the step that refused it and everything downstream must keep
 * its previous version (only steps upstream of the refusal may publish);
 * and the landing file must be exactly the bytes delivered (materia only
 * reads it).
 */
import { createHash } from "node:crypto";
import { landingKey as marketLandingKey } from "../../src/assets/market";
import { loadDefinitions } from "../../src/definitions";
import type { ObjectStore } from "../../src/resources/object-store";
import type { RunSummary } from "../../src/temporal/shared";
import type { Scenario } from "../scenario";
import { badMarketFiles, badTtbDayFiles, type BadFile } from "../support/bad-files";
import { cachedMarketFiles, deliverMarketMonths, generateLanding } from "../support/deliveries";
import type { Lab } from "../support/lab";
import { jobOutputs, label, objectDigest, readManifests, type AssetPartition } from "../support/lake";
import { runMateria, runMateriaOk, startWorker, type Settings } from "../support/materia";
import { startStack } from "../support/stack";

const MARKET_MONTH = "2024-01";
const TTB_MONTH = "2024-01";

interface Outcome {
  file: string;
  exit: number | null;
  /** What refused it: the first step not published, and why. */
  stoppedBy: string;
  /** Asset partitions that had to keep their version and did not. */
  replaced: string[];
  landingChanged: boolean;
}

export const badFiles: Scenario = {
  name: "bad-files",
  title: "4 bad market (7) and TTB (3) files",
  async run(lab, options) {
    const stack = await startStack(lab);
    try {
      await startWorker(lab, stack.settings);
      await deliverMarketMonths(stack.store, options.root, [MARKET_MONTH]);
      await generateLanding(lab, stack.settings, "ttb", [TTB_MONTH]);
      await runMateriaOk(lab, ["materialize", "--job", "market_monthly", "--partition", MARKET_MONTH, "--wait"], stack.settings, 600_000);
      await runMateriaOk(lab, ["materialize", "--job", "ttb_monthly", "--partition", TTB_MONTH, "--wait"], stack.settings, 600_000);

      const outcomes: Outcome[] = [];
      const marketKey = marketLandingKey(MARKET_MONTH);
      for (const bad of await badMarketFiles((await cachedMarketFiles(options.root, [MARKET_MONTH]))[0]!, lab.dir)) {
        outcomes.push(await redeliver(lab, stack.store, stack.settings, { job: "market_monthly", partition: MARKET_MONTH, key: marketKey, bad, restore: undefined }));
      }
      const dayFiles = (await stack.store.list(`landing/ttb/${TTB_MONTH}-`)).map((o) => o.key);
      const dayKey = dayFiles[Math.floor(dayFiles.length / 2)]!;
      const goodDay = await stack.store.getBytes(dayKey);
      for (const bad of badTtbDayFiles(goodDay.toString("utf8"))) {
        outcomes.push(await redeliver(lab, stack.store, stack.settings, { job: "ttb_monthly", partition: TTB_MONTH, key: dayKey, bad, restore: goodDay }));
      }

      const market = outcomes.slice(0, 7);
      const ttb = outcomes.slice(7);
      lab.figure("market exit codes", market.map((o) => o.exit).join(" "));
      lab.figure("TTB exit codes", ttb.map((o) => o.exit).join(" "));
      lab.figure("previous version kept", `${outcomes.filter((o) => o.replaced.length === 0).length}/${outcomes.length}`);
      lab.figure("downstream published", outcomes.reduce((n, o) => n + o.replaced.length, 0));
      lab.figure("landing sha changed", outcomes.filter((o) => o.landingChanged).length);
      lab.figure("refused at", tally(outcomes.map((o) => o.stoppedBy)));
      for (const o of outcomes) {
        if (o.exit !== 1) lab.problem(`${o.file}: materialize --wait exited ${o.exit}, expected 1 (stopped by: ${o.stoppedBy})`);
        if (o.replaced.length > 0) lab.problem(`${o.file}: replaced what it must not: ${o.replaced.join(", ")}`);
        if (o.landingChanged) lab.problem(`${o.file}: the landing file is not the bytes delivered any more`);
      }
    } finally {
      await stack.close();
    }
  },
};

interface Redelivery {
  job: string;
  partition: string;
  key: string;
  bad: BadFile;
  /** Bytes to put back afterwards (the next bad file is tested against the good month). */
  restore: Buffer | undefined;
}

async function redeliver(lab: Lab, store: ObjectStore, settings: Settings, delivery: Redelivery): Promise<Outcome> {
  const outputs = jobOutputs(delivery.job, [delivery.partition]);
  const before = await versions(store, outputs);
  await store.putBytes(delivery.key, delivery.bad.bytes);
  const run = await runMateria(lab, ["materialize", "--job", delivery.job, "--partition", delivery.partition, "--wait", "--json"], settings, 600_000);
  const summary = parseSummary(run.process.stdout());
  const after = await versions(store, outputs);
  const landed = await objectDigest(store, delivery.key);
  if (delivery.restore) await store.putBytes(delivery.key, delivery.restore);

  // Everything a refusing step makes, and everything below it, keeps its version.
  const graph = loadDefinitions().graph;
  const refused = (summary?.steps ?? []).filter((s) => s.status === "failed" || s.status === "blocked");
  const mustKeep = new Set<string>();
  for (const step of refused) for (const key of [...graph.step(step.step).keys, ...graph.descendants(graph.step(step.step).keys)]) mustKeep.add(key);
  // Without a summary to go by, nothing may have changed.
  const guarded = summary === undefined ? outputs : outputs.filter((o) => mustKeep.has(o.asset));
  const replaced = guarded.map(label).filter((id) => before.get(id) !== after.get(id));
  const first = refused[0];
  const why = first === undefined ? (summary ? "nothing refused it" : "no summary printed") : `${first.step.split("/")[1]} ${first.status}`;
  const reason = first === undefined ? "" : first.failedChecks.length > 0 ? `checks ${first.failedChecks.map((c) => c.split(":")[1]).join(", ")}` : (first.error ?? "").split("\n")[0]!.slice(0, 100);
  lab.detail(`${delivery.bad.name}: exit ${run.code}, ${why}${reason ? `: ${reason}` : ""}`);
  return {
    file: delivery.bad.name,
    exit: run.code,
    stoppedBy: why,
    replaced,
    landingChanged: landed?.sha256 !== createHash("sha256").update(delivery.bad.bytes).digest("hex"),
  };
}

/** Each asset partition's current version (data version and how many it has had), by label. */
async function versions(store: ObjectStore, outputs: readonly AssetPartition[]): Promise<Map<string, string>> {
  const manifests = await readManifests(store, outputs);
  return new Map([...manifests].map(([id, m]) => [id, m ? `${m.dataVersion}/${m.history.length}` : "missing"]));
}

function parseSummary(stdout: string): RunSummary | undefined {
  try {
    return JSON.parse(stdout) as RunSummary;
  } catch {
    return undefined;
  }
}

/** ["a failed", "a failed", "b blocked"] → "a failed ×2, b blocked ×1". */
function tally(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, n]) => `${value} ×${n}`).join(", ");
}
