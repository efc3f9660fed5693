/**
 * Vendor deliveries to a scenario's landing area, made with the pipelines'
 * own generators through the CLI (`materia generate <name>`), as a user
 * would. Market months cost a few CPU-seconds each, so they are generated
 * once per suite run into a cache lake and copied to every scenario that
 * needs them.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { landingKey as marketLandingKey } from "../../src/assets/market";
import { MARKET_MONTHS } from "../../src/assets/market/layout";
import type { ObjectStore } from "../../src/resources/object-store";
import { Lab } from "./lab";
import { runMateriaOk, type Settings } from "./materia";

/** `materia generate <generator> --from … --to …` into the scenario's lake. */
export async function generateLanding(lab: Lab, settings: Settings, generator: "example" | "ttb" | "market", months: readonly string[]): Promise<void> {
  await runMateriaOk(lab, ["generate", generator, "--from", months[0]!, "--to", months.at(-1)!], settings, 600_000);
}

interface MarketCache {
  lab: Lab;
  lake: string;
  /** One generation at a time: two scenarios asking for months share it. */
  pending: Promise<void>;
}

const caches = new Map<string, MarketCache>();

function marketCache(root: string): MarketCache {
  let cache = caches.get(root);
  if (!cache) {
    const lab = new Lab("market-cache", root);
    cache = { lab, lake: join(lab.dir, "lake"), pending: Promise.resolve() };
    caches.set(root, cache);
  }
  return cache;
}

/** Local paths of the generated vendor files of `months` (generated on first use). */
export async function cachedMarketFiles(root: string, months: readonly string[]): Promise<string[]> {
  const cache = marketCache(root);
  const pathOf = (month: string) => join(cache.lake, marketLandingKey(month));
  const generate = async () => {
    const missing = months.filter((month) => !existsSync(pathOf(month)));
    if (missing.length === 0) return;
    // MATERIA_HOME and the lake of the cache's own: a scenario's state never mixes with it.
    await generateLanding(cache.lab, { MATERIA_STORAGE_URL: `file://${cache.lake}` }, "market", missing);
  };
  cache.pending = cache.pending.then(generate, generate);
  await cache.pending;
  return months.map(pathOf);
}

/** Deliver generated market months to `store`'s landing area. */
export async function deliverMarketMonths(store: ObjectStore, root: string, months: readonly string[]): Promise<void> {
  const files = await cachedMarketFiles(root, months);
  for (const [i, month] of months.entries()) await store.putFile(marketLandingKey(month), files[i]!, { contentType: "application/zstd" });
}

export function marketMonths(from: string, to: string): string[] {
  return MARKET_MONTHS.keysInRange(from, to);
}
