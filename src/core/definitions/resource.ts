/**
 * Resources: the clients and handles a pipeline's assets share (a warehouse
 * connection, an API client), declared once in the definitions, built once
 * per worker from validated settings and handed to every step:
 *
 *   const vendorApi = defineResource({
 *     name: "vendor_api",
 *     config: z.object({ VENDOR_API_URL: z.string().url(), VENDOR_API_TOKEN: z.string() }),
 *     setup: (env) => new VendorClient(env.VENDOR_API_URL, env.VENDOR_API_TOKEN),
 *     teardown: (client) => client.close(),
 *   });
 *   // in an asset: const api = vendorApi.from(ctx);
 *
 * The config schema (zod, or anything with `parse`) reads the environment
 * variables it names; a missing or invalid one fails the worker at start
 * with the field named. Tests hand in a fake instead (`materia/testing`).
 */
import { DefinitionError } from "../errors";

/** A schema that validates the environment into the resource's settings (a zod object schema). */
export interface SettingsSchema<C> {
  parse(input: unknown): C;
}

export interface ResourceSpec<T, C> {
  /** `ctx.resources.<name>`; snake_case. */
  name: string;
  description?: string;
  config?: SettingsSchema<C>;
  setup: (config: C) => T | Promise<T>;
  teardown?: (resource: T) => void | Promise<void>;
}

/** Methods, not function properties: a list of resources of different types is a `ResourceDefinition[]`. */
export interface ResourceDefinition<T = unknown, C = unknown> {
  readonly type: "resource";
  name: string;
  description: string | undefined;
  config: SettingsSchema<C> | undefined;
  setup(config: C): T | Promise<T>;
  teardown?(resource: T): void | Promise<void>;
  /** This resource, as built for the step (typed). */
  from(ctx: { resources: Readonly<Record<string, unknown>> }): T;
}

const RESOURCE_NAME = /^[a-z][a-z0-9_]*$/;

export function defineResource<T, C = Record<string, never>>(spec: ResourceSpec<T, C>): ResourceDefinition<T, C> {
  if (typeof spec?.name !== "string" || !RESOURCE_NAME.test(spec.name)) {
    throw new DefinitionError(`Resource name ${JSON.stringify(spec?.name)} is not valid.`, { hint: "Use snake_case: lowercase letters, digits and _, starting with a letter." });
  }
  if (typeof spec.setup !== "function") throw new DefinitionError(`Resource "${spec.name}" has no setup function.`);
  const name = spec.name;
  return {
    type: "resource",
    name,
    description: spec.description,
    config: spec.config,
    setup: spec.setup,
    ...(spec.teardown ? { teardown: spec.teardown } : {}),
    from(ctx) {
      if (!(name in ctx.resources)) {
        throw new DefinitionError(`Resource "${name}" is not available to this step.`, {
          hint: `List it in defineDefinitions({ resources: [...] }) of this code location (known here: ${Object.keys(ctx.resources).join(", ") || "none"}).`,
        });
      }
      return ctx.resources[name] as T;
    },
  };
}
