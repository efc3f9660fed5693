/**
 * Every test's scratch files live in one folder per `jest` run: TMPDIR points
 * there before the workers start, so the many `mkdtemp(tmpdir())` of the
 * suites (lakes, homes, vendor files, browser profiles) land inside it and
 * scratch-teardown.ts removes them all, including those of a test that
 * failed before its own clean-up.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

declare global {
  var __materiaTestScratch: string | undefined;
}

export default function scratchSetup(): void {
  const folder = mkdtempSync(join(tmpdir(), "materia-tests-"));
  globalThis.__materiaTestScratch = folder;
  process.env.TMPDIR = folder;
}
