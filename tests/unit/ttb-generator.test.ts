/** The registry generator: deterministic per month, the right volume and shape, mess only at the rates asked for. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateTtbMonths, NO_DEFECTS, TtbUsageError } from "../../src/assets/ttb";
import { companyAt, companyIdentity, COMPANY_COUNT } from "../../src/assets/ttb/registry/companies";
import { dayLines, parseMonth } from "../../src/assets/ttb/registry/generator";
import { createObjectStore, type ObjectStore } from "../../src/resources/object-store";

function tempStore(): ObjectStore {
  return createObjectStore(`file://${mkdtempSync(join(tmpdir(), "materia-ttb-gen-"))}`);
}

async function contents(store: ObjectStore, prefix: string): Promise<Record<string, string>> {
  const files = await store.list(prefix);
  return Object.fromEntries(await Promise.all(files.map(async (file) => [file.key, (await store.getBytes(file.key)).toString("utf8")] as const)));
}

function records(text: string): Array<Record<string, string>> {
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, string>);
}

describe("generateTtbMonths", () => {
  it("writes one file per day and the same bytes for a month whichever range it is generated in", async () => {
    const alone = tempStore();
    const inRange = tempStore();
    const single = await generateTtbMonths({ store: alone, from: "2024-02", to: "2024-02" });
    await generateTtbMonths({ store: inRange, from: "2024-01", to: "2024-02" });
    expect(single.files).toBe(29);
    expect(await contents(alone, "landing/ttb/2024-02")).toEqual(await contents(inRange, "landing/ttb/2024-02"));
    expect((await inRange.list("landing/ttb/")).map((file) => file.key)).toHaveLength(31 + 29);
  });

  it("produces about 12,000 COLAs a month with well-formed fields when clean", () => {
    const month = parseMonth("2023-06");
    const lines = Array.from({ length: month.days }, (_, i) => dayLines(month, i + 1, NO_DEFECTS)).flat();
    const rows = lines.map((line) => JSON.parse(line) as Record<string, string>);
    const newColas = rows.filter((row) => row.completed_date?.endsWith("/2023") && row.completed_date.startsWith("06/"));
    expect(newColas.length).toBeGreaterThan(11_000);
    expect(newColas.length).toBeLessThan(13_000);
    expect(new Set(newColas.map((row) => row.ttb_id)).size).toBe(newColas.length);
    const malformed = rows.filter(
      (row) => !/^\d{5}00[0-3]\d{6}$/.test(row.ttb_id ?? "") || !/^(DSP|BWN|BR)-[A-Z]{2}-\d+$/.test(row.permit_no ?? "") || !/^\d{2}\/\d{2}\/\d{4}$/.test(row.completed_date ?? ""),
    );
    expect(malformed).toEqual([]);
    // Later extracts carry status changes of earlier COLAs.
    const changes = rows.filter((row) => row.status !== "APPROVED");
    expect(changes.length).toBeGreaterThan(200);
    expect(changes.every((row) => !row.completed_date?.startsWith("06/") || !row.completed_date.endsWith("/2023"))).toBe(true);
  });

  it("injects each defect at its rate", () => {
    const month = parseMonth("2023-06");
    const messy = records(dayLines(month, 2, { ...NO_DEFECTS, malformedTtbId: 1, isoDate: 1 }).join("\n"));
    expect(messy.every((row) => !/^\d{14}$/.test(row.ttb_id ?? ""))).toBe(true);
    expect(messy.every((row) => /^\d{4}-\d{2}-\d{2}$/.test(row.completed_date ?? ""))).toBe(true);
    const day = dayLines(month, 2, { ...NO_DEFECTS, duplicateWithinDay: 1 });
    expect(day.length).toBeGreaterThan(new Set(day).size);
  });

  it("renames and moves companies over the years", () => {
    const changed = Array.from({ length: COMPANY_COUNT }, (_, i) => companyAt(i)).filter(
      (company) => JSON.stringify(companyIdentity(company, 120)) !== JSON.stringify(companyIdentity(company, 300)),
    );
    expect(changed.length).toBeGreaterThan(COMPANY_COUNT * 0.1);
    expect(changed.length).toBeLessThan(COMPANY_COUNT * 0.5);
  });

  it("rejects a bad month with a typed error", async () => {
    await expect(generateTtbMonths({ store: tempStore(), from: "2024-13", to: "2024-02" })).rejects.toBeInstanceOf(TtbUsageError);
    await expect(generateTtbMonths({ store: tempStore(), from: "2024-03", to: "2024-02" })).rejects.toBeInstanceOf(TtbUsageError);
  });
});
