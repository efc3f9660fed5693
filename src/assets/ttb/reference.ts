/**
 * Reference data of the TTB registry shared by the generator and the SQL:
 * class/type codes (the leading digit names the family), origin codes
 * (two-digit state codes are domestic, 60+ are imports), statuses and
 * application types, and the columns a registry extract may carry.
 */

export interface ClassType {
  code: string;
  description: string;
  family: string;
}

/** Family by the code's leading digit. */
export const CLASS_FAMILIES: Record<string, string> = {
  "1": "WHISKY",
  "2": "GIN",
  "3": "VODKA",
  "4": "RUM",
  "5": "BRANDY",
  "6": "CORDIALS AND SPECIALTIES",
  "7": "COCKTAILS",
  "8": "WINE",
  "9": "MALT BEVERAGES",
};

export const CLASS_TYPES: readonly ClassType[] = [
  ["101", "STRAIGHT BOURBON WHISKY"],
  ["102", "STRAIGHT RYE WHISKY"],
  ["121", "BLENDED WHISKY"],
  ["141", "SCOTCH WHISKY"],
  ["151", "IRISH WHISKY"],
  ["201", "DISTILLED GIN"],
  ["211", "LONDON DRY GIN"],
  ["301", "VODKA"],
  ["311", "VODKA - FLAVORED"],
  ["401", "RUM WHITE"],
  ["421", "RUM GOLD"],
  ["431", "FLAVORED RUM"],
  ["501", "GRAPE BRANDY"],
  ["521", "FRUIT BRANDY"],
  ["601", "CORDIALS (FRUIT & PEELS)"],
  ["641", "SPECIALTIES & PROPRIETARIES"],
  ["701", "COCKTAILS 48 PROOF UP"],
  ["711", "COCKTAILS UNDER 48 PROOF"],
  ["801", "TABLE RED WINE"],
  ["802", "TABLE WHITE WINE"],
  ["811", "SPARKLING WINE/CHAMPAGNE"],
  ["821", "DESSERT /PORT/SHERRY/(COOKING) WINE"],
  ["901", "BEER"],
  ["906", "ALE"],
  ["911", "MALT LIQUOR"],
].map(([code, description]) => ({ code: code!, description: description!, family: CLASS_FAMILIES[code!.charAt(0)]! }));

export interface Origin {
  code: string;
  description: string;
  isDomestic: boolean;
}

export const ORIGINS: readonly Origin[] = [
  ["06", "CALIFORNIA", "CA"],
  ["08", "COLORADO", "CO"],
  ["12", "FLORIDA", "FL"],
  ["17", "ILLINOIS", "IL"],
  ["21", "KENTUCKY", "KY"],
  ["26", "MICHIGAN", "MI"],
  ["36", "NEW YORK", "NY"],
  ["37", "NORTH CAROLINA", "NC"],
  ["41", "OREGON", "OR"],
  ["42", "PENNSYLVANIA", "PA"],
  ["47", "TENNESSEE", "TN"],
  ["48", "TEXAS", "TX"],
  ["53", "WASHINGTON", "WA"],
  ["60", "FRANCE", ""],
  ["61", "ITALY", ""],
  ["62", "MEXICO", ""],
  ["63", "UNITED KINGDOM", ""],
  ["64", "IRELAND", ""],
  ["65", "JAPAN", ""],
].map(([code, description, state]) => ({ code: code!, description: description!, isDomestic: state !== "" }));

/** US state abbreviation of each domestic origin code (used in permit numbers and addresses). */
export const STATE_OF_ORIGIN: Record<string, string> = {
  "06": "CA", "08": "CO", "12": "FL", "17": "IL", "21": "KY", "26": "MI", "36": "NY",
  "37": "NC", "41": "OR", "42": "PA", "47": "TN", "48": "TX", "53": "WA",
};

export const STATUSES = ["APPROVED", "EXPIRED", "SURRENDERED", "REVOKED"] as const;
export type ColaStatus = (typeof STATUSES)[number];

/** Canonical application types; the registry prints them with spaces ("LABEL APPROVAL"). */
export const APPLICATION_TYPES = ["LABEL_APPROVAL", "CERTIFICATE_OF_EXEMPTION", "DISTINCTIVE_BOTTLE_APPROVAL", "RESUBMISSION_AFTER_REJECTION"] as const;
export type ApplicationType = (typeof APPLICATION_TYPES)[number];

/** TTB receipt methods: the 3 digits after the day of year in a TTB ID. */
export const RECEIPT_METHODS = ["000", "001", "002", "003"] as const;

/** Every column a registry extract line may carry; anything else is an unknown column. */
export const EXTRACT_COLUMNS = [
  "ttb_id",
  "permit_no",
  "serial_number",
  "completed_date",
  "fanciful_name",
  "brand_name",
  "origin_code",
  "origin_desc",
  "class_type_code",
  "class_type_desc",
  "status",
  "application_type",
  "company_name",
  "company_address",
  "alcohol_content",
  "net_contents",
  "vintage",
  "appellation",
] as const;
export type ExtractColumn = (typeof EXTRACT_COLUMNS)[number];
