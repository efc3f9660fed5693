/**
 * pino logging: JSON by default, readable on a terminal, secrets redacted
 * twice over — by field name (pino `redact`) and by value (every known
 * secret string is scrubbed from the serialized line, wherever it appears,
 * e.g. inside an error message or a URL).
 */
import pino, { type Logger } from "pino";
import pretty from "pino-pretty";

export type { Logger } from "pino";

export const REDACTED = "[REDACTED]";

/** Field names whose values are always secret, at any depth we know of. */
const SECRET_FIELDS = [
  "accessKeyId",
  "secretAccessKey",
  "sessionToken",
  "password",
  "secret",
  "apiKey",
  "routingKey",
  "routing_key",
  "webhookUrl",
  "slackWebhookUrl",
  "authorization",
  "Authorization",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_ACCESS_KEY_ID",
  "TEMPORAL_API_KEY",
  "MATERIA_SLACK_WEBHOOK_URL",
  "MATERIA_PAGERDUTY_ROUTING_KEY",
  "MATERIA_WEBHOOK_URL",
  "MATERIA_WEBHOOK_SECRET",
];
const REDACT_PATHS = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`, `headers.${f}`, `req.headers.${f}`]);

export interface LoggerOptions {
  level?: string;
  format?: "auto" | "json" | "pretty";
  /** Secret values to scrub from every line (e.g. from the environment). */
  secrets?: Iterable<string | undefined>;
  /** Where lines go. Default: stderr (stdout is for command output). */
  destination?: NodeJS.WritableStream;
  /** Fields bound to every line. */
  base?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const scrub = secretScrubber(options.secrets ?? []);
  const usePretty = options.format === "pretty" || (options.format !== "json" && process.stderr.isTTY === true && options.destination === undefined);
  const destination = usePretty
    ? pretty({ colorize: true, sync: true, destination: options.destination ?? 2, ignore: "pid,hostname" })
    : (options.destination ?? pino.destination({ dest: 2, sync: true }));
  return pino(
    {
      level: options.level ?? "info",
      base: options.base ?? null,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      hooks: { streamWrite: scrub },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** Binds run/asset/partition so every line of a step carries them. */
export function stepLogger(log: Logger, fields: { runId: string; asset: string; partition?: string | undefined }): Logger {
  return log.child({ runId: fields.runId, asset: fields.asset, partition: fields.partition ?? null });
}

/** A function that replaces each secret value (and its JSON-escaped form) with [REDACTED]. */
export function secretScrubber(secrets: Iterable<string | undefined>): (line: string) => string {
  const values = [...new Set([...secrets].filter((s): s is string => typeof s === "string" && s.length >= 6))];
  const forms = values.flatMap((s) => [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)]);
  const unique = [...new Set(forms)].sort((a, b) => b.length - a.length);
  if (unique.length === 0) return (line) => line;
  const pattern = new RegExp(unique.map(escapeRegExp).join("|"), "g");
  return (line) => line.replace(pattern, REDACTED);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
