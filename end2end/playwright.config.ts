import { defineConfig, devices } from "@playwright/test";

// Debian's Chromium; the flags keep it off the network this machine does not have.
const chromium = {
  executablePath: "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
  ],
};

const baseURL = process.env.E2E_BASE_URL ?? "http://127.0.0.1:3100";

export default defineConfig({
  testDir: "./tests",
  // One results folder per database, so the PostgreSQL run keeps the SQLite run's failures.
  outputDir: `test-results/${process.env.E2E_LABEL ?? "local"}`,
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  // No second tries: a test that fails once has found something.
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL,
    launchOptions: chromium,
    // Recording a trace of every test made the suite a quarter slower; a failure keeps its
    // screenshot and error context, and `npx playwright test --trace on` records one to debug.
    trace: "off",
    screenshot: "only-on-failure",
  },
  projects: [
    // The first administrator is created once, through the setup page; every project then signs in.
    {
      name: "setup",
      testMatch: /first-admin\.setup\.ts/,
      use: { ...devices["Desktop Chrome"], launchOptions: chromium },
    },
    {
      name: "desktop",
      dependencies: ["setup"],
      testIgnore: /phone-layout/,
      use: { ...devices["Desktop Chrome"], launchOptions: chromium },
    },
    // The layout of every page at 390 px, and the everyday flows with touch; the rest of the
    // suite would only repeat the desktop run's server work on a narrower screen.
    {
      name: "phone",
      dependencies: ["setup"],
      testMatch: /(phone-layout|accessibility|sign-in|users|reset|edit-user|account|two-factor|app-passwords|mail-tab|shared)\.spec\.ts/,
      use: { ...devices["Pixel 7"], viewport: { width: 390, height: 844 }, launchOptions: chromium },
    },
    {
      name: "no-javascript",
      dependencies: ["setup"],
      // The mail server's side of a change (app passwords over IMAP too) and the organisation's
      // two-factor rule do not depend on how the form was sent, axe-core runs as a script in
      // the page, and the tests tagged @needs-javascript are about what the WASM does (the
      // meter, the CSP's scripts).
      testIgnore: /phone-layout|mail-server|app-passwords|two-factor-rule|accessibility/,
      grepInvert: /@needs-javascript/,
      use: { ...devices["Desktop Chrome"], javaScriptEnabled: false, launchOptions: chromium },
    },
    // Bytes and times per page for `make bench` (scripts/measure-pages.sh), or the README's
    // screenshots (E2E_MEASURE=screenshots, scripts/screenshots.sh): not tests.
    ...(process.env.E2E_MEASURE
      ? [{
          name: "measure",
          dependencies: ["setup"],
          testDir: "./measure",
          testMatch: process.env.E2E_MEASURE === "screenshots" ? /screenshots\.measure\.ts$/ : /pages\.measure\.ts$/,
          use: { ...devices["Desktop Chrome"], launchOptions: chromium },
        }]
      : []),
  ],
});
