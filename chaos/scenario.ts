/**
 * One fault scenario: a name (the runner's argument), a title (the table
 * row), and a `run` that builds its world in a Lab, breaks something, and
 * records figures and problems. `runScenario` turns any exception into a
 * problem, always stops the scenario's processes, and removes its state
 * unless it failed (then the logs are kept and their folder is printed).
 */
import { rmSync } from "node:fs";
import { Lab, type Figure } from "./support/lab";

export interface SuiteOptions {
  /** The suite's folder for this invocation (state of every scenario, the market cache). */
  root: string;
  /** Smaller sizes (fewer months) where the scenario allows it: the CI subset. */
  small: boolean;
}

export interface Scenario {
  name: string;
  title: string;
  run(lab: Lab, options: SuiteOptions): Promise<void>;
}

export interface ScenarioResult {
  name: string;
  title: string;
  ok: boolean;
  seconds: number;
  figures: Array<[string, Figure]>;
  problems: string[];
  details: string[];
  /** Where its state and logs are (kept only when it failed). */
  dir: string;
}

export async function runScenario(scenario: Scenario, options: SuiteOptions): Promise<ScenarioResult> {
  const lab = new Lab(scenario.name, options.root);
  const started = Date.now();
  try {
    await scenario.run(lab, options);
  } catch (error) {
    lab.problem(error instanceof Error ? (error.stack ?? error.message) : String(error));
  } finally {
    await lab.close();
  }
  const ok = lab.problems.length === 0;
  if (ok) rmSync(lab.dir, { recursive: true, force: true });
  return { name: scenario.name, title: scenario.title, ok, seconds: (Date.now() - started) / 1000, figures: [...lab.figures], problems: lab.problems, details: lab.details, dir: lab.dir };
}
