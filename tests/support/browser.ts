/**
 * A headless Chromium for the UI tests: Debian's `chromium` (CI installs it;
 * `.ci/run`), or the browser MATERIA_CHROMIUM names, driven by
 * playwright-core. No browser is downloaded. Screenshots go to docs/.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

export const DOCS_DIR = join(__dirname, "..", "..", "docs");

export function chromiumPath(): string {
  const path = process.env.MATERIA_CHROMIUM || "/usr/bin/chromium";
  if (!existsSync(path)) {
    throw new Error(`No Chromium at ${path}: install Debian's chromium (apt-get install -y chromium, as .ci/run does) or set MATERIA_CHROMIUM to a Chromium binary.`);
  }
  return path;
}

export async function launchBrowser(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"] });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(DOCS_DIR, name), fullPage: false });
}

/**
 * Milliseconds the user waits: from starting the navigation until the page
 * has loaded and `selector` is visible (server time, transfer, parsing, layout).
 */
export async function timedGoto(page: Page, url: string, selector: string): Promise<number> {
  const started = performance.now();
  await page.goto(url, { waitUntil: "load" });
  await page.waitForSelector(selector, { state: "visible" });
  return Math.round(performance.now() - started);
}
