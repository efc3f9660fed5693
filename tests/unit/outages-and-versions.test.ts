/**
 * Riding out infrastructure, not burning attempts: a step whose store is down
 * waits and starts over until it publishes; a re-run producing the same
 * bytes adds no version; a killed process's scratch folders are removed by
 * the next worker; S3 answers are classed as outages or not.
 */
import { mkdirSync, mkdtempSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { loadConfig } from "../../src/config";
import { defineAsset, defineDefinitions } from "../../src/core";
import { createExecutionEnvironment, materialize, removeAbandonedScratch } from "../../src/execution";
import { isStoreOutage, LocalObjectStore, StoreUnavailableError, StoreUnreachableError, type ObjectStore } from "../../src/resources/object-store";
import { translateS3Error } from "../../src/resources/object-store/s3-errors";
import { createLogger } from "../../src/utils/logger";

/** A local store that is "down" (every call fails as unreachable) until `up()` is called. */
function flakyStore(root: string): { store: ObjectStore; up(): void; failedCalls(): number } {
  const inner = new LocalObjectStore(root);
  let down = true;
  let failed = 0;
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (down) {
          failed++;
          return Promise.reject(new StoreUnreachableError("http://127.0.0.1:9", "ECONNREFUSED"));
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as ObjectStore;
  return { store, up: () => void (down = false), failedCalls: () => failed };
}

function environment(store?: ObjectStore, outageSeconds = "60") {
  const home = mkdtempSync(join(tmpdir(), "materia-outage-"));
  const config = loadConfig({ readDotenv: false, env: { MATERIA_HOME: home, MATERIA_INFRA_RETRY_SECONDS: outageSeconds } });
  const log = createLogger({ level: "silent", format: "json" });
  return { home, env: createExecutionEnvironment(config, log, store ? { store } : { store: new LocalObjectStore(join(home, "lake")) }) };
}

describe("riding out a store outage", () => {
  const definitions = defineDefinitions({ assets: [defineAsset({ key: "t/answer", materialize: async () => "SELECT 42 AS answer" })] });

  it("waits while the store is down and publishes once it is back, without failing the step", async () => {
    const flaky = flakyStore(mkdtempSync(join(tmpdir(), "materia-flaky-")));
    const { env } = environment(flaky.store);
    const run = materialize(definitions, { selection: "*", partitions: [], env });
    // Comes back only after the step has met the outage more than once.
    while (flaky.failedCalls() < 2) await new Promise((resolve) => setTimeout(resolve, 50));
    flaky.up();
    const result = await run;
    expect(result.status).toBe("succeeded");
    expect((await env.catalog.readManifest("t/answer", null))?.rowCount).toBe(1);
  });

  it("gives up after the outage window, with the outage as the error and its hint", async () => {
    const flaky = flakyStore(mkdtempSync(join(tmpdir(), "materia-flaky-")));
    const { env } = environment(flaky.store, "0");
    const result = await materialize(definitions, { selection: "*", partitions: [], env });
    expect(result.steps[0]).toMatchObject({ status: "failed", error: { type: "StoreUnreachableError" } });
  });

  it("classes S3 answers: 5xx, throttling and resets are outages; not-found, denied and bad buckets are not", () => {
    const context = { operation: "GetObject", key: "k", endpoint: "http://minio:9000", bucket: "b", description: "s3://b" };
    const sdk = (name: string, status?: number, code?: string) => Object.assign(new Error(`${name} happened`), { name, ...(code ? { code } : {}), ...(status ? { $metadata: { httpStatusCode: status } } : {}) });
    expect(translateS3Error(sdk("SlowDown", 503), context)).toBeInstanceOf(StoreUnavailableError);
    expect(translateS3Error(sdk("InternalError", 500), context)).toBeInstanceOf(StoreUnavailableError);
    expect(translateS3Error(sdk("TooManyRequests", 429), context)).toBeInstanceOf(StoreUnavailableError);
    expect(translateS3Error(sdk("Error", undefined, "ECONNRESET"), context)).toBeInstanceOf(StoreUnavailableError);
    expect(isStoreOutage(translateS3Error(sdk("Error", undefined, "ECONNREFUSED"), context))).toBe(true);
    for (const answer of [sdk("NoSuchKey", 404), sdk("AccessDenied", 403), sdk("NoSuchBucket", 404)]) expect(isStoreOutage(translateS3Error(answer, context))).toBe(false);
  });
});

describe("a re-run with the same output", () => {
  it("adds no version to the history and keeps pointing at the same object", async () => {
    const { env } = environment();
    const definitions = defineDefinitions({ assets: [defineAsset({ key: "t/dim", materialize: async () => "SELECT range AS id FROM range(5) ORDER BY id" })] });
    for (let i = 0; i < 3; i++) expect((await materialize(definitions, { selection: "*", partitions: [], env })).status).toBe("succeeded");
    const manifest = (await env.catalog.readManifest("t/dim", null))!;
    expect(manifest.history).toEqual([]);
    expect((await env.store.list("data/t/dim/")).length).toBe(1);
  });
});

describe("scratch folders of a killed process", () => {
  it("are removed at worker start; a live process's are kept", () => {
    const root = mkdtempSync(join(tmpdir(), "materia-scratch-"));
    // A pid that ran and is gone: a finished child's.
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    for (const name of [`${gone}-run_a-0001`, `${process.pid}-run_b-0002`, "old-layout-folder"]) mkdirSync(join(root, name, "sub"), { recursive: true });
    expect(removeAbandonedScratch(root).sort()).toEqual([`${gone}-run_a-0001`, "old-layout-folder"]);
    expect(existsSync(join(root, `${process.pid}-run_b-0002`))).toBe(true);
  });
});
