/**
 * Every materia setting, in one table: environment variable, zod schema,
 * default, example and description. The loader, `.env.example` and the
 * docs are all derived from this table, so they cannot drift apart.
 */
import { z } from "zod";

export interface SettingSpec {
  /** The environment variable. */
  env: string;
  schema: z.ZodType;
  default?: string;
  example: string;
  description: string;
  /** Never printed; redacted from logs. */
  secret?: boolean;
  /**
   * Its values cannot hold a secret (an enum, a number, a boolean, a size),
   * so a bad one is echoed in a ConfigError. Every other setting's bad value
   * is shown only in a short redacted form: a secret pasted into the wrong
   * variable must not reach the terminal.
   */
  reveal?: boolean;
}

const positiveInt = z.coerce.number().int().positive();
const port = z.coerce.number().int().min(1).max(65535);
const bool = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ["true", "false", "1", "0", "yes", "no"].includes(v), "must be true or false")
  .transform((v) => v === "true" || v === "1" || v === "yes");
const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });
const memory = z.string().regex(/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB|%)$/i, "must be a size like 2GB, 512MiB or 75%");

export const SETTINGS = [
  // Storage
  {
    env: "MATERIA_HOME",
    schema: z.string().min(1),
    default: ".materia",
    example: ".materia",
    description: "Folder for local state: tool binaries, the dev server's SQLite file, MinIO data, scratch files and (by default) the lake. Relative to the working directory.",
  },
  {
    env: "MATERIA_STORAGE_URL",
    schema: z.string().min(1).optional(),
    example: "s3://materia-lake/prod",
    description: "Where Parquet data and manifests live: file://<folder> (a relative folder is relative to the working directory) or s3://<bucket>/<prefix>. Default: the folder lake in MATERIA_HOME.",
  },
  {
    env: "MATERIA_S3_ENDPOINT",
    schema: httpUrl.optional(),
    example: "http://127.0.0.1:9000",
    description: "S3 endpoint for S3-compatible stores such as MinIO; unset for AWS S3.",
  },
  { env: "MATERIA_S3_REGION", schema: z.string().min(1), default: "us-east-1", example: "eu-west-1", description: "S3 region." },
  {
    env: "MATERIA_S3_FORCE_PATH_STYLE",
    schema: bool.optional(),
    reveal: true,
    example: "true",
    description: "Path-style S3 URLs (needed by MinIO). Defaults to true when MATERIA_S3_ENDPOINT is set.",
  },
  { env: "AWS_ACCESS_KEY_ID", schema: z.string().min(1).optional(), example: "materia", description: "S3 access key (or use any AWS credential source).", secret: true },
  { env: "AWS_SECRET_ACCESS_KEY", schema: z.string().min(1).optional(), example: "change-me", description: "S3 secret key.", secret: true },
  // Temporal
  {
    env: "TEMPORAL_ADDRESS",
    schema: z.string().regex(/^[^\s:/]+:\d+$/, "must be host:port").optional(),
    example: "temporal.internal:7233",
    description: "A Temporal server to use. Unset: materia starts the embedded dev server. TLS/API key follow Temporal's own variables (TEMPORAL_TLS*, TEMPORAL_API_KEY).",
  },
  { env: "TEMPORAL_NAMESPACE", schema: z.string().min(1), default: "default", example: "materia-prod", description: "Temporal namespace." },
  { env: "TEMPORAL_API_KEY", schema: z.string().min(1).optional(), example: "tcld-…", description: "API key for Temporal Cloud.", secret: true },
  { env: "MATERIA_TASK_QUEUE", schema: z.string().min(1), default: "materia", example: "materia", description: "Task queue the workers poll." },
  {
    env: "MATERIA_LOCATION",
    schema: z.string().regex(/^[a-z][a-z0-9_-]*$/, "must be a code location name (lowercase, digits, - and _)"),
    reveal: true,
    default: "default",
    example: "shop",
    description: "The code location a worker serves (a workspace's materia.config.ts names them; `materia dev` sets it); runs carry it as the search attribute MateriaLocation.",
  },
  { env: "MATERIA_TEMPORAL_PORT", schema: port, reveal: true, default: "7233", example: "7233", description: "gRPC port of the embedded dev server." },
  { env: "MATERIA_TEMPORAL_UI_PORT", schema: port, reveal: true, default: "8233", example: "8233", description: "Web UI port of the embedded dev server." },
  {
    env: "MATERIA_TEMPORAL_UI_URL",
    schema: httpUrl.optional(),
    example: "https://temporal.example.com",
    description: "Web UI base URL used in alert links. Defaults to the embedded dev server's UI.",
  },
  { env: "MATERIA_TEMPORAL_CLI", schema: z.string().min(1).optional(), example: "/usr/local/bin/temporal", description: "Path to a Temporal CLI binary (else <MATERIA_HOME>/bin/temporal, then PATH)." },
  { env: "MATERIA_MINIO", schema: z.string().min(1).optional(), example: "/usr/local/bin/minio", description: "Path to a MinIO binary (else <MATERIA_HOME>/bin/minio, then PATH)." },
  { env: "MATERIA_DOCKER_COMPOSE", schema: z.string().min(1).optional(), example: "/usr/local/bin/docker-compose", description: "Path to a docker-compose v2 binary, used by the tests to validate docker-compose.yml (else <MATERIA_HOME>/bin/docker-compose, then PATH)." },
  { env: "MATERIA_MINIO_PORT", schema: port, reveal: true, default: "9000", example: "9000", description: "S3 API port of the embedded MinIO." },
  { env: "MATERIA_MINIO_CONSOLE_PORT", schema: port, reveal: true, default: "9001", example: "9001", description: "Console port of the embedded MinIO." },
  { env: "MATERIA_MINIO_BUCKET", schema: z.string().regex(/^[a-z0-9][a-z0-9.-]{2,62}$/, "must be a valid S3 bucket name"), default: "materia", example: "materia", description: "Bucket the embedded MinIO creates on start." },
  // Asset UI
  { env: "MATERIA_UI_PORT", schema: port, reveal: true, default: "3000", example: "3000", description: "Port of the asset UI (`materia ui`, also started by `materia dev`); it binds 127.0.0.1 unless `materia ui --host` says otherwise." },
  // CLI
  {
    env: "MATERIA_CLI_RECONNECT_SECONDS",
    schema: z.coerce.number().int().min(0),
    reveal: true,
    default: "600",
    example: "1800",
    description: "How long `materia backfill`, `materialize --wait` and `backfill status` keep reconnecting to a Temporal server that went away before giving up (exit 3). 0: give up at once.",
  },
  // Worker
  { env: "MATERIA_WORKER_MAX_ACTIVITIES", schema: positiveInt, reveal: true, default: "4", example: "4", description: "Activities (asset steps) one worker runs at once." },
  {
    env: "MATERIA_INFRA_RETRY_SECONDS",
    schema: z.coerce.number().int().min(0),
    reveal: true,
    default: "900",
    example: "1800",
    description:
      "How long a step rides out an object-store outage (unreachable, 5xx, throttling) by retrying with backoff before the outage counts as one of the step's attempts. 0: no riding out.",
  },
  { env: "MATERIA_WORKER_MAX_CACHED_WORKFLOWS", schema: positiveInt, reveal: true, default: "200", example: "200", description: "Workflow executions a worker keeps cached." },
  // DuckDB
  { env: "MATERIA_DUCKDB_MEMORY_LIMIT", schema: memory, reveal: true, default: "2GB", example: "4GB", description: "DuckDB memory_limit per step." },
  { env: "MATERIA_DUCKDB_THREADS", schema: positiveInt.optional(), reveal: true, example: "2", description: "DuckDB threads per step (default: CPU count in-process; a worker divides the CPUs among its MATERIA_WORKER_MAX_ACTIVITIES, at least 1)." },
  { env: "MATERIA_DUCKDB_TEMP_DIR", schema: z.string().min(1).optional(), example: "/var/tmp/materia-duckdb", description: "Where DuckDB spills (default: <MATERIA_HOME>/tmp/duckdb)." },
  // Logging
  { env: "MATERIA_LOG_LEVEL", schema: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]), reveal: true, default: "info", example: "debug", description: "Log level." },
  { env: "MATERIA_LOG_FORMAT", schema: z.enum(["auto", "json", "pretty"]), reveal: true, default: "auto", example: "json", description: "json, pretty, or auto (pretty on a terminal, else JSON)." },
  // Alerts
  { env: "MATERIA_SLACK_WEBHOOK_URL", schema: httpUrl.optional(), example: "https://hooks.slack.com/services/T000/B000/XXXX", description: "Slack incoming webhook for alerts.", secret: true },
  { env: "MATERIA_PAGERDUTY_ROUTING_KEY", schema: z.string().regex(/^[A-Za-z0-9]{32}$/, "must be a 32-character Events API v2 integration key").optional(), example: "0123456789abcdef0123456789abcdef", description: "PagerDuty Events API v2 routing key.", secret: true },
  { env: "MATERIA_PAGERDUTY_URL", schema: httpUrl, default: "https://events.pagerduty.com/v2/enqueue", example: "https://events.pagerduty.com/v2/enqueue", description: "PagerDuty Events API v2 endpoint." },
  { env: "MATERIA_WEBHOOK_URL", schema: httpUrl.optional(), example: "https://ops.example.com/hooks/materia", description: "Generic alert webhook (JSON body, HMAC-SHA256 signed).", secret: true },
  { env: "MATERIA_WEBHOOK_SECRET", schema: z.string().min(16, "must be at least 16 characters").optional(), example: "a-long-random-shared-secret", description: "Shared secret for the webhook's HMAC signature.", secret: true },
  {
    env: "MATERIA_ALERT_ROUTES",
    schema: z.string().regex(/^(warn|error)=[a-z,]+(;(warn|error)=[a-z,]+)*$/, "must look like error=pagerduty,slack;warn=slack").optional(),
    example: "error=pagerduty,slack;warn=slack",
    description: "Which channels get which severity. Default: every configured channel gets errors, Slack and webhook get warnings.",
  },
] as const satisfies readonly SettingSpec[];

export type SettingName = (typeof SETTINGS)[number]["env"];

/** Names of the variables whose values must never be printed. */
export const SECRET_SETTINGS: readonly string[] = SETTINGS.filter((s) => "secret" in s && s.secret).map((s) => s.env);
