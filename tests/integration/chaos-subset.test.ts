/**
 * The fault suite's CI subset (the full suite is `npm run chaos`): the same
 * scenario code, with smaller sizes where the scenario allows, against its
 * own real processes. Scenarios 1 (worker SIGKILL), 4 (bad files) and 6
 * (alert receiver down) run here; each prints its row of the table.
 */
import { rmSync } from "node:fs";
import { renderResults } from "../../chaos/report";
import { runScenario, type Scenario } from "../../chaos/scenario";
import { alertOutage } from "../../chaos/scenarios/alert-outage";
import { badFiles } from "../../chaos/scenarios/bad-files";
import { workerKill } from "../../chaos/scenarios/worker-kill";
import { labRoot } from "../../chaos/support/lab";

// Generous: each scenario waits for events and returns as soon as they happen; a busy 2-core machine is slow.
const SCENARIO_TIMEOUT_MS = 15 * 60_000;

describe("fault suite (CI subset)", () => {
  const root = labRoot();
  const options = { root, small: true };
  let failed = false;
  // A failed scenario's logs stay for reading (their folder is in the printed table).
  afterAll(() => failed || rmSync(root, { recursive: true, force: true }));

  const check = async (scenario: Scenario) => {
    const result = await runScenario(scenario, options);
    failed ||= !result.ok;
    console.log(renderResults([result]));
    expect(result.problems).toEqual([]);
  };

  it("1: a worker SIGKILLed twice mid-backfill loses nothing", () => check(workerKill), SCENARIO_TIMEOUT_MS);
  it("4: bad market and TTB files never replace good data", () => check(badFiles), SCENARIO_TIMEOUT_MS);
  it("6: alerts survive a receiver answering 500 for a minute, in order and once", () => check(alertOutage), SCENARIO_TIMEOUT_MS);
});
