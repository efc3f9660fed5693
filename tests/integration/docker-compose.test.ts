/**
 * docker-compose.yml validated by `docker-compose config` (Compose v2, built
 * from tools/compose): no Docker engine is needed to parse, interpolate and
 * check a compose file against the Compose Specification.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { loadConfig } from "../../src/config";
import { resolveTool } from "../../src/utils/tools";

const ROOT = join(__dirname, "..", "..");

function composeConfig(env: Record<string, string>): { code: number | null; stdout: string; stderr: string } {
  const config = loadConfig({ readDotenv: false });
  const tool = resolveTool("docker-compose", config.home, config.toolOverrides["docker-compose"]);
  if (!tool) throw new Error("docker-compose is not built: run `npm run tools`");
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !["MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD", "POSTGRES_PASSWORD"].includes(k)));
  const result = spawnSync(tool.path, ["-f", join(ROOT, "docker-compose.yml"), "config", "--format", "json"], { encoding: "utf8", env: { ...clean, ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("docker-compose.yml", () => {
  it("is a valid compose file with Temporal on PostgreSQL, the Web UI, MinIO and materia workers", () => {
    const result = composeConfig({ MINIO_ROOT_USER: "materia", MINIO_ROOT_PASSWORD: "a-long-test-secret", POSTGRES_PASSWORD: "pg-secret" });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { services: Record<string, { environment?: Record<string, string>; image?: string; build?: unknown }> };
    expect(Object.keys(parsed.services).sort()).toEqual(["minio", "minio-bucket", "postgresql", "temporal", "temporal-ui", "worker"]);
    expect(parsed.services.worker?.environment).toMatchObject({ TEMPORAL_ADDRESS: "temporal:7233", MATERIA_STORAGE_URL: "s3://materia/lake", MATERIA_S3_ENDPOINT: "http://minio:9000" });
    expect(parsed.services.worker?.build).toBeDefined();
  });

  it("refuses to render without the secrets, naming the missing variable", () => {
    const result = composeConfig({ MINIO_ROOT_USER: "materia", POSTGRES_PASSWORD: "pg-secret" });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("MINIO_ROOT_PASSWORD");
  });
});
