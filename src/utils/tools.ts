/**
 * The pinned tool binaries materia runs: the Temporal CLI (dev server + Web
 * UI) and MinIO. Each is built with Go from `tools/<name>/go.mod` + `go.sum`
 * into `<MATERIA_HOME>/bin/`, only when missing or when the pins changed.
 *
 * Resolution order: explicit override (MATERIA_TEMPORAL_CLI / MATERIA_MINIO)
 * → the built binary → the binary on PATH.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { ToolMissingError } from "./errors";
import { packageRoot } from "./package-root";

export type ToolName = "temporal" | "minio" | "docker-compose";

interface ToolSpec {
  title: string;
  goPackage: string;
  overrideVariable: string;
  approxBuildMinutes: number;
}

export const TOOLS: Record<ToolName, ToolSpec> = {
  temporal: {
    title: "Temporal CLI v1.5.1 (dev server + Web UI)",
    goPackage: "github.com/temporalio/cli/cmd/temporal",
    overrideVariable: "MATERIA_TEMPORAL_CLI",
    approxBuildMinutes: 6,
  },
  minio: {
    title: "MinIO (S3-compatible object store)",
    goPackage: "github.com/minio/minio",
    overrideVariable: "MATERIA_MINIO",
    approxBuildMinutes: 4,
  },
  "docker-compose": {
    title: "Docker Compose v2.40.3 (validates docker-compose.yml; no engine needed)",
    goPackage: "github.com/docker/compose/v2/cmd",
    overrideVariable: "MATERIA_DOCKER_COMPOSE",
    approxBuildMinutes: 4,
  },
};

export interface ResolvedTool {
  path: string;
  source: "override" | "built" | "path";
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function builtToolPath(home: string, name: ToolName): string {
  return join(home, "bin", name);
}

/** Find a usable binary, or undefined. An override that does not exist is an error, not a fallback. */
export function resolveTool(name: ToolName, home: string, override?: string): ResolvedTool | undefined {
  if (override !== undefined) {
    if (!isExecutable(override)) {
      throw new ToolMissingError(`${TOOLS[name].overrideVariable}=${override} is not an executable file.`, `Fix the path, or unset ${TOOLS[name].overrideVariable} to use the built one.`);
    }
    return { path: override, source: "override" };
  }
  const built = builtToolPath(home, name);
  if (isExecutable(built)) return { path: built, source: "built" };
  const onPath = findOnPath(name);
  return onPath ? { path: onPath, source: "path" } : undefined;
}

export function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && isExecutable(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

/** sha256 of the tool's go.mod + go.sum: the build is redone when the pins change. */
function pinsDigest(name: ToolName): string {
  const dir = join(packageRoot(), "tools", toolFolder(name));
  return createHash("sha256").update(readFileSync(join(dir, "go.mod"))).update(readFileSync(join(dir, "go.sum"))).digest("hex");
}

export function isToolBuildCurrent(home: string, name: ToolName): boolean {
  const stamp = `${builtToolPath(home, name)}.pins`;
  return isExecutable(builtToolPath(home, name)) && existsSync(stamp) && readFileSync(stamp, "utf8").trim() === pinsDigest(name);
}

/**
 * Build the tool from its Go module into <home>/bin when missing or stale.
 * Progress goes to `say`; Go's own output is shown only on failure.
 */
export async function ensureToolBuilt(name: ToolName, home: string, say: (line: string) => void = console.error): Promise<string> {
  const target = builtToolPath(home, name);
  if (isToolBuildCurrent(home, name)) return target;
  const go = findOnPath("go");
  if (!go) {
    throw new ToolMissingError(
      `Cannot build ${TOOLS[name].title}: no Go toolchain on PATH.`,
      `Install Go 1.25+ (https://go.dev/dl/) and re-run, or point ${TOOLS[name].overrideVariable} at an existing '${name}' binary, or put one on PATH.`,
    );
  }
  mkdirSync(join(home, "bin"), { recursive: true });
  const partial = `${target}.partial`;
  say(`materia: building ${TOOLS[name].title} from tools/${toolFolder(name)}/go.mod (first build takes ~${TOOLS[name].approxBuildMinutes} min on 2 cores)…`);
  const started = Date.now();
  const output = await runGo(go, ["build", "-trimpath", "-o", partial, TOOLS[name].goPackage], join(packageRoot(), "tools", toolFolder(name)));
  if (output.code !== 0) {
    rmSync(partial, { force: true });
    throw new ToolMissingError(`Building ${TOOLS[name].title} failed (go exit ${output.code}):\n${output.tail}`, `Check network access to the Go module proxy (GOPROXY), or set ${TOOLS[name].overrideVariable}.`);
  }
  renameSync(partial, target);
  writeFileSync(`${target}.pins`, pinsDigest(name) + "\n");
  say(`materia: built ${target} in ${Math.round((Date.now() - started) / 1000)} s`);
  return target;
}

/** tools/<folder> holding the tool's go.mod. */
function toolFolder(name: ToolName): string {
  return name === "docker-compose" ? "compose" : name;
}

function runGo(go: string, args: string[], cwd: string): Promise<{ code: number; tail: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(go, args, {
      cwd,
      env: { ...process.env, GOFLAGS: "-buildvcs=false -mod=readonly"},
      stdio: ["ignore", "pipe", "pipe"],
    });
    let tail = "";
    const keep = (chunk: Buffer): void => {
      tail = (tail + chunk.toString("utf8")).slice(-4000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? 1, tail }));
  });
}
