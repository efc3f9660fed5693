import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireEnv } from "../support/test-config";
import { tsxArgs } from "../support/child-processes";

const ROOT = join(__dirname, "..", "..");
const home = mkdtempSync(join(tmpdir(), "materia-cli-"));

function materia(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, tsxArgs(join(ROOT, "src", "cli", "main.ts"), ...args), {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, MATERIA_HOME: home, MATERIA_STORAGE_URL: `file://${join(home, "lake")}`, TEMPORAL_ADDRESS: requireEnv("MATERIA_TEST_TEMPORAL_ADDRESS"), MATERIA_LOG_LEVEL: "warn", ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("the materia CLI: bad input gets a clear error and a non-zero exit", () => {
  it("an unknown selection: exit 2, the caret and a suggestion, no stack trace", () => {
    const result = materia(["materialize", "--select", "key:example/page_view", "--partition", "2025-01"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("example/page_views");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("a partition key in the wrong format names the expected one", () => {
    const result = materia(["materialize", "--select", "group:example", "--partition", "2025-13"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("YYYY-MM");
  });

  it("an unknown job: exit 2 (bad usage), suggesting the closest", () => {
    for (const args of [
      ["backfill", "--job", "example_montly", "--from", "2025-01", "--to", "2025-02"],
      ["materialize", "--job", "example_montly", "--partition", "2025-01"],
    ]) {
      const result = materia(args);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('Unknown job "example_montly"');
      expect(result.stderr).toContain("example_monthly");
    }
  });

  it("rollback of an unknown asset: exit 2, suggesting the closest", () => {
    const result = materia(["rollback", "example/page_view", "2025-01"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown asset "example/page_view"');
    expect(result.stderr).toContain("example/page_views");
  });

  it("a partitioned job with no partition: exit 2, naming the key format", () => {
    const result = materia(["materialize", "--job", "example_monthly"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("is partitioned but no partition was given");
    expect(result.stderr).toContain("YYYY-MM");
  });

  it("a secret pasted into a free-text setting is not echoed", () => {
    const secret = "AKIAIOSFODNN7EXAMPLEwJalrXUtnFEMI";
    const result = materia(["config", "check"], { TEMPORAL_ADDRESS: secret });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain("TEMPORAL_ADDRESS");
    expect(result.stderr).not.toContain(secret.slice(0, 8));
  });

  it("from after to is refused before anything starts", () => {
    const result = materia(["backfill", "--job", "example_monthly", "--from", "2025-03", "--to", "2025-01"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/reversed|after/);
  });

  it("a concurrency of zero steps is refused before anything starts", () => {
    const result = materia(["backfill", "--job", "market_monthly", "--from", "2025-01", "--to", "2025-03", "--concurrency", "0"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--concurrency must be a positive integer");
  });

  it("a backfill id that does not exist", () => {
    const result = materia(["backfill", "status", "materia-backfill:nope"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No backfill with id "materia-backfill:nope"');
  });

  it("an unreachable Temporal server: exit 3, the address and how to start one", () => {
    const result = materia(["materialize", "--select", "group:example", "--partition", "2025-01"], { TEMPORAL_ADDRESS: "127.0.0.1:1" });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("127.0.0.1:1 is not reachable");
    expect(result.stderr).toContain("hint:");
  });

  it("a bad setting: exit 4 and the variable to fix", () => {
    const result = materia(["config", "check"], { MATERIA_STORAGE_URL: "ftp://nope" });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain("MATERIA_STORAGE_URL");
  });

  it("puts the default lake in MATERIA_HOME, not in the working directory", () => {
    const result = materia(["config", "check"], { MATERIA_STORAGE_URL: "" });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`storage file://${join(home, "lake")}`);
  });

  it("lists jobs, as a table and as JSON", () => {
    const table = materia(["jobs", "list"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/example_monthly\s+group:example/);
    const rows = JSON.parse(materia(["jobs", "list", "--json"]).stdout) as Array<{ name: string; schedules: string[] }>;
    expect(rows.find((r) => r.name === "example_monthly")?.schedules).toEqual(["example_monthly"]);
  });

  it("lists assets as JSON", () => {
    const result = materia(["assets", "list", "--json"]);
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as Array<{ key: string; deps: string[] }>;
    expect(rows.find((r) => r.key === "example/daily_views")?.deps).toEqual(["example/page_views"]);
  });

  it("materializes in-process and shows status", () => {
    const run = materia(["materialize", "--select", "+key:example/page_views", "--partition", "2025-01", "--in-process", "--json"]);
    // The landing file is missing: the step fails with a clear message and nothing is published.
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("has no data for partition 2025-01");
    const status = materia(["status", "--select", "key:example/page_views", "--from", "2025-01", "--to", "2025-01", "--json"]);
    expect(JSON.parse(status.stdout)).toEqual([expect.objectContaining({ asset: "example/page_views", partition: "2025-01", status: "missing" })]);
  });
});
