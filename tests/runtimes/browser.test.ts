// The built package in Chromium (Debian's /usr/bin/chromium, headless, driven by playwright-core; never a
// downloaded browser): a page loads it as a plain module script through an import map (no bundler), runs the golden
// fixtures with the embedded builds and with modules from WebAssembly.compileStreaming(rnn-wasm/wasm/*.wasm), then a
// module Web Worker runs them too. Outputs match PyTorch, and Node bit for bit (scalar, SIMD).
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser } from "playwright-core";
import { checkReport, nodeBaseline, ROOT, unwrap, type GoldenAnswer } from "./check.js";
// @ts-expect-error plain ES module (no declarations)
import { serveStatic } from "./serve.mjs";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--no-first-run"];

type PageResults = { userAgent: string; page?: GoldenAnswer; streaming?: GoldenAnswer; worker?: GoldenAnswer; error?: { message: string; stack: string } };

describe("chromium", () => {
  let browser: Browser | undefined;
  let server: { origin: string; close(): Promise<void> } | undefined;
  let results: PageResults;
  const log: string[] = [];

  beforeAll(async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/ensure-chromium.sh (npm test does)`).toBe(true);
    server = await serveStatic(ROOT);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
    const page = await browser.newPage();
    page.on("console", (m) => log.push(`console.${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => log.push(`pageerror: ${e.message}`));
    page.on("requestfailed", (r) => log.push(`requestfailed: ${r.url()}`));
    await page.goto(`${server!.origin}/tests/runtimes/browser/page.html`, { timeout: 20_000 });
    try {
      await page.waitForFunction(() => (window as unknown as { __rnnResults?: unknown }).__rnnResults !== undefined, null, { timeout: 40_000 });
    } catch (e) {
      throw new Error(`the page did not finish: ${(e as Error).message}\n${log.join("\n")}`);
    }
    results = await page.evaluate(() => (window as unknown as { __rnnResults: PageResults }).__rnnResults);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("the page ran without errors", () => {
    expect(results.error, log.join("\n")).toBeUndefined();
    expect(results.userAgent).toMatch(/Chrome\//);
  });

  it("page, embedded builds: auto picks relaxed SIMD; matches PyTorch and node", async () => {
    const r = unwrap(results.page!, "chromium page");
    expect(r.info.build).toBe("relaxed-simd");
    checkReport("chromium page", r, await nodeBaseline());
  });

  it("page, builds from WebAssembly.compileStreaming(rnn-wasm/wasm/*.wasm) passed as { wasm }", async () => {
    checkReport("chromium page (compileStreaming)", unwrap(results.streaming!, "chromium page (compileStreaming)"), await nodeBaseline());
  });

  it("module Web Worker: matches PyTorch and node", async () => {
    const r = unwrap(results.worker!, "chromium worker");
    expect(r.info.build).toBe("relaxed-simd");
    checkReport("chromium worker", r, await nodeBaseline());
  });
});
