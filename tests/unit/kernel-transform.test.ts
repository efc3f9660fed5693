/**
 * Kernel transforms as a user writes them: through "materia" and
 * "materia/testing" only. A kernel's typed arrays go in and out of DuckDB,
 * and its output is staged, checked and published like a SQL result.
 */
import { defineAsset, defineDefinitions, defineKernel, inRange, notNull, type KernelInput } from "materia";
import { materialize, temporaryLake, type TemporaryLake } from "materia/testing";

const prices = defineAsset({
  key: "demo/prices",
  materialize: async () => `
    SELECT i::INTEGER AS id, i % 3 = 0 AS flagged, (100 + 10 * sin(i / 3.0))::DOUBLE AS price,
           CASE WHEN i % 5 = 4 THEN NULL ELSE i::BIGINT * 7 END AS volume,
           TIMESTAMP '2025-01-01' + to_minutes(i) AS ts, ('sym' || (i % 2)) AS symbol
    FROM range(5000) t(i)`,
});

/** Running high and drawdown over the series: a scan each bar depends on the last. */
function drawdown({ columns, valid, length }: KernelInput) {
  const price = columns.price as Float64Array;
  const volume = columns.volume as BigInt64Array;
  const high = new Float64Array(length);
  const down = new Float64Array(length);
  const volumeKnown = new Uint8Array(length);
  const doubled = new BigInt64Array(length);
  const level = new Int8Array(length);
  const levelValid = new Uint8Array(length);
  let max = -Infinity;
  for (let i = 0; i < length; i++) {
    max = Math.max(max, price[i]!);
    high[i] = max;
    // NaN is written as NULL: the first bar has no drawdown
    down[i] = i === 0 ? NaN : price[i]! / max - 1;
    volumeKnown[i] = valid.volume?.[i] ?? 1;
    doubled[i] = volume[i]! * 2n;
    level[i] = down[i]! < -0.1 ? -1 : 1;
    levelValid[i] = i % 10 === 0 ? 0 : 1;
  }
  return {
    id: columns.id!,
    ts: { values: columns.ts!, type: "TIMESTAMP" as const },
    running_high: high,
    drawdown: down,
    volume_known: { values: volumeKnown, type: "BOOLEAN" as const },
    doubled_volume: { values: doubled, valid: valid.volume! },
    level: { values: level, valid: levelValid },
    flagged_too: { values: columns.flagged as Uint8Array, type: "BOOLEAN" as const },
  };
}

const drawdowns = defineAsset({
  key: "demo/drawdowns",
  deps: ["demo/prices"],
  checks: [notNull("running_high", { blocking: true }), inRange("drawdown", undefined, 0, { blocking: true })],
  materialize: async () => ({
    kernel: defineKernel({
      input: "SELECT id, flagged, price, volume, ts FROM prices ORDER BY id",
      run: drawdown,
      select: (table) => `SELECT * FROM ${table} ORDER BY id`,
    }),
  }),
});

