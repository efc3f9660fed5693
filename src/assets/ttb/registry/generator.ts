/**
 * The registry extract generator: one JSONL file per day,
 * `landing/ttb/YYYY-MM-DD.jsonl`, about 12,000 COLAs a month. Deterministic:
 * a month's files depend only on the month and the defect rates, never on
 * which other months were generated.
 *
 * A day file holds the day's new COLAs, plus status changes of COLAs
 * approved up to ten years earlier (re-emitted with EXPIRED, SURRENDERED or
 * REVOKED), plus duplicates within and across days at the configured rates.
 */
import type { LandingWriter } from "materia";
import type { ColaStatus } from "../reference";
import { applyMess, DEFAULT_DEFECT_RATES, type DefectRates } from "./mess";
import { PURPOSE, choose, pick, unit } from "./random";
import { colaRecord, colasOnDay, monthRef, type ColaRecord, type MonthRef } from "./records";
import { TtbUsageError } from "../errors";
import { landingDayKey } from "../landing";

/** Share of a day's volume that re-emits an earlier COLA with a changed status. */
export const STATUS_CHANGE_RATE = 0.03;
const CHANGED_STATUSES: ColaStatus[] = ["EXPIRED", "EXPIRED", "SURRENDERED", "SURRENDERED", "REVOKED"];

export interface GenerateProgress {
  month: string;
  file: string;
  filesWritten: number;
  totalFiles: number;
  rows: number;
}

export interface GenerateTtbOptions {
  store: LandingWriter;
  /** First month, YYYY-MM. */
  from: string;
  /** Last month, YYYY-MM (inclusive). */
  to: string;
  defects?: Partial<DefectRates>;
  onProgress?: (progress: GenerateProgress) => void;
}

export interface GenerateTtbResult {
  files: number;
  rows: number;
}

export function parseMonth(value: string): MonthRef {
  const match = /^(\d{4})-(\d{2})$/.exec(value);
  const year = Number(match?.[1]);
  const month = Number(match?.[2]);
  if (!match || month < 1 || month > 12 || year < 2000) {
    throw new TtbUsageError(`"${value}" is not a month.`, { hint: "Use YYYY-MM from 2000-01 on, e.g. 2024-03." });
  }
  return monthRef((year - 2000) * 12 + month - 1);
}

function monthKey(month: MonthRef): string {
  return `${month.year}-${String(month.month).padStart(2, "0")}`;
}

/** The lines of one day file, in file order. */
export function dayLines(month: MonthRef, day: number, rates: DefectRates): string[] {
  const lines: string[] = [];
  const count = colasOnDay(month, day);
  for (let seq = 0; seq < count; seq++) {
    const line = JSON.stringify(applyMess(colaRecord(month, day, seq), rates, month.index, day, seq));
    lines.push(line);
    if (unit(month.index, day, seq, PURPOSE.duplicate) < rates.duplicateWithinDay) lines.push(line);
  }
  if (day > 1) {
    for (let seq = 0; seq < colasOnDay(month, day - 1); seq++) {
      if (unit(month.index, day - 1, seq, PURPOSE.crossDayDuplicate) < rates.duplicateAcrossDays) {
        lines.push(JSON.stringify(applyMess(colaRecord(month, day - 1, seq), rates, month.index, day - 1, seq)));
      }
    }
  }
  const changes = Math.round(count * STATUS_CHANGE_RATE);
  for (let change = 0; change < changes; change++) {
    const record = statusChange(month, day, change);
    if (record) lines.push(JSON.stringify(applyMess(record, rates, month.index, day, 1_000_000 + change)));
  }
  return lines;
}

/** An earlier COLA (1–120 months back) re-emitted with a new status; undefined before 2000-01. */
function statusChange(month: MonthRef, day: number, change: number): ColaRecord | undefined {
  const at = [month.index, day, change, PURPOSE.statusChangeSource] as const;
  const earlier = month.index - 1 - pick(120, ...at);
  if (earlier < 0) return undefined;
  const source = monthRef(earlier);
  const sourceDay = 1 + pick(source.days, ...at, 1);
  const sourceSeq = pick(colasOnDay(source, sourceDay), ...at, 2);
  return { ...colaRecord(source, sourceDay, sourceSeq), status: choose(CHANGED_STATUSES, ...at, PURPOSE.newStatus) };
}

/** Write every day file of the months from..to (inclusive) to the store. */
export async function generateTtbMonths(options: GenerateTtbOptions): Promise<GenerateTtbResult> {
  const rates: DefectRates = { ...DEFAULT_DEFECT_RATES, ...(options.defects ?? {}) };
  const first = parseMonth(options.from);
  const last = parseMonth(options.to);
  if (last.index < first.index) throw new TtbUsageError(`The last month ${options.to} is before the first month ${options.from}.`);
  const months: MonthRef[] = [];
  for (let index = first.index; index <= last.index; index++) months.push(monthRef(index));
  const totalFiles = months.reduce((sum, month) => sum + month.days, 0);
  let filesWritten = 0;
  let rows = 0;
  for (const month of months) {
    for (let day = 1; day <= month.days; day++) {
      const lines = dayLines(month, day, rates);
      const key = landingDayKey(monthKey(month), day);
      await options.store.putBytes(key, `${lines.join("\n")}\n`, { contentType: "application/x-ndjson" });
      filesWritten += 1;
      rows += lines.length;
      options.onProgress?.({ month: monthKey(month), file: key, filesWritten, totalFiles, rows });
    }
  }
  return { files: filesWritten, rows };
}
