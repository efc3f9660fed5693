/**
 * The landing area of registry extracts: `landing/ttb/YYYY-MM-DD.jsonl`,
 * one file per day, delivered by the registry export and never modified by
 * the pipeline. A re-delivered file gets a new etag.
 */
export const LANDING_PREFIX = "landing/ttb/";

export function landingDayKey(month: string, day: number): string {
  return `${LANDING_PREFIX}${month}-${String(day).padStart(2, "0")}.jsonl`;
}

/** The prefix listing a month's day files: `landing/ttb/2024-03-`. */
export function landingMonthPrefix(month: string): string {
  return `${LANDING_PREFIX}${month}-`;
}

/** The month (YYYY-MM) a landing key belongs to, or undefined for anything else under the prefix. */
export function monthOfLandingKey(key: string): string | undefined {
  return /^landing\/ttb\/(\d{4}-\d{2})-\d{2}\.jsonl$/.exec(key)?.[1];
}
