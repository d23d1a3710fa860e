/**
 * Real headless Chromium for browser tests: Debian's `/usr/bin/chromium` (or `CHROMIUM_PATH`)
 * driven by playwright-core, with SwiftShader for WebGL. Every launch gets a fresh temporary
 * profile (playwright-core creates the user data dir and deletes it on close); every test should
 * take its own context (`newContext`), which has its own cache, storage and init scripts.
 */
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type ConsoleMessage, type Page } from 'playwright-core';

/** The Chromium binary. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The command-line switches every test browser runs with. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
];

/**
 * What this Chromium says it is, as a headed Chrome says it. Headless Chromium's own user agent
 * names `HeadlessChrome`, and the collector drops headless browsers as bots (reason `bot`), so
 * pages under test present themselves as the ordinary Chrome they are: on the command line, which
 * also covers what the browser sends after a page is gone (`sendBeacon` at `pagehide`), where a
 * context's user-agent override no longer applies. The version does not matter to bot detection.
 */
export const HEADED_USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36';

/** Options of {@link launchChromium}. */
export interface LaunchOptions {
  /**
   * Keep the back/forward cache on (playwright-core turns it off by default), for tests of
   * `pageshow` with `persisted`.
   */
  backForwardCache?: boolean;
}

/** Launch headless Chromium; close it with `browser.close()`. */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, `--user-agent=${HEADED_USER_AGENT}`],
    ignoreDefaultArgs: options.backForwardCache ? ['--disable-back-forward-cache'] : undefined,
  });
}

/** A fresh context and page, with the page's console and errors collected for assertions. */
export interface TestPage {
  context: BrowserContext;
  page: Page;
  /** Console messages as `type: text`. */
  console: string[];
  /** Uncaught exceptions in the page. */
  pageErrors: Error[];
  close(): Promise<void>;
}

/** Open a page in a new context of `browser`. */
export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<TestPage> {
  const context = await browser.newContext({ viewport: { width: 800, height: 600 }, ...options });
  const page = await context.newPage();
  const console: string[] = [];
  const pageErrors: Error[] = [];
  page.on('console', (message: ConsoleMessage) => console.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => pageErrors.push(error));
  return { context, page, console, pageErrors, close: () => context.close() };
}
