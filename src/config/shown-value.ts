/**
 * How a ConfigError shows a bad value. A user who pastes a secret into the
 * wrong variable must not see it echoed to the terminal (or a CI log), so a
 * value is shown in full only for settings that cannot hold secrets, and
 * only when it does not look like one; anything else is described, not shown.
 */
import type { SettingSpec } from "./settings";

/** Longer than any valid enum, number, boolean or size: a value this long was pasted from elsewhere. */
const MAX_SHOWN_LENGTH = 24;
/** A run of token characters mixing letters and digits, as API keys, passwords and hashes do. */
const TOKEN_RUN = /[A-Za-z0-9_+/=-]{16,}/;
const URL_SCHEME = /^([a-z][a-z0-9+.-]{0,9}):\/\//i;

export function looksLikeSecret(value: string): boolean {
  if (value.length > MAX_SHOWN_LENGTH) return true;
  const run = TOKEN_RUN.exec(value)?.[0];
  return run !== undefined && /[A-Za-z]/.test(run) && /\d/.test(run);
}

/** A short form that reveals nothing secret: the URL scheme at most, and the length. */
export function redactedForm(value: string): string {
  const scheme = URL_SCHEME.exec(value)?.[1];
  return scheme !== undefined ? `"${scheme}://…" (${value.length} characters)` : `a value of ${value.length} characters, not shown`;
}

/** The ` (got …)` suffix of a ConfigIssue's problem, or "" for secrets. */
export function describeBadValue(setting: SettingSpec, raw: string): string {
  if (setting.secret === true) return "";
  if (setting.reveal === true && !looksLikeSecret(raw)) return ` (got "${raw}")`;
  return ` (got ${redactedForm(raw)})`;
}
