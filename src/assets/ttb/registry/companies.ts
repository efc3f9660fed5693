/**
 * The applicant universe: companies (permit holders), their brands and
 * products. Everything is a pure function of the company index and the month,
 * so a company's name and address at any month are reproducible: some
 * companies rename, some move, at their own deterministic pivot months.
 */
import { CLASS_TYPES, ORIGINS, STATE_OF_ORIGIN, type ClassType, type Origin } from "../reference";
import { choose, pick, PURPOSE, unit } from "./random";

export const COMPANY_COUNT = 6000;

/** Companies filing by a month: the applicant base grows ~15 a month (new distilleries, wineries, breweries). */
export function activeCompanies(month: number): number {
  return Math.min(COMPANY_COUNT, 1500 + 15 * month);
}

/** Brands a company has by a month: its first ones, plus one every four years. */
export function brandsAt(company: Company, month: number): number {
  return company.brandCount + Math.floor(month / 48);
}

const FIRST_WORDS = ["Copper", "Stone", "Old", "Silver", "Red", "Black", "Golden", "River", "Oak", "Pine", "Iron", "Blue", "Wild", "High", "Hidden", "Twin", "North", "Eagle", "Bear", "Cedar"];
const SECOND_WORDS = ["Creek", "Hill", "Barrel", "Valley", "Ridge", "Springs", "Harbor", "Hollow", "Mill", "Field", "Canyon", "Crown", "Lantern", "Anchor", "Meadow", "Forge"];
const COMPANY_SUFFIXES = ["Distillery", "Spirits", "Winery", "Brewing Co", "Cellars", "Beverage Co", "Distilling Co"];
const LEGAL_FORMS = ["LLC", "Inc", "Corp", "Holdings LLC", "& Sons Inc", "Group LLC"];
const STREETS = ["Main St", "Market St", "Industrial Pkwy", "Distillery Rd", "Vineyard Ln", "Harbor Blvd", "Commerce Dr", "Mill Rd"];
const CITIES = ["Springfield", "Franklin", "Greenville", "Bristol", "Clinton", "Fairview", "Madison", "Georgetown", "Salem", "Riverside"];
const BRAND_WORDS = ["Heritage", "Reserve", "Frontier", "Legacy", "Harvest", "Summit", "Coastal", "Prairie", "Timber", "Lucky", "Midnight", "Sunrise", "Thunder", "Velvet", "Rebel", "Sterling"];
const FANCIFUL_WORDS = ["Small Batch", "Single Barrel", "Cask Strength", "Bottled in Bond", "Barrel Proof", "Limited Edition", "Private Select", "Double Oaked", "Rosé", "Brut", "IPA", "Lager", "Stout", "Pilsner", "Añejo", "Spiced"];

export type PermitKind = "DSP" | "BWN" | "BR";

export interface Company {
  index: number;
  permitNo: string;
  kind: PermitKind;
  origin: Origin;
  state: string;
  brandCount: number;
}

export interface CompanyIdentity {
  name: string;
  address: string;
}

const DOMESTIC = ORIGINS.filter((origin) => origin.isDomestic);
const IMPORTED = ORIGINS.filter((origin) => !origin.isDomestic);

export function companyAt(index: number): Company {
  const kindDraw = pick(10, index, PURPOSE.kind);
  const kind: PermitKind = kindDraw < 6 ? "DSP" : kindDraw < 9 ? "BWN" : "BR";
  const domestic = choose(DOMESTIC, index, PURPOSE.origin);
  const state = STATE_OF_ORIGIN[domestic.code] ?? "CA";
  // Importers hold a US permit but their products carry a foreign origin.
  const origin = unit(index, PURPOSE.origin, 1) < 0.15 ? choose(IMPORTED, index, PURPOSE.origin, 2) : domestic;
  return { index, permitNo: `${kind}-${state}-${20000 + index}`, kind, origin, state, brandCount: 1 + pick(8, index, PURPOSE.brandCount) };
}

/** Months since 2000-01, the generator's time axis. */
export function monthIndex(year: number, month: number): number {
  return (year - 2000) * 12 + (month - 1);
}

/** How many times the company changed a trait by `month`: one pivot every 24–96 months, for a fifth of companies. */
function versionAt(index: number, purpose: number, month: number): number {
  if (unit(index, purpose) >= 0.2) return 0;
  const period = 24 + pick(72, index, purpose, 1);
  const offset = pick(period, index, purpose, 2);
  return Math.max(0, Math.floor((month + offset) / period));
}

/** The company's name and address as registered in the given month. */
export function companyIdentity(company: Company, month: number): CompanyIdentity {
  const i = company.index;
  const nameVersion = versionAt(i, PURPOSE.rename, month);
  const addressVersion = versionAt(i, PURPOSE.move, month);
  const first = choose(FIRST_WORDS, i, PURPOSE.words, 1);
  const second = choose(SECOND_WORDS, i, PURPOSE.words, 2);
  const suffix = choose(COMPANY_SUFFIXES, i, PURPOSE.words, 3);
  const legal = choose(LEGAL_FORMS, i, PURPOSE.words, 4, nameVersion);
  const name = `${first} ${second} ${suffix} ${legal}`.toUpperCase();
  const street = `${100 + pick(9800, i, PURPOSE.move, 3, addressVersion)} ${choose(STREETS, i, PURPOSE.move, 4, addressVersion)}`;
  const city = choose(CITIES, i, PURPOSE.move, 5, addressVersion);
  const zip = String(10000 + pick(89999, i, PURPOSE.move, 6, addressVersion));
  return { name, address: `${street}, ${city}, ${company.state} ${zip}`.toUpperCase() };
}

const FAMILY_DIGITS: Record<PermitKind, string[]> = { DSP: ["1", "2", "3", "4", "5", "6", "7"], BWN: ["8"], BR: ["9"] };

/** A brand's name and class/type are stable: brands recur across years. */
export function brandOf(company: Company, brand: number): { name: string; classType: ClassType } {
  const words = `${choose(FIRST_WORDS, company.index, PURPOSE.brand, brand, 1)} ${choose(BRAND_WORDS, company.index, PURPOSE.brand, brand, 2)}`;
  const digit = choose(FAMILY_DIGITS[company.kind], company.index, PURPOSE.classType, brand);
  const classType = choose(
    CLASS_TYPES.filter((c) => c.code.startsWith(digit)),
    company.index,
    PURPOSE.classType,
    brand,
    1,
  );
  return { name: words.toUpperCase(), classType };
}

/** Products 0–2 of a brand are its standing lines; 3–5 are yearly editions ("SINGLE BARREL 2019"), a new SKU each year. */
export const PRODUCTS_PER_BRAND = 6;

export function fancifulOf(company: Company, brand: number, product: number, year: number): string {
  const name = choose(FANCIFUL_WORDS, company.index, PURPOSE.fanciful, brand, product).toUpperCase();
  return product < 3 ? name : `${name} ${year}`;
}

/** Popular (older) companies file more: a skewed draw over the companies active in the month. */
export function drawCompany(month: number, ...coordinates: number[]): Company {
  const u = unit(month, ...coordinates, PURPOSE.company);
  return companyAt(Math.floor(u * u * activeCompanies(month)));
}
