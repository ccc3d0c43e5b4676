/**
 * Opens a report page in real headless Chromium (Debian's `chromium`, through puppeteer-core)
 * and says what a reader gets: console errors, requests beyond the page itself, the marks each
 * chart layer drew (by its SVG group name), the sections shown, and a screenshot's ink.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

import { PNG } from 'pngjs';
import puppeteer, { type Browser } from 'puppeteer-core';

/** Debian's package `chromium` installs it here; CHROMIUM may name another. */
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

export interface PageView {
  /** console.error/warn messages and uncaught page errors. */
  errors: string[];
  /** Every URL the page asked for besides itself (a self-contained page asks for none). */
  requests: string[];
  /** Marks drawn per mark layer name (`g.role-mark.<name>_marks` children, all groups). */
  marks: Record<string, number>;
  /** The ids of the page's sections, in order, with the size of the chart each shows. */
  sections: { id: string; width: number; height: number }[];
  /** Share of the full-page screenshot's pixels that are not white. */
  ink: number;
  png: Buffer;
}

export function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // root in CI: no sandbox; no GPU in containers.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}

/** Share of pixels darker than near-white in a PNG. */
export function inkOf(png: Buffer): number {
  const image = PNG.sync.read(png);
  let inked = 0;
  for (let i = 0; i < image.data.length; i += 4) {
    if (image.data[i]! < 240 || image.data[i + 1]! < 240 || image.data[i + 2]! < 240) inked++;
  }
  return inked / (image.width * image.height);
}

export async function viewPage(browser: Browser, htmlPath: string): Promise<PageView> {
  const page = await browser.newPage();
  const self = pathToFileURL(htmlPath).href;
  const errors: string[] = [];
  const requests: string[] = [];
  try {
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warn') errors.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`page error: ${String(error)}`));
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      if (request.url() === self) {
        void request.continue();
      } else {
        requests.push(request.url());
        void request.abort();
      }
    });
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(self, { waitUntil: 'load' });
    const groups = await page.$$eval('g.role-mark', (found) =>
      found.map((group) => ({ names: [...group.classList], marks: group.children.length })),
    );
    const marks: Record<string, number> = {};
    for (const group of groups) {
      const name = group.names.find((name) => name.endsWith('_marks'))?.slice(0, -'_marks'.length);
      if (name !== undefined) marks[name] = (marks[name] ?? 0) + group.marks;
    }
    const sections = await page.$$eval('section', (found) =>
      found.map((section) => {
        const box = section.querySelector('figure svg')?.getBoundingClientRect();
        return { id: section.id, width: box?.width ?? 0, height: box?.height ?? 0 };
      }),
    );
    const png = Buffer.from(await page.screenshot({ fullPage: true }));
    return { errors, requests, marks, sections, ink: inkOf(png), png };
  } finally {
    await page.close();
  }
}