describe("kernel transforms", () => {
  let lake: TemporaryLake;
  afterEach(() => lake?.remove());

  it("scans typed arrays from DuckDB and publishes their output like a SQL result, checks included", async () => {
    lake = temporaryLake();
    const run = await materialize(defineDefinitions({ assets: [prices, drawdowns] }), { lake });
    expect(run.steps.map((s) => [s.step, s.status, s.rows, s.failedChecks, s.error?.message])).toEqual([
      ["demo/prices", "published", { "demo/prices": 5000 }, [], undefined],
      ["demo/drawdowns", "published", { "demo/drawdowns": 5000 }, [], undefined],
    ]);
    const rows = await lake.rows<Record<string, unknown>>("demo/drawdowns");
    expect(rows).toHaveLength(5000);
    const price = (i: number): number => 100 + 10 * Math.sin(i / 3);
    expect(rows[0]).toEqual({
      id: 0,
      ts: expect.anything(),
      running_high: price(0),
      drawdown: null,
      volume_known: true,
      doubled_volume: 0n,
      level: null,
      flagged_too: true,
    });
    const high = Math.max(...Array.from({ length: 8 }, (_, i) => price(i)));
    expect(rows[7]!.running_high).toBeCloseTo(high, 12);
    expect(rows[7]!.drawdown).toBeCloseTo(price(7) / high - 1, 12);
    expect(rows[4]).toMatchObject({ volume_known: false, doubled_volume: null, flagged_too: false });
    expect(rows[6]).toMatchObject({ doubled_volume: 84n, flagged_too: true });
    expect(rows[3]!.ts).toEqual(new Date(Date.UTC(2025, 0, 1, 0, 3)));
  });

  it("publishes a kernel's rows in the order it returned them", async () => {
    lake = temporaryLake();
    const reversed = defineAsset({
      key: "demo/reversed",
      deps: ["demo/prices"],
      materialize: async () => ({
        kernel: { input: "SELECT id FROM prices ORDER BY id", run: ({ columns }) => ({ id: (columns.id as Int32Array).slice().reverse() }) },
      }),
    });
    await materialize(defineDefinitions({ assets: [prices, reversed] }), { lake });
    const rows = await lake.rows<{ id: number }>("demo/reversed");
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 5000 }, (_, i) => 4999 - i));
  });

  it("lets select read the output twice (each scan from its first row)", async () => {
    lake = temporaryLake();
    const paired = defineAsset({
      key: "demo/paired",
      deps: ["demo/prices"],
      materialize: async () => ({
        kernel: {
          input: "SELECT id FROM prices ORDER BY id",
          run: ({ columns }) => ({ id: columns.id! }),
          select: (output) => `SELECT a.id, b.id AS next_id FROM ${output} a JOIN ${output} b ON b.id = a.id + 1 ORDER BY a.id`,
        },
      }),
    });
    await materialize(defineDefinitions({ assets: [prices, paired] }), { lake });
    const rows = await lake.rows<{ id: number; next_id: number }>("demo/paired");
    expect(rows).toHaveLength(4999);
    expect(rows.every((r) => r.next_id === r.id + 1)).toBe(true);
  });

  it("blocks on a failing check of the kernel's output, as for SQL", async () => {
    lake = temporaryLake();
    const rising = defineAsset({
      key: "demo/rising",
      deps: ["demo/prices"],
      checks: [inRange("x", undefined, 0, { blocking: true })],
      materialize: async () => ({ kernel: { input: "SELECT price FROM prices", run: ({ length }) => ({ x: new Float64Array(length).fill(1) }) } }),
    });
    const run = await materialize(defineDefinitions({ assets: [prices, rising] }), { lake });
    expect(run.steps[1]).toMatchObject({ status: "blocked", failedChecks: ["demo/rising:in_range_x"] });
  });

  it("refuses input it cannot hand over and output it cannot write, naming the column", async () => {
    lake = temporaryLake();
    const text = defineAsset({
      key: "demo/text",
      deps: ["demo/prices"],
      materialize: async () => ({ kernel: { input: "SELECT symbol FROM prices", run: () => ({ x: new Float64Array(0) }) } }),
    });
    const uneven = defineAsset({
      key: "demo/uneven",
      deps: ["demo/prices"],
      materialize: async () => ({ kernel: { input: "SELECT price FROM prices", run: ({ length }) => ({ a: new Float64Array(length), b: new Int32Array(length - 1) }) } }),
    });
    const run = await materialize(defineDefinitions({ assets: [prices, text, uneven] }), { lake });
    const byStep = Object.fromEntries(run.steps.map((s) => [s.step, s]));
    expect(byStep["demo/text"]).toMatchObject({ status: "failed", error: { message: expect.stringContaining('Kernel input column "symbol" is VARCHAR') } });
    expect(byStep["demo/uneven"]).toMatchObject({ status: "failed", error: { message: expect.stringContaining('"a" has 5000 rows, "b" 4999') } });
  });

  it("checks a kernel when it is declared", () => {
    expect(() => defineKernel({ input: " ", run: () => ({}) })).toThrow("A kernel needs an input query");
    expect(() => defineKernel({ input: "SELECT 1", run: undefined as never })).toThrow("A kernel needs a run function");
  });
});
