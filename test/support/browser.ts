/**
 * Browser tests: the app stack served on a real localhost port, driven by a real headless Chromium
 * (the one the npm package @sparticuz/chromium ships, so no system package is needed) through
 * playwright-core. One browser per test file; a fresh context (a phone, 360×740, JavaScript on or
 * off) per opened page. Every request the browser makes is recorded, and one to any other host is
 * refused and fails the test.
 *
 *   const browser = useBrowser();
 *   it("…", async () => {
 *     const page = await browser.openPage("/daftar", { js: false });
 *     await checkPage(page, "daftar"); // accessible, light, local, fits 360 px, screenshot
 *   });
 */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { settings } from "@sigap/core/config/settings";
import chromium from "@sparticuz/chromium";
import {
  type Browser,
  type BrowserContext,
  type Page,
  chromium as playwright,
  type Request,
} from "playwright-core";
import { afterAll, afterEach, beforeAll, vi } from "vitest";
import { serveApi } from "../../packages/local/src/api-server";
import { freePort } from "../../packages/local/src/dynamodb-local";
import { type AppStack, startAppStack } from "./app-stack";

/** The phone every page is opened on: the narrowest common Android width. */
export const PHONE = { width: 360, height: 740 } as const;

/** What a page may weigh, everything it loads included (issue 9: "every page under 50 KB"). */
export const PAGE_BUDGET_BYTES = 50 * 1024;

/** Where screenshots go when `SCREENSHOTS=1` (`npm run screenshots`). */
export const SCREENSHOT_DIR = resolve(import.meta.dirname, "../../docs/screenshots");

/**
 * Chromium's own flags for serverless use, minus the two that would switch off the very protections
 * the pages rely on (same-origin policy, mixed content) and `--single-process` (Lambda needs it;
 * here it makes closing one test's context bring the whole browser down), plus quiet ones: a test
 * browser talks to no one but the app under test.
 */
const DROPPED_FLAGS = new Set([
  "--disable-web-security",
  "--allow-running-insecure-content",
  "--single-process",
]);
export function browserArgs(): string[] {
  return [
    ...chromium.args.filter((arg) => !DROPPED_FLAGS.has(arg)),
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ];
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * The Chromium binary, unpacked once into the temp directory. Test files run in parallel processes
 * and the package checks only that the file exists, so one process could launch a binary another is
 * still writing: unpacking is serialised by a lock directory (mkdir is atomic).
 */
async function chromiumExecutable(): Promise<string> {
  // WebGL is not needed: launched with --disable-webgl.
  chromium.setGraphicsMode = false;
  const lock = join(tmpdir(), "sigap-chromium-unpack.lock");
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      // A lock left by a process killed mid-unpack is taken over after a minute.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 60_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`Chromium unpack lock ${lock} held for two minutes`);
      await sleep(100);
    }
  }
  try {
    return await chromium.executablePath();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Launches the headless Chromium, or fails with what to do about it (never a skipped test). */
export async function launchChromium(): Promise<Browser> {
  // The package's own fonts (unpacked beside the binary): the same text rendering on every machine.
  process.env.FONTCONFIG_PATH ??= join(tmpdir(), "fonts");
  let executablePath = "";
  try {
    executablePath = await chromiumExecutable();
    return await playwright.launch({ executablePath, args: browserArgs(), headless: true, timeout: 60_000 });
  } catch (error) {
    // The advice first: Playwright's own message carries a long launch log.
    const reason = (error as Error).message.split("\n")[0];
    throw new Error(
      `Chromium could not start (${executablePath || "not unpacked"}). The browser tests use the ` +
        "Chromium shipped by the npm package @sparticuz/chromium, unpacked on first use to " +
        `${tmpdir()}/chromium: check that \`npm ci\` installed it, and if an earlier run was interrupted ` +
        `while unpacking, delete ${tmpdir()}/chromium and ${tmpdir()}/fonts and run again. Cause: ${reason}`,
      { cause: error },
    );
  }
}

/** One request the browser made, with what it cost on the wire once it finished. */
export interface RecordedRequest {
  url: string;
  method: string;
  /** Response headers + body as received (0 while unfinished or when it failed). */
  bytes: number;
}

/** What the harness knows about one opened page. */
export interface PageRecord {
  /** Opened with JavaScript on. */
  js: boolean;
  /** Every request of the context, in order. */
  all: RecordedRequest[];
  /** The requests of the current document: its navigation and what it loaded since. */
  current: RecordedRequest[];
  /** Requests to any other origin (refused). */
  foreign: string[];
  /** Console errors, uncaught exceptions, CSP violations. */
  errors: string[];
  /** The HTTP status the current document was answered with (after redirects). */
  status: number;
  /** Sizes of finished requests still being read from the browser. */
  measuring: Set<Promise<void>>;
}

const records = new WeakMap<Page, PageRecord>();

function recordOf(page: Page): PageRecord {
  const record = records.get(page);
  if (!record) throw new Error("This page was not opened by the browser harness (openPage)");
  return record;
}

export interface OpenOptions {
  /** JavaScript on (default) or off: every form must work without it. */
  js?: boolean;
}

export interface BrowserHarness {
  /** The app stack behind the server (DynamoDB Local table, local Step Functions, outbox). */
  readonly stack: AppStack;
  /** `http://127.0.0.1:<port>`: the app as the browser sees it (and the public base URL in emails). */
  readonly origin: string;
  /** The shared browser of this test file. */
  readonly browser: Browser;
  /** Opens `path` (or a full URL on the origin) in a fresh 360×740 context; answers 2xx–4xx only. */
  openPage(path: string, options?: OpenOptions): Promise<Page>;
  /** A path on the origin for any link the app made (emails carry absolute links). */
  local(link: string): string;
}

async function openContext(browser: Browser, origin: string, js: boolean): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: PHONE,
    screen: PHONE,
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    javaScriptEnabled: js,
    locale: "id-ID",
    timezoneId: "Asia/Jakarta",
    // A loaded 2-core machine is slow; a missing element still fails well within the test timeout.
  });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(20_000);
  // Nothing leaves localhost: any other host is refused here (and reported by the checks).
  // Routing also switches off the HTTP cache, so every page is weighed as on a first visit.
  await context.route("**/*", (route) =>
    new URL(route.request().url()).origin === origin ? route.continue() : route.abort("blockedbyclient"),
  );
  return context;
}

