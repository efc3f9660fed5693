/** Every scenario, in the order the suite runs them (the runner's arguments are their names). */
import type { Scenario } from "../scenario";
import { alertOutage } from "./alert-outage";
import { badFiles } from "./bad-files";
import { minioOutage } from "./minio-outage";
import { secretsScenario } from "./secrets";
import { serverKill } from "./server-kill";
import { simultaneousTriggers } from "./simultaneous-triggers";
import { workerKill } from "./worker-kill";

export const SCENARIOS: readonly Scenario[] = [workerKill, serverKill, minioOutage, badFiles, simultaneousTriggers, alertOutage, secretsScenario];
