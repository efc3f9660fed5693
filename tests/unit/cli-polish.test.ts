import { barPayload, describeProgress, etaText, finalBarPayload, gridLines } from "../../src/cli/backfill-progress";
import { jobRows } from "../../src/cli/commands/jobs";
import { syncSummary } from "../../src/cli/commands/sensors";
import { buildProgram } from "../../src/cli/main";
import { EXIT, reportError } from "../../src/cli/runtime";
import { assetFromArgs, jobFromArgs, requirePartitions, targetAssets } from "../../src/cli/usage";
import type { BackfillProgress } from "../../src/temporal/backfill-shared";
import { freshnessMonitorId } from "../../src/temporal/sensors";
import { fixtureDefinitions } from "../support/fixture-pipeline";

const progress = (overrides: Partial<BackfillProgress> = {}): BackfillProgress => ({
  total: 6,
  done: 2,
  failed: 0,
  skipped: 0,
  notRun: 0,
  waiting: 0,
  partitions: 3,
  running: 1,
  pending: 3,
  paused: false,
  etaSeconds: 40,
  startedAt: "2025-01-01T00:00:00.000Z",
  failures: [],
  ...overrides,
});

function exitCodeOf(work: () => unknown): number {
  const spy = jest.spyOn(console, "error").mockImplementation(() => undefined);
  try {
    work();
  } catch (error) {
    return reportError(error);
  } finally {
    spy.mockRestore();
  }
  return EXIT.ok;
}

describe("backfill progress", () => {
  it("shows no ETA while paused", () => {
    expect(etaText(progress())).toBe("40s");
    expect(etaText(progress({ paused: true }))).toBe("paused");
    expect(barPayload(progress({ paused: true })).eta_text).toBe("paused");
    expect(describeProgress(progress({ paused: true }))).not.toMatch(/ETA/);
    expect(describeProgress(progress())).toMatch(/ETA 40s$/);
  });

  it("ends the bar from the result: nothing running", () => {
    const payload = finalBarPayload({ status: "succeeded", total: 6, done: 6, failed: 0, skipped: 0, notRun: 0, waiting: 0, partitions: 3, failures: [], startedAt: "2025-01-01T00:00:00.000Z", durationSeconds: 9 });
    expect(payload).toEqual({ running: 0, failed: 0, skipped: 0, eta_text: "done" });
  });
});

describe("the command line", () => {
  /** The options commander hands to the action that would run, without running it. */
  async function optionsOf(args: string[]): Promise<{ command: string; options: Record<string, unknown> }> {
    const program = buildProgram().exitOverride();
    let seen: { command: string; options: Record<string, unknown> } | undefined;
    program.hook("preAction", (_root, action) => {
      seen = { command: action.name(), options: action.opts() };
      throw new Error("stop before the action");
    });
    await program.parseAsync(["node", "materia", ...args]).catch(() => undefined);
    if (!seen) throw new Error(`no action for ${args.join(" ")}`);
    return seen;
  }

  it("gives `backfill status <id> --json` its own --json (the parent's used to swallow it)", async () => {
    const status = await optionsOf(["backfill", "status", "materia-backfill:x", "--json"]);
    expect(status).toEqual({ command: "status", options: { json: true } });
    const start = await optionsOf(["backfill", "--job", "example_monthly", "--from", "2025-01", "--to", "2025-02", "--json"]);
    expect(start.options).toMatchObject({ job: "example_monthly", json: true });
  });

  it("has `jobs list` with --json", async () => {
    expect(await optionsOf(["jobs", "list", "--json"])).toEqual({ command: "list", options: { json: true } });
    const rows = jobRows(fixtureDefinitions());
    expect(rows.find((r) => r.name === "shop_monthly")).toMatchObject({ selection: expect.any(String), partitions: expect.stringContaining("monthly") });
  });

  it("counts the freshness monitor apart from the sensors in `sensors sync`", () => {
    const monitor = freshnessMonitorId("materia");
    const line = syncSummary({ running: ["market_landing", "ttb_landing", monitor], cancelled: [] }, monitor);
    expect(line).toMatch(/^sensors: 2 running, 0 cancelled; freshness monitor running \(checks every asset with a freshness check/);
    expect(syncSummary({ running: ["a"], cancelled: ["b"] }, monitor)).toBe("sensors: 1 running, 1 cancelled");
  });
});

describe("names typed on the command line: unknown is bad usage (exit 2)", () => {
  const definitions = fixtureDefinitions();

  it("an unknown job, keeping the did-you-mean hint", () => {
    expect(exitCodeOf(() => jobFromArgs(definitions, "shop_montly"))).toBe(EXIT.usage);
    expect(() => jobFromArgs(definitions, "shop_montly")).toThrow(expect.objectContaining({ hint: expect.stringContaining("shop_monthly") }));
    expect(exitCodeOf(() => targetAssets(definitions, { job: "shop_montly" }))).toBe(EXIT.usage);
  });

  it("an unknown asset (rollback)", () => {
    expect(exitCodeOf(() => assetFromArgs(definitions, "shop/ordrs"))).toBe(EXIT.usage);
  });

  it("a partitioned target with no partition", () => {
    const assets = targetAssets(definitions, { job: "shop_monthly" });
    expect(exitCodeOf(() => requirePartitions(definitions, assets, []))).toBe(EXIT.usage);
    expect(() => requirePartitions(definitions, assets, [])).toThrow(/is partitioned but no partition was given/);
    expect(exitCodeOf(() => requirePartitions(definitions, assets, ["2024-01"]))).toBe(EXIT.ok);
  });
});

describe("backfill status draws the per-node grid", () => {
  it("one line per step, one character per partition, folded when wide", () => {
    const lines = gridLines({ partitions: ["2025-01", "2025-02", "2025-03"], rows: [{ step: "m/bars", partitioned: true, states: "ddR" }, { step: "m/total", partitioned: false, states: "p" }] });
    expect(lines[0]).toContain("2025-01 … 2025-03");
    expect(lines.slice(1)).toEqual(["m/bars   ddR", "m/total  p"]);
    const wide = gridLines({ partitions: Array.from({ length: 100 }, (_, i) => String(i)), rows: [{ step: "x", partitioned: true, states: "d".repeat(100) }] }, 40);
    expect(wide.slice(1).map((l) => l.slice(6).length)).toEqual([40, 40, 20]);
    expect(wide[1]!.startsWith("x ")).toBe(true);
  });
});
