/**
 * Generators: a pipeline's own sample-data commands. `materia generate
 * <name> --from <key> --to <key>` runs the generator the loaded definitions
 * contribute, so a shipped or user pipeline brings the landing data it can
 * be tried on without the framework knowing about it.
 */
import { DefinitionError } from "../errors";
import type { AssetLogger, SqlConnection } from "./context";
import type { PartitionsDefinition } from "../partitions/types";

/** Where a generator writes: the object store's writing half. */
export interface LandingWriter {
  readonly description: string;
  putBytes(key: string, data: Uint8Array | string, opts?: { contentType?: string }): Promise<unknown>;
  putFile(key: string, localPath: string, opts?: { contentType?: string }): Promise<unknown>;
  list(prefix: string): Promise<Array<{ key: string; size: number }>>;
}

export interface GeneratorContext {
  store: LandingWriter;
  /** The partitions from --from to --to, in order (keys of the generator's `partitions`). */
  partitions: string[];
  /** A DuckDB session of its own, closed after the generator ends. */
  sql: SqlConnection;
  /** A folder for temporary files, removed after the generator ends. */
  scratchDir: string;
  /** Boolean flags given on the command line (declared in `flags`). */
  flags: Readonly<Record<string, boolean>>;
  log: AssetLogger;
  /** Report progress: the CLI draws a bar. */
  progress(done: number, total: number, label: string): void;
}

export interface GeneratorSpec {
  /** `materia generate <name>`. */
  name: string;
  description?: string;
  /** What --from and --to range over. */
  partitions: PartitionsDefinition;
  /** Boolean command-line flags, e.g. { clean: "no defects" }. */
  flags?: Record<string, string>;
  generate: (ctx: GeneratorContext) => Promise<{ files: number; rows?: number }>;
  /** What `materia demo` (npm start) does with it: generate these partitions, then backfill this job over them. */
  demo?: { job: string; from: string; to: string };
}

export interface GeneratorDefinition extends GeneratorSpec {
  readonly type: "generator";
  flags: Record<string, string>;
}

export function defineGenerator(spec: GeneratorSpec): GeneratorDefinition {
  if (typeof spec?.name !== "string" || !/^[a-z][a-z0-9_-]*$/.test(spec.name)) {
    throw new DefinitionError(`Generator name ${JSON.stringify(spec?.name)} is not valid.`, { hint: "Use lowercase letters, digits, - and _." });
  }
  if (typeof spec.generate !== "function") throw new DefinitionError(`Generator "${spec.name}" has no generate function.`);
  return { ...spec, type: "generator", flags: { ...(spec.flags ?? {}) } };
}
