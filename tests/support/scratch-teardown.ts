import type {} from "./scratch-setup";
import { rmSync } from "node:fs";

/** Remove the run's scratch folder (scratch-setup.ts). */
export default function scratchTeardown(): void {
  const folder = globalThis.__materiaTestScratch;
  if (folder) rmSync(folder, { recursive: true, force: true });
}
