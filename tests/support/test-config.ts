/** A MateriaConfig pointed at the servers the integration global setup started. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, type MateriaConfig } from "../../src/config";

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: integration tests run under tests/support/global-setup.ts`);
  return value;
}

export function testConfig(overrides: Record<string, string> = {}): MateriaConfig {
  const home = mkdtempSync(join(tmpdir(), "materia-it-"));
  return loadConfig({
    readDotenv: false,
    env: {
      MATERIA_HOME: home,
      MATERIA_STORAGE_URL: `file://${join(home, "lake")}`,
      TEMPORAL_ADDRESS: requireEnv("MATERIA_TEST_TEMPORAL_ADDRESS"),
      MATERIA_TASK_QUEUE: `materia-test-${Math.random().toString(36).slice(2, 10)}`,
      MATERIA_LOG_LEVEL: "warn",
      ...overrides,
    },
  });
}