function track(page: Page, origin: string, js: boolean): PageRecord {
  const record: PageRecord = {
    js,
    all: [],
    current: [],
    foreign: [],
    errors: [],
    status: 0,
    measuring: new Set(),
  };
  const entries = new Map<Request, RecordedRequest>();
  const documents = new Set<string>();
  page.on("request", (request) => {
    const url = request.url();
    if (url.startsWith("data:")) return;
    const entry = { url, method: request.method(), bytes: 0 };
    entries.set(request, entry);
    record.all.push(entry);
    if (new URL(url).origin !== origin) record.foreign.push(`${request.method()} ${url}`);
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
      record.current = [];
      documents.add(url);
    }
    record.current.push(entry);
  });
  page.on("response", (response) => {
    const request = response.request();
    if (request.isNavigationRequest() && request.frame() === page.mainFrame())
      record.status = response.status();
  });
  page.on("requestfinished", (request) => {
    const entry = entries.get(request);
    if (!entry) return;
    const measured = request
      .sizes()
      .then((sizes) => {
        entry.bytes = sizes.responseHeadersSize + sizes.responseBodySize;
      })
      .catch(() => undefined)
      .finally(() => record.measuring.delete(measured));
    record.measuring.add(measured);
  });
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    // A page answered with 404/410/422 on purpose is logged as a failed load of the page itself.
    const ofTheDocument =
      message.text().startsWith("Failed to load resource") && documents.has(message.location().url);
    if (!ofTheDocument) record.errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => record.errors.push(`uncaught: ${error.message}`));
  records.set(page, record);
  return record;
}

/**
 * A blank page in a fresh phone context, tracked like every page of the harness. The caller closes
 * the context; `openPage` (which also closes it and checks for foreign requests) is what tests use.
 */
export async function openTrackedPage(
  browser: Browser,
  origin: string,
  options: OpenOptions = {},
): Promise<{ context: BrowserContext; page: Page; record: PageRecord }> {
  const js = options.js ?? true;
  const context = await openContext(browser, origin, js);
  const page = await context.newPage();
  return { context, page, record: track(page, origin, js) };
}

/**
 * Starts the app stack on a real port and one Chromium for this test file (beforeAll), closes both
 * (afterAll), and closes each test's pages, failing the test if any of them asked another host.
 */
