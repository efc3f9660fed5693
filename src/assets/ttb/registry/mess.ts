/**
 * Realistic mess at controlled rates, applied to a clean record. Each rate
 * is the share of records affected; `DEFAULT_DEFECT_RATES` mimics the
 * registry, tests pass zeros (clean data) or ones (a defect everywhere).
 */
import type { ExtractColumn } from "../reference";
import type { ColaRecord } from "./records";
import { pick, PURPOSE, unit } from "./random";

export interface DefectRates {
  /** Brand or company name in lower or mixed case. */
  casing: number;
  /** Leading/trailing blanks and doubled inner spaces. */
  whitespace: number;
  /** Completed date as YYYY-MM-DD instead of MM/DD/YYYY. */
  isoDate: number;
  /** The same line twice in a day file. */
  duplicateWithinDay: number;
  /** A line of the previous day repeated in the next day's file. */
  duplicateAcrossDays: number;
  /** Optional fields (fanciful name, serial, alcohol content, net contents) left out. */
  missingOptional: number;
  /** A TTB ID with a digit dropped or a letter in it. */
  malformedTtbId: number;
  /** A class/type code missing from the reference. */
  unknownClassType: number;
}

export const DEFAULT_DEFECT_RATES: DefectRates = {
  casing: 0.04,
  whitespace: 0.04,
  isoDate: 0.1,
  duplicateWithinDay: 0.01,
  duplicateAcrossDays: 0.005,
  missingOptional: 0.05,
  malformedTtbId: 0.002,
  unknownClassType: 0.003,
};

export const CLEAN: DefectRates = {
  casing: 0,
  whitespace: 0,
  isoDate: 0,
  duplicateWithinDay: 0,
  duplicateAcrossDays: 0,
  missingOptional: 0,
  malformedTtbId: 0,
  unknownClassType: 0,
};

const OPTIONAL_FIELDS: ExtractColumn[] = ["fanciful_name", "serial_number", "alcohol_content", "net_contents"];

function recase(value: string, variant: number): string {
  if (variant === 0) return value.toLowerCase();
  return value.toLowerCase().replace(/\b\w/g, (letter) => letter.toUpperCase());
}

/** A messy copy of the record; `at` are the record's coordinates, so the mess is reproducible. */
export function applyMess(record: ColaRecord, rates: DefectRates, ...at: number[]): ColaRecord {
  const draw = (defect: number): number => unit(...at, PURPOSE.mess, defect);
  const messy: ColaRecord = { ...record };
  if (draw(1) < rates.casing) {
    const field = pick(2, ...at, PURPOSE.mess, 11) === 0 ? "brand_name" : "company_name";
    messy[field] = recase(messy[field] ?? "", pick(2, ...at, PURPOSE.mess, 12));
  }
  if (draw(2) < rates.whitespace) {
    messy.brand_name = `  ${(messy.brand_name ?? "").replace(/ /g, "  ")} `;
    messy.company_name = `${messy.company_name ?? ""}\t`;
  }
  if (draw(3) < rates.isoDate && messy.completed_date) {
    const [mm, dd, yyyy] = messy.completed_date.split("/");
    messy.completed_date = `${yyyy}-${mm}-${dd}`;
  }
  if (draw(4) < rates.missingOptional) {
    delete messy[OPTIONAL_FIELDS[pick(OPTIONAL_FIELDS.length, ...at, PURPOSE.mess, 41)]!];
  }
  if (draw(5) < rates.malformedTtbId && messy.ttb_id) {
    messy.ttb_id = pick(2, ...at, PURPOSE.mess, 51) === 0 ? messy.ttb_id.slice(1) : `${messy.ttb_id.slice(0, 8)}X${messy.ttb_id.slice(9)}`;
  }
  if (draw(6) < rates.unknownClassType) {
    messy.class_type_code = String(990 + pick(9, ...at, PURPOSE.mess, 61));
    messy.class_type_desc = "UNLISTED";
  }
  return messy;
}
