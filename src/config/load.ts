/**
 * Load settings from the environment (and an optional `.env`, which the
 * environment overrides), validate them all against SETTINGS and return one
 * typed config. Every problem is reported at once in a ConfigError.
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { parse as parseDotenv } from "dotenv";
import { ConfigError, type ConfigIssue } from "./errors";
import { SETTINGS } from "./settings";
import { describeBadValue, redactedForm } from "./shown-value";

export type StorageConfig =
  | { kind: "file"; url: string; path: string }
  | {
      kind: "s3";
      url: string;
      bucket: string;
      prefix: string;
      endpoint: string | undefined;
      region: string;
      forcePathStyle: boolean;
      accessKeyId: string | undefined;
      secretAccessKey: string | undefined;
    };

export type AlertChannelName = "slack" | "pagerduty" | "webhook";

export interface MateriaConfig {
  home: string;
  storage: StorageConfig;
  temporal: {
    /** Undefined: use the embedded dev server. */
    address: string | undefined;
    namespace: string;
    taskQueue: string;
    /** The code location this process serves (MATERIA_LOCATION). */
    location: string;
    apiKey: string | undefined;
    embeddedPort: number;
    uiPort: number;
    uiUrl: string;
    cliPath: string | undefined;
  };
  /** How long the CLI's watchers keep reconnecting to a Temporal server that went away. */
  cli: { reconnectWindowSeconds: number };
  /** The asset UI (`materia ui`). */
  ui: { port: number };
  minio: { binaryPath: string | undefined; port: number; consolePort: number; bucket: string };
  /** Explicit tool binaries (else built into <home>/bin, else PATH). */
  toolOverrides: { temporal: string | undefined; minio: string | undefined; "docker-compose": string | undefined };
  /** `infraRetrySeconds`: how long a step waits out an object-store outage before it counts as an attempt. */
  worker: { maxConcurrentActivities: number; maxCachedWorkflows: number; infraRetrySeconds: number };
  duckdb: { memoryLimit: string; threads: number | undefined; tempDir: string };
  log: { level: "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent"; format: "auto" | "json" | "pretty" };
  alerts: {
    slackWebhookUrl: string | undefined;
    pagerduty: { routingKey: string | undefined; url: string };
    webhook: { url: string | undefined; secret: string | undefined };
    routes: { error: AlertChannelName[]; warn: AlertChannelName[] };
  };
}

export interface LoadConfigOptions {
  /** Defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** Folder holding `.env` and against which relative paths resolve. Defaults to cwd. */
  cwd?: string;
  /** Read `<cwd>/.env`. Default true. */
  readDotenv?: boolean;
}

const SUPPORTED_STORAGE = "file://<folder> or s3://<bucket>/<prefix>";
const CHANNELS: readonly AlertChannelName[] = ["slack", "pagerduty", "webhook"];

export function loadConfig(options: LoadConfigOptions = {}): MateriaConfig {
  const cwd = options.cwd ?? process.cwd();
  const env = { ...readDotenvFile(cwd, options.readDotenv ?? true), ...definedOnly(options.env ?? process.env) };
  const issues: ConfigIssue[] = [];
  const values: Record<string, unknown> = {};

  for (const setting of SETTINGS) {
    const raw = env[setting.env] ?? ("default" in setting ? setting.default : undefined);
    const result = setting.schema.safeParse(raw === "" ? undefined : raw);
    if (result.success) {
      values[setting.env] = result.data;
    } else {
      const problem = raw === undefined ? "is required" : `${result.error.issues.map((i) => i.message).join("; ")}${describeBadValue(setting, raw)}`;
      issues.push({ variable: setting.env, problem, example: setting.example });
    }
  }
  const get = <T>(name: string): T => values[name] as T;

  const home = resolvePath(cwd, get<string>("MATERIA_HOME"));
  // The default lake lives in MATERIA_HOME, wherever that is; an explicit relative file:// URL is relative to the cwd.
  const storageUrl = get<string | undefined>("MATERIA_STORAGE_URL");
  const storage = storageUrl === undefined ? { kind: "file" as const, url: `file://${join(home, "lake")}`, path: join(home, "lake") } : parseStorage(cwd, storageUrl, get, issues);
  const webhookUrl = get<string | undefined>("MATERIA_WEBHOOK_URL");
  const webhookSecret = get<string | undefined>("MATERIA_WEBHOOK_SECRET");
  if (webhookUrl !== undefined && webhookSecret === undefined) {
    issues.push({ variable: "MATERIA_WEBHOOK_SECRET", problem: "is required when MATERIA_WEBHOOK_URL is set (the webhook body is HMAC-signed)", example: "a-long-random-shared-secret" });
  }
  const configured: Record<AlertChannelName, boolean> = {
    slack: get("MATERIA_SLACK_WEBHOOK_URL") !== undefined,
    pagerduty: get("MATERIA_PAGERDUTY_ROUTING_KEY") !== undefined,
    webhook: webhookUrl !== undefined,
  };
  const routes = parseRoutes(get<string | undefined>("MATERIA_ALERT_ROUTES"), configured, issues);

  if (issues.length > 0) throw new ConfigError(issues);

  const uiPort = get<number>("MATERIA_TEMPORAL_UI_PORT");
  return {
    home,
    storage,
    temporal: {
      address: get("TEMPORAL_ADDRESS"),
      namespace: get("TEMPORAL_NAMESPACE"),
      taskQueue: get("MATERIA_TASK_QUEUE"),
      location: get("MATERIA_LOCATION"),
      apiKey: get("TEMPORAL_API_KEY"),
      embeddedPort: get("MATERIA_TEMPORAL_PORT"),
      uiPort,
      uiUrl: get<string | undefined>("MATERIA_TEMPORAL_UI_URL") ?? `http://127.0.0.1:${uiPort}`,
      cliPath: get("MATERIA_TEMPORAL_CLI"),
    },
    cli: { reconnectWindowSeconds: get("MATERIA_CLI_RECONNECT_SECONDS") },
    ui: { port: get("MATERIA_UI_PORT") },
    minio: {
      binaryPath: get("MATERIA_MINIO"),
      port: get("MATERIA_MINIO_PORT"),
      consolePort: get("MATERIA_MINIO_CONSOLE_PORT"),
      bucket: get("MATERIA_MINIO_BUCKET"),
    },
    toolOverrides: { temporal: get("MATERIA_TEMPORAL_CLI"), minio: get("MATERIA_MINIO"), "docker-compose": get("MATERIA_DOCKER_COMPOSE") },
    worker: {
      maxConcurrentActivities: get("MATERIA_WORKER_MAX_ACTIVITIES"),
      maxCachedWorkflows: get("MATERIA_WORKER_MAX_CACHED_WORKFLOWS"),
      infraRetrySeconds: get("MATERIA_INFRA_RETRY_SECONDS"),
    },
    duckdb: {
      memoryLimit: get("MATERIA_DUCKDB_MEMORY_LIMIT"),
      threads: get("MATERIA_DUCKDB_THREADS"),
      tempDir: resolvePath(cwd, get<string | undefined>("MATERIA_DUCKDB_TEMP_DIR") ?? `${home}/tmp/duckdb`),
    },
    log: { level: get("MATERIA_LOG_LEVEL"), format: get("MATERIA_LOG_FORMAT") },
    alerts: {
      slackWebhookUrl: get("MATERIA_SLACK_WEBHOOK_URL"),
      pagerduty: { routingKey: get("MATERIA_PAGERDUTY_ROUTING_KEY"), url: get("MATERIA_PAGERDUTY_URL") },
      webhook: { url: webhookUrl, secret: webhookSecret },
      routes,
    },
  };
}

