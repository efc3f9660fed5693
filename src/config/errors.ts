/** One invalid or missing setting: the variable to set and an example value. */
export interface ConfigIssue {
  variable: string;
  problem: string;
  example: string | undefined;
}

/**
 * A bad or missing setting. Lists every invalid field at once so a user
 * fixes them in one go, not one per restart.
 */
export class ConfigError extends Error {
  readonly code = "CONFIG";
  readonly issues: ConfigIssue[];
  readonly hint: string;

  constructor(issues: ConfigIssue[], hint = "Set these in the environment or in .env (see .env.example).") {
    const lines = issues.map(
      (issue) => `  - ${issue.variable}: ${issue.problem}${issue.example === undefined ? "" : ` (e.g. ${issue.variable}=${issue.example})`}`,
    );
    super(`Invalid configuration:\n${lines.join("\n")}`);
    this.name = "ConfigError";
    this.issues = issues;
    this.hint = hint;
  }

  describe(): string {
    return `${this.message}\n  hint: ${this.hint}`;
  }
}
