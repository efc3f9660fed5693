/**
 * Errors of the runtime around the model (servers, tools). Same shape as
 * core's MateriaError — `code`, `hint` and `describe()` — so the CLI prints
 * every error the same way.
 */
export class RuntimeError extends Error {
  readonly code: string;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }

  describe(): string {
    return this.hint ? `${this.message}\n  hint: ${this.hint}` : this.message;
  }
}

/** A port we need is already taken. */
export class PortInUseError extends RuntimeError {
  constructor(port: number, what: string, setting: string) {
    super("PORT_IN_USE", `Port ${port} (${what}) is already in use on 127.0.0.1.`, {
      hint: `Stop whatever listens there, or choose another port with ${setting}=<port>.`,
    });
  }
}

/** A server we need cannot be reached. */
export class ServerUnreachableError extends RuntimeError {
  constructor(what: string, address: string, hint: string, cause?: unknown) {
    super("UNREACHABLE", `${what} at ${address} is not reachable.`, { hint, cause });
  }
}

/** A tool binary (Temporal CLI, MinIO) is missing and cannot be built. */
export class ToolMissingError extends RuntimeError {
  constructor(message: string, hint: string) {
    super("TOOL_MISSING", message, { hint });
  }
}
