/**
 * One COLA as the registry lists it: a pure function of (month, day,
 * sequence), so later extracts can re-emit it with a changed status.
 */
import { APPLICATION_TYPES, RECEIPT_METHODS, type ApplicationType, type ColaStatus, type ExtractColumn } from "../reference";
import { brandOf, brandsAt, companyIdentity, drawCompany, fancifulOf, PRODUCTS_PER_BRAND } from "./companies";
import { choose, pick, PURPOSE, unit } from "./random";

export type ColaRecord = Partial<Record<ExtractColumn, string>>;

/** A month on the generator's axis: months since 2000-01, plus its calendar. */
export interface MonthRef {
  index: number;
  year: number;
  month: number;
  days: number;
}

export function monthRef(index: number): MonthRef {
  const year = 2000 + Math.floor(index / 12);
  const month = (index % 12) + 1;
  return { index, year, month, days: new Date(Date.UTC(year, month, 0)).getUTCDate() };
}

export const COLAS_PER_MONTH = 12000;

/** COLAs completed on a day: the monthly volume spread over the days, ±25%. */
export function colasOnDay(month: MonthRef, day: number): number {
  const mean = COLAS_PER_MONTH / month.days;
  return Math.round(mean * (0.75 + 0.5 * (unit(month.index, day, PURPOSE.dayCount))));
}

const APPLICATION_WEIGHTS: Array<[ApplicationType, number]> = [
  ["LABEL_APPROVAL", 0.85],
  ["CERTIFICATE_OF_EXEMPTION", 0.07],
  ["DISTINCTIVE_BOTTLE_APPROVAL", 0.03],
  ["RESUBMISSION_AFTER_REJECTION", 0.05],
];

function applicationType(u: number): ApplicationType {
  let cumulative = 0;
  for (const [type, weight] of APPLICATION_WEIGHTS) {
    cumulative += weight;
    if (u < cumulative) return type;
  }
  return APPLICATION_TYPES[0];
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

function dayOfYear(month: MonthRef, day: number): number {
  return Math.round((Date.UTC(month.year, month.month - 1, day) - Date.UTC(month.year, 0, 1)) / 86_400_000) + 1;
}

export function usDate(month: MonthRef, day: number): string {
  return `${pad(month.month, 2)}/${pad(day, 2)}/${month.year}`;
}

/** The COLA with daily sequence `seq` (0-based) completed on `day` of `month`, as first approved. */
export function colaRecord(month: MonthRef, day: number, seq: number): ColaRecord {
  const at = [month.index, day, seq] as const;
  const company = drawCompany(month.index, day, seq);
  const identity = companyIdentity(company, month.index);
  // Popular brands and products are drawn more often, so the same product recurs (refiles).
  const brandIndex = Math.floor(unit(...at, PURPOSE.brand) ** 2 * brandsAt(company, month.index));
  const brand = brandOf(company, brandIndex);
  const product = pick(PRODUCTS_PER_BRAND, ...at, PURPOSE.fanciful);
  const method = choose(RECEIPT_METHODS, ...at, PURPOSE.receiptMethod);
  const family = brand.classType.code.charAt(0);
  const isWine = family === "8";
  const abv = isWine ? 11 + pick(40, ...at, PURPOSE.abv) / 10 : family === "9" ? 4 + pick(60, ...at, PURPOSE.abv) / 10 : 35 + pick(30, ...at, PURPOSE.abv);
  return {
    ttb_id: `${pad(month.year % 100, 2)}${pad(dayOfYear(month, day), 3)}${method}${pad(seq + 1, 6)}`,
    permit_no: company.permitNo,
    serial_number: `${pad(month.year % 100, 2)}${choose(["S", "W", "B", "A"], ...at, PURPOSE.serial)}${pad(1 + pick(999, ...at, PURPOSE.serial, 1), 3)}`,
    completed_date: usDate(month, day),
    fanciful_name: fancifulOf(company, brandIndex, product, month.year),
    brand_name: brand.name,
    origin_code: company.origin.code,
    origin_desc: company.origin.description,
    class_type_code: brand.classType.code,
    class_type_desc: brand.classType.description,
    status: "APPROVED" satisfies ColaStatus,
    application_type: applicationType(unit(...at, PURPOSE.applicationType)).replace(/_/g, " "),
    company_name: identity.name,
    company_address: identity.address,
    alcohol_content: `${abv.toFixed(1)}%`,
    net_contents: isWine ? choose(["750 ML", "1.5 L", "375 ML"], ...at, PURPOSE.size) : family === "9" ? choose(["12 FL OZ", "16 FL OZ"], ...at, PURPOSE.size) : choose(["750 ML", "1 L", "1.75 L"], ...at, PURPOSE.size),
    ...(isWine ? { vintage: String(month.year - 1 - pick(3, ...at, PURPOSE.vintage)), appellation: `${choose(["NAPA VALLEY", "SONOMA COUNTY", "WILLAMETTE VALLEY", "COLUMBIA VALLEY", "FINGER LAKES"], ...at, PURPOSE.vintage, 1)}` } : {}),
  };
}
