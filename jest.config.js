/**
 * Jest: SWC transpiles TypeScript (tsc type-checks separately in `npm run typecheck`).
 * Two projects: `unit` (pure logic, no servers) and `integration` (a real
 * Temporal dev server and MinIO, started by the global setup on loopback).
 */
const swc = ["@swc/jest", { jsc: { target: "es2022", parser: { syntax: "typescript" } }, module: { type: "commonjs" } }];
// "materia" and "materia/testing" are this package: its sources under test (as the "materia-source" export condition does for tsc and tsx).
const moduleNameMapper = { "^materia$": "<rootDir>/src/index.ts", "^materia/testing$": "<rootDir>/src/testing.ts" };
const common = { testEnvironment: "node", transform: { "^.+\\.ts$": swc }, moduleNameMapper };

/** @type {import('jest').Config} */
module.exports = {
  // Generous: integration tests wait for events (never fixed sleeps) and return as soon as they happen,
  // so a long limit only matters on a slow, busy machine. Whole-pipeline tests set their own, longer one.
  testTimeout: 300000,
  maxWorkers: 2,
  // One scratch folder per run for every test's temp files, removed at the end (tests/support/scratch-setup.ts).
  globalSetup: "<rootDir>/tests/support/scratch-setup.ts",
  globalTeardown: "<rootDir>/tests/support/scratch-teardown.ts",
  projects: [
    { ...common, displayName: "unit", testMatch: ["<rootDir>/tests/unit/**/*.test.ts"] },
    {
      ...common,
      displayName: "integration",
      testMatch: ["<rootDir>/tests/integration/**/*.test.ts"],
      // Runs only when at least one integration test is selected.
      globalSetup: "<rootDir>/tests/support/global-setup.ts",
      globalTeardown: "<rootDir>/tests/support/global-teardown.ts",
    },
  ],
};
