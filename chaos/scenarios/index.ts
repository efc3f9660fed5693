/** Every scenario, in the order the suite runs them (the runner's arguments are their names). */
import type { Scenario } from "../scenario";
import { workerKill } from "./worker-kill";

export const SCENARIOS: readonly Scenario[] = [workerKill];