export function useBrowser(): BrowserHarness {
  // A page, a form, a submission and the checks take seconds on a loaded 2-core machine.
  vi.setConfig({ testTimeout: 60_000 });
  let stack: AppStack | undefined;
  let server: Server | undefined;
  let browser: Browser | undefined;
  let origin = "";
  let contexts: Array<{ context: BrowserContext; record: PageRecord }> = [];

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    // Links in emails and on pages point at this server, read before anything reads the settings.
    process.env.PUBLIC_BASE_URL = origin;
    if (settings().publicBaseUrl !== origin) {
      throw new Error("The settings were read before useBrowser(): call it at the top of the test file");
    }
    [stack, browser] = await Promise.all([startAppStack(), launchChromium()]);
    const app = stack.app;
    server = await serveApi((request) => app.fetch(request), { port, hostname: "127.0.0.1" });
  }, 120_000);

  afterEach(async () => {
    const opened = contexts;
    contexts = [];
    await Promise.all(opened.map(({ context }) => context.close().catch(() => undefined)));
    const foreign = opened.flatMap(({ record }) => record.foreign);
    if (foreign.length > 0) fail("Requests to another host", foreign);
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    server?.closeAllConnections();
    server?.close();
    stack?.close();
  });

  const harness: BrowserHarness = {
    get stack() {
      if (!stack) throw new Error("The browser harness has not started (use it inside a test)");
      return stack;
    },
    get origin() {
      return origin;
    },
    get browser() {
      if (!browser) throw new Error("The browser harness has not started (use it inside a test)");
      return browser;
    },
    local(link: string) {
      const url = new URL(link, origin);
      return `${url.pathname}${url.search}`;
    },
    async openPage(path: string, options: OpenOptions = {}) {
      const { context, page, record } = await openTrackedPage(harness.browser, origin, options);
      contexts.push({ context, record });
      const response = await page.goto(new URL(path, origin).href, { waitUntil: "load" });
      if (!response) throw new Error(`No response for ${path}`);
      if (response.status() >= 500) {
        throw new Error(`${path} answered ${response.status()}: ${(await response.text()).slice(0, 500)}`);
      }
      return page;
    },
  };
  return harness;
}

/** A failed check, with every detail in the message (an assertion diff would truncate them). */
function fail(what: string, details: string[]): never {
  throw new Error(`${what}:\n  ${details.join("\n  ")}`);
}

// ── Checks ──────────────────────────────────────────────────────────────────────────────────────

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** The WCAG 2.1 A and AA rules (color-contrast among them). */
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

