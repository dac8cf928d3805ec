/**
 * What each page costs a browser, measured in a real Chromium against the release build:
 * bytes transferred (compressed, as on the wire) and requests with an empty cache and again
 * with the cache of that first visit; and, on a phone throttled as Chromium's "Fast 3G" with a
 * 4x slower CPU, how long the users list takes to show its first row and to become interactive.
 * Run by `make bench` (scripts/measure-pages.sh); it prints a table and writes
 * `measure-results/pages.json`.
 */
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { mkdirSync, writeFileSync } from "node:fs";
import { ADMIN_STATE, NewUserPage, signedInPages, unique } from "../tests/support";

test.use({ storageState: ADMIN_STATE });

type Load = { bytes: number; requests: number };
type Row = { page: string; cold: Load; warm: Load };

/** Counts what the page's loads transfer: the sum of each response's encoded length. */
async function measure(context: BrowserContext, page: Page, url: string): Promise<Load> {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  let bytes = 0;
  let requests = 0;
  cdp.on("Network.loadingFinished", (e) => {
    bytes += e.encodedDataLength;
    requests += 1;
  });
  await page.goto(url, { waitUntil: "networkidle" });
  await page.waitForFunction(() => document.body.dataset.hydrated === "true", null, { timeout: 60_000 });
  // Chunks fetched while hydrating (lazy routes) count too.
  await page.waitForLoadState("networkidle");
  await cdp.detach();
  return { bytes, requests };
}

const kb = (n: number) => (n / 1024).toFixed(1);

test("bytes per page, cold and warm, and the users list on a throttled phone", async ({ browser, page }, info) => {
  test.setTimeout(300_000);
  // A user of its own, for the pages about one user.
  const form = new NewUserPage(page, info);
  await form.open();
  const name = unique(info, "Measured");
  await form.create({ username: name.toLowerCase(), name, password: "quartz meadow tumble 7" });
  const href = await page.getByRole("link", { name, exact: true }).getAttribute("href");
  const user = href!.match(/\/users\/(\d+)/)![1];

  const rows: Row[] = [];
  for (const path of signedInPages(`/users/${user}`)) {
    // A fresh context is an empty cache; its second visit is the one a returning admin makes.
    const context = await browser.newContext({ storageState: ADMIN_STATE });
    const tab = await context.newPage();
    const cold = await measure(context, tab, path);
    const warm = await measure(context, tab, path);
    rows.push({ page: path.replace(user, "{id}"), cold, warm });
    await context.close();
  }
  const signedOut = await browser.newContext();
  const login = await signedOut.newPage();
  rows.push({ page: "/login (signed out)", cold: await measure(signedOut, login, "/login"), warm: await measure(signedOut, login, "/login") });
  await signedOut.close();

  // The phone: Chromium's "Fast 3G" preset and a 4x slower CPU.
  const phone = await browser.newContext({
    storageState: ADMIN_STATE,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2.625,
    isMobile: true,
    hasTouch: true,
  });
  const tab = await phone.newPage();
  const cdp = await phone.newCDPSession(tab);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 562.5,
    downloadThroughput: (1.6 * 1024 * 1024) / 8 * 0.9,
    uploadThroughput: (750 * 1024) / 8 * 0.9,
  });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  const started = Date.now();
  await tab.goto("/users", { waitUntil: "commit" });
  await tab.locator("tbody tr").first().waitFor({ state: "visible", timeout: 60_000 });
  const firstRow = Date.now() - started;
  await tab.waitForFunction(() => document.body.dataset.hydrated === "true", null, { timeout: 60_000 });
  const interactive = Date.now() - started;
  await phone.close();

  console.log("\n| page | cold KB | cold requests | warm KB | warm requests |");
  console.log("|---|---:|---:|---:|---:|");
  for (const r of rows) {
    console.log(`| ${r.page} | ${kb(r.cold.bytes)} | ${r.cold.requests} | ${kb(r.warm.bytes)} | ${r.warm.requests} |`);
  }
  console.log(`\nUsers list on a 390 px phone, Fast 3G and 4x CPU slowdown: first row visible after ${firstRow} ms, interactive after ${interactive} ms.\n`);
  mkdirSync("measure-results", { recursive: true });
  writeFileSync("measure-results/pages.json", JSON.stringify({ rows, phone: { firstRow, interactive } }, null, 2));
});