function parseStorage(cwd: string, url: string, get: <T>(name: string) => T, issues: ConfigIssue[]): StorageConfig {
  if (url.startsWith("file://")) {
    const path = url.slice("file://".length);
    if (path === "") {
      issues.push({ variable: "MATERIA_STORAGE_URL", problem: "file:// needs a folder", example: "file://.materia/lake" });
    }
    return { kind: "file", url, path: resolvePath(cwd, path || ".") };
  }
  const s3 = /^s3:\/\/([a-z0-9][a-z0-9.-]{2,62})(?:\/(.*))?$/.exec(url);
  if (s3) {
    const endpoint = get<string | undefined>("MATERIA_S3_ENDPOINT");
    return {
      kind: "s3",
      url,
      bucket: s3[1] ?? "",
      prefix: (s3[2] ?? "").replace(/\/+$/, ""),
      endpoint,
      region: get("MATERIA_S3_REGION"),
      forcePathStyle: get<boolean | undefined>("MATERIA_S3_FORCE_PATH_STYLE") ?? endpoint !== undefined,
      accessKeyId: get("AWS_ACCESS_KEY_ID"),
      secretAccessKey: get("AWS_SECRET_ACCESS_KEY"),
    };
  }
  // Never the URL itself: it may be a secret pasted into the wrong variable. A short scheme says enough.
  const scheme = /^([a-z][a-z0-9+.-]{0,9}):\/\//i.exec(url)?.[1];
  issues.push({
    variable: "MATERIA_STORAGE_URL",
    problem: scheme ? `unsupported scheme "${scheme}://"; supported: ${SUPPORTED_STORAGE}` : `not a storage URL (got ${redactedForm(url)}); supported: ${SUPPORTED_STORAGE}`,
    example: "file://.materia/lake",
  });
  return { kind: "file", url, path: cwd };
}

function parseRoutes(
  text: string | undefined,
  configured: Record<AlertChannelName, boolean>,
  issues: ConfigIssue[],
): { error: AlertChannelName[]; warn: AlertChannelName[] } {
  const enabled = CHANNELS.filter((c) => configured[c]);
  if (text === undefined) {
    return { error: enabled, warn: enabled.filter((c) => c !== "pagerduty") };
  }
  const routes: { error: AlertChannelName[]; warn: AlertChannelName[] } = { error: [], warn: [] };
  for (const part of text.split(";")) {
    const [severity, list] = part.split("=") as ["error" | "warn", string];
    for (const name of list.split(",").filter(Boolean)) {
      if (!CHANNELS.includes(name as AlertChannelName)) {
        issues.push({ variable: "MATERIA_ALERT_ROUTES", problem: `unknown channel "${name.slice(0, 12)}${name.length > 12 ? "…" : ""}"; channels: ${CHANNELS.join(", ")}`, example: "error=pagerduty,slack;warn=slack" });
      } else if (!configured[name as AlertChannelName]) {
        issues.push({ variable: "MATERIA_ALERT_ROUTES", problem: `routes ${severity} alerts to "${name}", which is not configured`, example: "error=slack" });
      } else {
        routes[severity].push(name as AlertChannelName);
      }
    }
  }
  return routes;
}

function readDotenvFile(cwd: string, enabled: boolean): Record<string, string> {
  const file = resolve(cwd, ".env");
  return enabled && existsSync(file) ? parseDotenv(readFileSync(file)) : {};
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

function resolvePath(cwd: string, path: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}
