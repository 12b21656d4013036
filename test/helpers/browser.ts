// Headless Chromium for the dashboard tests: Debian's `chromium` driven by puppeteer-core (no browser download).
import { existsSync } from "node:fs";
import puppeteer, { type Browser, type Page } from "puppeteer-core";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

/**
 * The browser to drive: CHROMIUM_PATH, else the first one installed. Missing locally, the tests are
 * skipped loudly; missing in CI (`CI` set), they fail, so a broken install never passes as a skip.
 */
export function chromiumPath(): string | null {
  const found = [process.env.CHROMIUM_PATH, ...CANDIDATES].find((p) => p && existsSync(p)) ?? null;
  if (!found && process.env.CI)
    throw new Error(
      "CI is set but no Chromium was found (apt-get install -y chromium, or set CHROMIUM_PATH)",
    );
  if (!found)
    console.warn(
      "\n  SKIPPED: the dashboard's browser tests need Chromium (apt-get install -y chromium, or set CHROMIUM_PATH)\n",
    );
  return found;
}

export async function launchBrowser(executablePath: string): Promise<Browser> {
  return puppeteer.launch({
    executablePath,
    headless: true,
    // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
  });
}

/** Console errors and uncaught exceptions of a page, collected for the test to assert on. */
export function watchConsole(page: Page, ignore: (text: string, url: string) => boolean): string[] {
  const problems: string[] = [];
  page.on("console", (m) => {
    const url = m.location().url ?? "";
    if (m.type() === "error" && !ignore(m.text(), url)) problems.push(`${m.text()} (${url})`);
  });
  page.on("pageerror", (e) => problems.push(`uncaught: ${(e as Error).message}`));
  return problems;
}
