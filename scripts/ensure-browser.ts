/**
 * The asset UI's browser tests drive a system Chromium (no browser download
 * is reachable from these machines). Present — MATERIA_CHROMIUM, or Debian's
 * /usr/bin/chromium — is left alone; missing on a Debian machine where we
 * are root, it is installed with apt-get; otherwise this says what to do.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const DEFAULT_PATH = "/usr/bin/chromium";

function main(): void {
  const named = process.env.MATERIA_CHROMIUM;
  if (named) {
    if (!existsSync(named)) fail(`MATERIA_CHROMIUM names ${named}, which does not exist.`);
    return;
  }
  if (existsSync(DEFAULT_PATH)) return;
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (!root || !existsSync("/usr/bin/apt-get")) {
    fail(`No Chromium at ${DEFAULT_PATH} for the UI's browser tests. Install Debian's chromium (sudo apt-get install chromium), or set MATERIA_CHROMIUM to a Chromium binary.`);
  }
  console.error("materia: installing Debian's chromium for the UI's browser tests (apt-get)…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  execFileSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: ["ignore", "ignore", "inherit"], env });
  if (!existsSync(DEFAULT_PATH)) fail(`apt-get installed chromium, but ${DEFAULT_PATH} is still missing.`);
}

function fail(message: string): never {
  console.error(`materia: ${message}`);
  process.exit(1);
}

main();
