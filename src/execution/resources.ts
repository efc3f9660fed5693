/**
 * Building a code location's resources once per process: each resource's
 * settings schema validates the environment, then `setup` runs; `teardown`
 * runs at shutdown, in reverse order. A missing or invalid setting fails
 * before anything starts, naming the resource and the field (never the
 * value: a resource's settings are often secrets).
 */
import type { Definitions } from "../core";
import { RuntimeError } from "../utils/errors";

export class ResourceSetupError extends RuntimeError {
  constructor(resource: string, problem: string, cause?: unknown) {
    super("CONFIG", `Resource "${resource}" could not be set up: ${problem}`, { hint: "Set the resource's environment variables (see its config schema) in the environment or .env.", cause });
  }
}

export interface BuiltResources {
  values: Record<string, unknown>;
  teardown: () => Promise<void>;
}

export async function buildResources(definitions: Definitions, env: NodeJS.ProcessEnv = process.env, overrides: Record<string, unknown> = {}): Promise<BuiltResources> {
  const values: Record<string, unknown> = { ...overrides };
  const built: Array<() => Promise<void>> = [];
  const teardown = async () => {
    for (const step of built.reverse()) await step().catch(() => undefined);
  };
  try {
    for (const resource of definitions.resources.values()) {
      if (resource.name in overrides) continue;
      let settings: unknown = {};
      if (resource.config) {
        try {
          settings = resource.config.parse(env);
        } catch (error) {
          throw new ResourceSetupError(resource.name, describeIssues(error), error);
        }
      }
      try {
        const value = await resource.setup(settings);
        values[resource.name] = value;
        if (resource.teardown) built.push(async () => resource.teardown!(value));
      } catch (error) {
        throw new ResourceSetupError(resource.name, error instanceof Error ? error.message : String(error), error);
      }
    }
  } catch (error) {
    await teardown();
    throw error;
  }
  return { values, teardown };
}

/** zod's issues as "FIELD: problem" (paths and messages only, no input values). */
function describeIssues(error: unknown): string {
  const issues = (error as { issues?: Array<{ path: PropertyKey[]; message: string }> }).issues;
  if (!Array.isArray(issues)) return error instanceof Error ? error.message : String(error);
  return issues.map((issue) => `${issue.path.map(String).join(".") || "(settings)"}: ${issue.message}`).join("; ");
}
