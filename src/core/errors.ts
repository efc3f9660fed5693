/**
 * Typed errors of the asset model. Every error says what went wrong and, in
 * `hint`, what to do about it. Pure: no Node built-ins (workflows import this).
 */
export interface ErrorOptions {
  hint?: string;
  cause?: unknown;
}

export class MateriaError extends Error {
  /** Stable machine-readable code, e.g. "PARTITION_KEY". */
  readonly code: string;
  /** What the user should do next. */
  readonly hint: string | undefined;
  /**
   * False for errors that waiting cannot fix (bad input, bad definitions):
   * a step failing with one is not retried. Infrastructure errors stay retryable.
   */
  get retryable(): boolean {
    return true;
  }

  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }

  /** Message plus hint, for CLIs and logs. */
  describe(): string {
    return this.hint ? `${this.message}\n  hint: ${this.hint}` : this.message;
  }
}

/**
 * An error no retry can fix: the input or the code is wrong, not the
 * infrastructure. Throw it (or a subclass) from a transform for a bad
 * landing file, a violated contract, a wrong setting: the step fails at once
 * instead of being retried, and its message and hint reach the user.
 */
export class NonRetryableError extends MateriaError {
  constructor(message: string, options: ErrorOptions & { code?: string } = {}) {
    super(options.code ?? "NON_RETRYABLE", message, options);
  }

  override get retryable(): boolean {
    return false;
  }
}

/** A definition (asset, job, check, schedule, sensor) is malformed. */
export class DefinitionError extends MateriaError {
  constructor(message: string, options?: ErrorOptions) {
    super("DEFINITION", message, options);
  }
}

/** The asset graph is invalid: duplicate key, unknown dependency, cycle, bad mapping. */
export class AssetGraphError extends MateriaError {
  constructor(message: string, options?: ErrorOptions) {
    super("ASSET_GRAPH", message, options);
  }
}

/** A partition key is malformed or outside its definition's range. */
export class PartitionKeyError extends MateriaError {
  constructor(message: string, options?: ErrorOptions) {
    super("PARTITION_KEY", message, options);
  }
}

/** A partition mapping cannot map between two partition definitions, or a mapped key does not exist. */
export class PartitionMappingError extends MateriaError {
  constructor(message: string, options?: ErrorOptions) {
    super("PARTITION_MAPPING", message, options);
  }
}

/** A selection expression does not parse or names unknown assets. */
export class SelectionError extends MateriaError {
  /** The selection text and 0-based column of the problem, when known. */
  readonly input: string | undefined;
  readonly position: number | undefined;

  constructor(message: string, options: ErrorOptions & { input?: string; position?: number } = {}) {
    const caret =
      options.input !== undefined && options.position !== undefined
        ? `\n  ${options.input}\n  ${" ".repeat(options.position)}^`
        : "";
    super("SELECTION", message + caret, options);
    this.input = options.input;
    this.position = options.position;
  }
}

/** A plan cannot be built: e.g. an upstream partition outside the selection has never been materialized. */
export class PlanningError extends MateriaError {
  constructor(message: string, options?: ErrorOptions) {
    super("PLANNING", message, options);
  }
}

/** A materialize function broke its contract (returned nothing, unknown output, ...). */
export class MaterializeError extends MateriaError {
  constructor(message: string, options?: ErrorOptions) {
    super("MATERIALIZE", message, options);
  }
}

/** A blocking asset check failed: nothing was published. */
export class CheckFailedError extends MateriaError {
  constructor(message: string, options?: ErrorOptions) {
    super("CHECK_FAILED", message, options);
  }
}

/** Suggest the closest names to `name` (Levenshtein distance), for "did you mean" hints. */
export function closestNames(name: string, candidates: Iterable<string>, max = 3): string[] {
  const scored: Array<[number, string]> = [];
  for (const candidate of candidates) {
    const distance = levenshtein(name.toLowerCase(), candidate.toLowerCase());
    const limit = Math.max(2, Math.floor(Math.max(name.length, candidate.length) / 2));
    if (distance <= limit || candidate.endsWith(`/${name}`)) scored.push([distance, candidate]);
  }
  return scored
    .sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]))
    .slice(0, max)
    .map(([, candidate]) => candidate);
}

export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const closest = closestNames(name, candidates);
  return closest.length > 0 ? `did you mean ${closest.map((c) => `"${c}"`).join(" or ")}?` : undefined;
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