/** Runs axe-core on the page (WCAG 2.1 A/AA, contrast included) and expects no violation at all. */
export async function expectAccessible(page: Page): Promise<void> {
  const violations = await onScriptablePage(page, runAxe);
  const described = violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n${v.nodes
        .map((n) => `    ${n.target.join(" ")}: ${n.failureSummary?.replace(/\s+/g, " ") ?? ""}`)
        .join("\n")}`,
  );
  if (described.length > 0) fail(`Accessibility violations on ${page.url()}`, described);
}

/**
 * axe needs timers, and none fires on a page opened with JavaScript off (DevTools cannot switch them
 * back on for one check either). So a JavaScript-off page is checked as a copy: its current DOM,
 * served at its own URL in a JavaScript-on context of the same size, with the same stylesheet and
 * the page's own scripts refused — exactly what a visitor without JavaScript gets.
 */
async function onScriptablePage<T>(page: Page, work: (target: Page) => Promise<T>): Promise<T> {
  if (recordOf(page).js) return work(page);
  const browser = page.context().browser();
  if (!browser) throw new Error("The page has no browser");
  const url = page.url();
  const html = await page.content();
  const context = await browser.newContext({
    viewport: PHONE,
    screen: PHONE,
    isMobile: true,
    hasTouch: true,
  });
  try {
    await context.route("**/*", (route) => {
      const request = route.request();
      if (request.isNavigationRequest() && request.url() === url) {
        return route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html });
      }
      const local = new URL(request.url()).origin === new URL(url).origin;
      return local && request.resourceType() !== "script" ? route.continue() : route.abort();
    });
    const copy = await context.newPage();
    await copy.goto(url, { waitUntil: "load" });
    return await work(copy);
  } finally {
    await context.close();
  }
}

async function runAxe(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol: the page's CSP (script-src 'self') does not apply, and
  // nothing is added to the page's DOM.
  await page.evaluate(axeSource);
  // A string, not a function: this project type-checks without the DOM library.
  const run = `axe.run(document, ${JSON.stringify({ runOnly: { type: "tag", values: WCAG_TAGS }, resultTypes: ["violations"] })}).then((r) => r.violations)`;
  return (await page.evaluate(run)) as AxeViolation[];
}

/**
 * Bytes the current document cost: its own response and everything it loaded, headers included (as
 * received: the local server does not compress, so this is an upper bound). Waits for the network to
 * settle first.
 */
export async function transferredBytes(page: Page): Promise<number> {
  await page.waitForLoadState("networkidle");
  const { current, measuring } = recordOf(page);
  await Promise.all([...measuring]);
  return current.reduce((sum, r) => sum + r.bytes, 0);
}

/** The current document and its assets weigh under 50 KB. */
export async function expectLight(page: Page): Promise<number> {
  const bytes = await transferredBytes(page);
  const detail = recordOf(page).current.map((r) => `${r.bytes} ${r.method} ${r.url}`);
  if (bytes >= PAGE_BUDGET_BYTES) {
    fail(`${bytes} bytes transferred for ${page.url()}, over ${PAGE_BUDGET_BYTES}`, detail);
  }
  return bytes;
}

/** Every request the page made so far, in order (e.g. to count the POSTs a double click sent). */
export function requestsOf(page: Page): ReadonlyArray<Readonly<RecordedRequest>> {
  return recordOf(page).all;
}

/** The HTTP status of the page's current document (the last answer, after any redirect). */
export function documentStatus(page: Page): number {
  return recordOf(page).status;
}

/** No request so far went to another host. */
export function expectLocalOnly(page: Page): void {
  const { foreign } = recordOf(page);
  if (foreign.length > 0) fail(`Requests to another host from ${page.url()}`, foreign);
}

/** No console error, uncaught exception or CSP violation so far. */
export function expectNoErrors(page: Page): void {
  const { errors } = recordOf(page);
  if (errors.length > 0) fail(`Browser errors on ${page.url()}`, errors);
}

/**
 * The page fits a 360 px screen: nothing makes it scroll sideways. Measured against the phone's
 * width, not the layout viewport: a page without the viewport meta tag is laid out 980 px wide on
 * a phone (and shown shrunk), which fails too.
 */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const width = page.viewportSize()?.width ?? PHONE.width;
  const content = (await page.evaluate("document.documentElement.scrollWidth")) as number;
  if (content > width)
    fail(`${page.url()} scrolls sideways at ${width} px`, [`content is ${content} px wide`]);
}

/** What has the keyboard focus: enough to say which field it is. */
export interface FocusedElement {
  tag: string;
  id: string;
  name: string;
  type: string;
  /** Its label's text (first label), or "". */
  label: string;
  /** The text of what its aria-describedby names (e.g. its error message), or "". */
  description: string;
}

export async function focusedElement(page: Page): Promise<FocusedElement | undefined> {
  // A string, not a function: this project type-checks without the DOM library.
  const focused = await page.evaluate(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const text = (node) => (node && node.textContent ? node.textContent.replace(/\\s+/g, " ").trim() : "");
    const described = (el.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean);
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      name: el.getAttribute("name") || "",
      type: el.getAttribute("type") || "",
      label: el.labels && el.labels.length ? text(el.labels[0]) : "",
      description: described.map((id) => text(document.getElementById(id))).filter(Boolean).join(" "),
    };
  })()`);
  return (focused as FocusedElement | null) ?? undefined;
}

/** Writes `docs/screenshots/<name>.png` (the whole page at 360 px) when SCREENSHOTS=1. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS !== "1") return;
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`Screenshot name "${name}": lowercase, digits and - only`);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const png = await page.screenshot({ fullPage: true, animations: "disabled" });
  // Written whole, then renamed: two test files photographing one page never leave a torn file.
  const target = join(SCREENSHOT_DIR, `${name}.png`);
  const partial = `${target}.${process.pid}.partial`;
  writeFileSync(partial, png);
  renameSync(partial, target);
}

/**
 * Every check a page people open must pass: accessible, under 50 KB, nothing from another host,
 * no browser error, fits 360 px; and its screenshot. Returns the bytes transferred.
 */
export async function checkPage(page: Page, screenshotName: string): Promise<number> {
  const bytes = await expectLight(page);
  expectLocalOnly(page);
  expectNoErrors(page);
  await expectNoHorizontalScroll(page);
  await expectAccessible(page);
  await screenshot(page, screenshotName);
  return bytes;
}
