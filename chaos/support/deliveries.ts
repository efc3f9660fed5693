/**
 * Vendor deliveries to a scenario's landing area, made the way a vendor
 * would: files appear in the object store. Market months are generated once
 * per suite run (a few CPU-seconds each) into a cache folder and copied to
 * every scenario that needs them; example months are small enough to write
 * each time.
 */
import { join } from "node:path";
import { writeExampleLanding } from "../../src/assets/example";
import { landingKey as marketLandingKey } from "../../src/assets/market";
import { generateMarketMonths } from "../../src/assets/market/vendor";
import { LocalObjectStore, type ObjectStore } from "../../src/resources/object-store";
import { MARKET_MONTHS } from "../../src/assets/market/layout";

const generated = new Map<string, Promise<void>>();

function duckdbFor(scratch: string) {
  return { memoryLimit: "1GB", threads: 2, tempDir: join(scratch, "duckdb") };
}

/** The cached vendor file of `month` (generated on first use), as a local path. */
export async function cachedMarketFile(cacheDir: string, month: string): Promise<string> {
  const id = `${cacheDir}\u0000${month}`;
  if (!generated.has(id)) {
    const store = new LocalObjectStore(cacheDir);
    generated.set(
      id,
      generateMarketMonths({ store, from: month, to: month, duckdb: duckdbFor(cacheDir) }).then(() => undefined),
    );
  }
  await generated.get(id);
  return join(cacheDir, marketLandingKey(month));
}

/** Deliver generated market months to `store`'s landing area. */
export async function deliverMarketMonths(store: ObjectStore, cacheDir: string, months: readonly string[]): Promise<void> {
  for (const month of months) await store.putFile(marketLandingKey(month), await cachedMarketFile(cacheDir, month), { contentType: "application/zstd" });
}

export function marketMonths(from: string, to: string): string[] {
  return MARKET_MONTHS.keysInRange(from, to);
}

export async function deliverExampleMonths(store: ObjectStore, months: readonly string[], scratch: string): Promise<void> {
  await writeExampleLanding(store, [...months], duckdbFor(scratch));
}
