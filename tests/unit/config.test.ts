import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, loadConfig, renderEnvExample, SETTINGS } from "../../src/config";

const load = (env: Record<string, string>) => loadConfig({ env, readDotenv: false, cwd: "/srv/materia" });

describe("loadConfig", () => {
  it("gives sensible defaults with an empty environment", () => {
    const config = load({});
    expect(config.storage).toEqual({ kind: "file", url: "file:///srv/materia/.materia/lake", path: "/srv/materia/.materia/lake" });
    expect(config.temporal.address).toBeUndefined();
    expect(config.temporal.uiPort).toBe(8233);
    expect(config.temporal.uiUrl).toBe("http://127.0.0.1:8233");
    expect(config.duckdb.tempDir).toBe("/srv/materia/.materia/tmp/duckdb");
    expect(config.alerts.routes).toEqual({ error: [], warn: [] });
  });

  it("puts the default lake and every other default path in MATERIA_HOME, wherever that is", () => {
    const config = load({ MATERIA_HOME: "/var/lib/materia" });
    expect(config.home).toBe("/var/lib/materia");
    expect(config.storage).toEqual({ kind: "file", url: "file:///var/lib/materia/lake", path: "/var/lib/materia/lake" });
    expect(config.duckdb.tempDir).toBe("/var/lib/materia/tmp/duckdb");
    const relative = load({ MATERIA_HOME: "state" });
    expect(relative.storage).toMatchObject({ kind: "file", path: "/srv/materia/state/lake" });
    expect(relative.duckdb.tempDir).toBe("/srv/materia/state/tmp/duckdb");
  });

  it("resolves an explicit relative file:// URL against the working directory, not MATERIA_HOME", () => {
    const config = load({ MATERIA_HOME: "/var/lib/materia", MATERIA_STORAGE_URL: "file://data/lake" });
    expect(config.storage).toEqual({ kind: "file", url: "file://data/lake", path: "/srv/materia/data/lake" });
  });

  it("keeps reconnecting for at least 10 minutes by default, and the window is configurable", () => {
    expect(load({}).cli.reconnectWindowSeconds).toBeGreaterThanOrEqual(600);
    expect(load({ MATERIA_CLI_RECONNECT_SECONDS: "30" }).cli.reconnectWindowSeconds).toBe(30);
    expect(() => load({ MATERIA_CLI_RECONNECT_SECONDS: "-1" })).toThrow(/MATERIA_CLI_RECONNECT_SECONDS/);
  });

  it("parses an s3:// storage URL with endpoint and path-style", () => {
    const config = load({ MATERIA_STORAGE_URL: "s3://lake/prod/v1/", MATERIA_S3_ENDPOINT: "http://127.0.0.1:9000", AWS_ACCESS_KEY_ID: "key", AWS_SECRET_ACCESS_KEY: "secret" });
    expect(config.storage).toMatchObject({ kind: "s3", bucket: "lake", prefix: "prod/v1", endpoint: "http://127.0.0.1:9000", forcePathStyle: true, accessKeyId: "key" });
  });

  it("lists every invalid setting at once, with the variable and an example", () => {
    let error: unknown;
    try {
      load({ MATERIA_TEMPORAL_UI_PORT: "eighty", MATERIA_LOG_LEVEL: "loud", MATERIA_DUCKDB_MEMORY_LIMIT: "lots" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.issues.map((i) => i.variable).sort()).toEqual(["MATERIA_DUCKDB_MEMORY_LIMIT", "MATERIA_LOG_LEVEL", "MATERIA_TEMPORAL_UI_PORT"]);
    expect(configError.message).toContain("MATERIA_TEMPORAL_UI_PORT");
    expect(configError.message).toContain('got "eighty"');
    expect(configError.message).toMatch(/e\.g\. MATERIA_TEMPORAL_UI_PORT=8233/);
  });

  it("rejects an unknown storage scheme, listing the supported ones", () => {
    expect(() => load({ MATERIA_STORAGE_URL: "gs://bucket/x" })).toThrow(/unsupported scheme "gs:\/\/"; supported: file:\/\/<folder> or s3:\/\/<bucket>\/<prefix>/);
  });

  it("requires the webhook secret when the webhook URL is set", () => {
    expect(() => load({ MATERIA_WEBHOOK_URL: "https://ops.example.com/hook" })).toThrow(/MATERIA_WEBHOOK_SECRET: is required when MATERIA_WEBHOOK_URL is set/);
  });

  it("refuses routes to channels that are not configured", () => {
    expect(() => load({ MATERIA_ALERT_ROUTES: "error=pagerduty" })).toThrow(/routes error alerts to "pagerduty", which is not configured/);
  });

  it("never echoes a secret's value in its error", () => {
    const secret = "not-a-valid-pagerduty-key-but-secret";
    expect(() => load({ MATERIA_PAGERDUTY_ROUTING_KEY: secret })).toThrow(ConfigError);
    try {
      load({ MATERIA_PAGERDUTY_ROUTING_KEY: secret });
    } catch (e) {
      expect((e as Error).message).not.toContain(secret);
      expect((e as Error).message).toContain("MATERIA_PAGERDUTY_ROUTING_KEY");
    }
  });

  it("never echoes a secret pasted into the wrong variable, even a non-secret one", () => {
    const message = (env: Record<string, string>): string => {
      try {
        load(env);
      } catch (e) {
        return (e as ConfigError).describe();
      }
      throw new Error("expected a ConfigError");
    };
    const token = "AKIAIOSFODNN7EXAMPLEwJalrXUtnFEMI";
    // Free-text and URL settings: never the value, only a short redacted form.
    for (const variable of ["TEMPORAL_ADDRESS", "MATERIA_S3_ENDPOINT", "MATERIA_STORAGE_URL", "MATERIA_TEMPORAL_UI_URL", "MATERIA_ALERT_ROUTES"]) {
      const text = message({ [variable]: token });
      expect(text).toContain(variable);
      expect(text).not.toContain(token);
      expect(text).not.toContain(token.slice(0, 8));
    }
    const url = message({ MATERIA_S3_ENDPOINT: "ftp://user:hunter2hunter2@minio.internal:9000" });
    expect(url).not.toContain("hunter2");
    expect(url).toContain('"ftp://…"');
    // Enum, number and size settings show a bad value, unless it looks like a secret.
    expect(message({ MATERIA_LOG_LEVEL: token })).not.toContain(token.slice(0, 8));
    expect(message({ MATERIA_WORKER_MAX_ACTIVITIES: "sk1234567890abcdef" })).not.toContain("sk1234567890abcdef");
    expect(message({ MATERIA_LOG_LEVEL: "loud" })).toContain('got "loud"');
  });

  it("reads .env but lets the environment win", () => {
    const dir = join(__dirname, "..", "fixtures", "dotenv");
    const config = loadConfig({ cwd: dir, env: { MATERIA_TASK_QUEUE: "from-env" } });
    expect(config.temporal.namespace).toBe("from-dotenv");
    expect(config.temporal.taskQueue).toBe("from-env");
  });

  it("keeps .env.example in sync with the settings table", () => {
    const committed = readFileSync(join(__dirname, "..", "..", ".env.example"), "utf8");
    expect(committed).toBe(renderEnvExample());
    for (const setting of SETTINGS) expect(committed).toContain(setting.env);
  });
});
