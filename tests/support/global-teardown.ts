import type {} from "./global-setup";
import { rmSync } from "node:fs";

export default async function globalTeardown(): Promise<void> {
  const stack = globalThis.__materiaTestStack;
  if (!stack) return;
  await stack.stop();
  rmSync(stack.home, { recursive: true, force: true });
}
