/**
 * Run configuration: a run's `config: { "<asset key or step name>": {...} }`
 * checked against the steps' `config` schemas when the run is planned, so a
 * wrong field fails before anything starts, naming the asset and the field.
 * Steps receive their raw config and parse it again (the parsed value may
 * hold things JSON does not, such as Dates).
 */
import { PlanningError, type Definitions } from "../core";

export type RunConfig = Record<string, unknown>;

/** Validate `given` for the steps a run plans; throws PlanningError (never retried) on the first problem. */
export function validateRunConfig(definitions: Definitions, steps: readonly string[], given: RunConfig | undefined): void {
  const planned = new Set(steps);
  const known = new Set(definitions.graph.steps().map((step) => step.name));
  for (const name of Object.keys(given ?? {})) {
    // A step of the definitions outside this run is fine (a backfill's config serves its partial re-runs too); an unknown name is a typo.
    if (!known.has(name)) {
      throw new PlanningError(`The run's config names "${name}", which is no asset or step of these definitions.`, { hint: `Config keys are asset keys (a multi-asset's step name), e.g. ${[...planned].slice(0, 3).join(", ")}.` });
    }
    if (!planned.has(name)) continue;
    if (!definitions.graph.step(name).definition.config) {
      throw new PlanningError(`"${name}" takes no config, but the run gives it some.`, { hint: `Declare config: z.object({...}) on the asset, or remove "${name}" from the run's config.` });
    }
  }
  for (const name of planned) parseStepConfig(definitions, name, given?.[name]);
}

/** The step's config as its schema parses it; undefined for a step without a schema. */
export function parseStepConfig(definitions: Definitions, step: string, raw: unknown): unknown {
  const schema = definitions.graph.step(step).definition.config;
  if (!schema) return undefined;
  try {
    return schema.parse(raw ?? {});
  } catch (error) {
    throw new PlanningError(`The run's config for "${step}" is not valid: ${describeIssues(error)}.`, { hint: `Pass it as config: { "${step}": {...} } (CLI: --config file.json).`, cause: error });
  }
}

function describeIssues(error: unknown): string {
  const issues = (error as { issues?: Array<{ path: PropertyKey[]; message: string }> }).issues;
  if (!Array.isArray(issues)) return error instanceof Error ? error.message : String(error);
  return issues.map((issue) => `${issue.path.map(String).join(".") || "(config)"}: ${issue.message}`).join("; ");
}
