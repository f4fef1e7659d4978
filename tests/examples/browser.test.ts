// The browser demo and the Web Worker example in headless Chromium (Debian's /usr/bin/chromium via
// playwright-core), served by examples/browser/serve.mjs from the built dist/. The demo must react to typed text
// with PyTorch's verdict; a screenshot is saved to tests/examples/out/demo.png for a person to look at.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser } from "playwright-core";

const root = join(__dirname, "..", "..");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const golden = JSON.parse(readFileSync(join(root, "tests/io/model/golden.json"), "utf8"));
const typed = golden.typed as { text: string; spam: number | null }[];

let server: Server, browser: Browser, base: string;

beforeAll(async () => {
  // @ts-expect-error: a plain .mjs module of the examples
  const { serve } = await import("../../examples/browser/serve.mjs");
  server = await serve(0);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
});
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

describe("examples/browser: the live demo", () => {
  it("loads, classifies what is typed as PyTorch does, draws, and is screenshotted", async () => {
    const page = await browser.newPage({ viewport: { width: 1040, height: 1180 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${base}/examples/browser/`);
    await page.waitForSelector("#status[data-ready]", { timeout: 30_000 });
    for (const t of [typed[2], typed[3]]) {
      await page.fill("#text", "");
      await page.type("#text", t.text.slice(0, -1), { delay: 0 });
      await page.type("#text", t.text.slice(-1)); // the last keystroke must update the verdict
      await page.waitForFunction((want) => {
        const p = Number(document.getElementById("verdict")!.dataset.p);
        return Math.abs(p - want) < 1e-3;
      }, t.spam!, { timeout: 10_000 });
      const label = await page.getAttribute("#verdict", "data-label");
      expect(label).toBe(t.spam! > 0.5 ? "spam" : "ham");
    }
    // choosing an example updates the verdict and the pictures
    await page.selectOption("#example", "1");
    await page.waitForFunction((want) => Math.abs(Number(document.getElementById("verdict")!.dataset.p) - want) < 1e-3, golden.examples_spam_probability[1]);
    // the canvases hold a picture, not a blank
    const inked = await page.evaluate(() => ["score", "heat"].map((id) => {
      const c = document.getElementById(id) as HTMLCanvasElement;
      const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
      const colours = new Set<number>();
      for (let i = 0; i < d.length; i += 4 * 97) colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      return colours.size;
    }));
    expect(inked[0]).toBeGreaterThan(5);
    expect(inked[1]).toBeGreaterThan(50);
    await page.fill("#text", typed[3].text);
    await page.waitForFunction((want) => Math.abs(Number(document.getElementById("verdict")!.dataset.p) - want) < 1e-3, typed[3].spam!);
    mkdirSync(join(__dirname, "out"), { recursive: true });
    await page.screenshot({ path: join(__dirname, "out", "demo.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("examples/worker: the model in a Web Worker", () => {
  it("classifies text posted to the worker", async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/examples/worker/`);
    await page.waitForSelector("body[data-ready]", { timeout: 30_000 });
    await page.fill("#text", typed[3].text);
    await page.click("#go");
    await page.waitForSelector("#result[data-label]:not([data-label=''])", { timeout: 10_000 });
    const spam = Number(await page.getAttribute("#result", "data-spam"));
    expect(Math.abs(spam - typed[3].spam!)).toBeLessThan(1e-3);
    expect(await page.getAttribute("#result", "data-label")).toBe(typed[3].spam! > 0.5 ? "spam" : "ham");
    await page.close();
  });
});
