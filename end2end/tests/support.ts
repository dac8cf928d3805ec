import { expect, type Page, type TestInfo } from "@playwright/test";
import { createHmac } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { join } from "node:path";

/** The account administrator the setup project creates. */
export const ADMIN = {
  organisation: "Parish Council",
  name: "Clerk of the Council",
  email: "clerk@council.test",
  password: "lantern orchard velvet 42",
};

/**
 * The account administrator's signed-in browser state, saved by the setup project and reused by
 * the specs that never sign that session out (one file per database run).
 */
export const ADMIN_STATE = `playwright/.auth/admin-${process.env.E2E_LABEL ?? "local"}.json`;

/** The one-time token the server printed at start. */
export function setupToken(): string {
  const log = readFileSync(process.env.E2E_SERVER_LOG ?? "", "utf8");
  const match = log.match(/POSTMASTER_SETUP_TOKEN=([0-9a-f]{32})/);
  if (!match) throw new Error("the server log holds no setup token");
  return match[1];
}

/** A name unique to this project and run, so projects never collide on one database. */
export function unique(info: TestInfo, stem: string): string {
  const project = info.project.name.replace(/[^a-z]/g, "");
  return `${stem}-${project}-${Date.now().toString(36)}`;
}

/** Whether the page runs its WASM: then wait for hydration before typing into it. */
export async function ready(page: Page, info: TestInfo) {
  if (info.project.use.javaScriptEnabled === false) return;
  await page.waitForFunction(() => document.body.dataset.hydrated === "true", null, { timeout: 15_000 });
}

/**
 * Opens what a phone folds under the button `name` (a <details>), where it is folded; on a
 * wider screen it is open already. Once the page is interactive: hydration renders it afresh.
 */
export async function unfold(page: Page, info: TestInfo, name: string) {
  await ready(page, info);
  const summary = page.getByText(name, { exact: true });
  // Right after a sign-in the header is drawn once the page has asked who is signed in: until
  // then there is nothing to see, which is not the same as a wide screen's hidden summary.
  await summary.waitFor({ state: "attached" });
  if (!(await summary.isVisible())) return;
  // Right after a navigation in the page (a sign-in's), the page may still close its menu for
  // the new address after this click: open it until it stays open.
  const isOpen = () => summary.evaluate((s) => (s.parentElement as HTMLDetailsElement).open);
  await expect(async () => {
    if (!(await isOpen())) await summary.click();
    await page.waitForTimeout(100);
    expect(await isOpen()).toBe(true);
  }).toPass({ timeout: 10_000 });
}

/** The header's links and buttons, folded under "Menu" on a phone. */
export async function openMenu(page: Page, info: TestInfo) {
  await unfold(page, info, "Menu");
}

/** Every page an account administrator has, with `user` (`/users/{id}`) for a user's pages. */
export function signedInPages(user: string): string[] {
  return [
    "/users",
    "/users/new",
    "/users/new-shared",
    "/users/import",
    user,
    `${user}/security`,
    `${user}/mail`,
    "/overview",
    "/lists",
    "/domains",
    "/audit",
    "/settings",
    "/account/password",
    "/account/two-factor",
    "/account/app-passwords",
    "/account/mail",
  ];
}

export class LoginPage {
  constructor(private page: Page, private info: TestInfo) {}

  async open() {
    await this.page.goto("/login");
    await ready(this.page, this.info);
  }

  /**
   * Signs in as a person would: the password, then, for an account with two-factor
   * authentication, the code of its app; an account the organisation requires it of and that
   * has none sets it up first. A refused password stays on the form with its alert.
   */
  async signIn(email = ADMIN.email, password = ADMIN.password) {
    await this.page.getByLabel("Email address").fill(email);
    await this.page.getByLabel("Password").fill(password);
    await this.page.getByRole("button", { name: "Sign in" }).click();
    const left = this.page.waitForURL((url) => url.pathname !== "/login");
    const refused = this.page.getByRole("alert").first().waitFor();
    await Promise.race([left, refused]);
    left.catch(() => {});
    refused.catch(() => {});
    const path = new URL(this.page.url()).pathname;
    if (path === "/login/code") {
      await ready(this.page, this.info);
      await this.page.getByLabel("Authentication code").fill(await nextCode(this.info, email));
      await this.page.getByRole("button", { name: "Verify" }).click();
      await this.page.waitForURL((url) => url.pathname !== "/login/code");
    } else if (path === "/account/two-factor") {
      // Required of this account and not set up yet: the set-up comes first.
      await expect(this.page.getByRole("button", { name: "Set up" })).toBeVisible();
      await setUpTwoFactor(this.page, this.info, email);
      await this.page.goto("/");
    }
  }
}

/** Where a run keeps what an authenticator app would: each account's key and last code. */
function authenticatorFile(email: string): string {
  mkdirSync("playwright/.auth", { recursive: true });
  return `playwright/.auth/totp-${process.env.E2E_LABEL ?? "local"}-${email}.json`;
}

type Authenticator = { key: string; lastStep: number; recoveryCodes: string[] };

function authenticator(email: string): Authenticator {
  const file = authenticatorFile(email);
  if (!existsSync(file)) throw new Error(`no authenticator was set up for ${email}`);
  return JSON.parse(readFileSync(file, "utf8"));
}

function saveAuthenticator(email: string, state: Authenticator) {
  writeFileSync(authenticatorFile(email), JSON.stringify(state));
}

/** RFC 4648 base32, as the set-up page shows the key (spaces between groups). */
function base32Bytes(text: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const c of text.replace(/[\s=]/g, "").toUpperCase()) {
    const index = alphabet.indexOf(c);
    if (index < 0) throw new Error(`not base32: ${c}`);
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** The RFC 6238 code (HMAC-SHA-1, six digits) of 30-second `step` for a typed key. */
export function totpCode(typedKey: string, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac("sha1", base32Bytes(typedKey)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const number = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return number.toString().padStart(6, "0");
}

/**
 * The account's next code, as its app shows it. The panel takes each step once and none older
 * than the last one used, so a sign-in soon after another takes the next step (the panel
 * accepts t+1) or waits for it.
 */
export async function nextCode(info: TestInfo, email: string): Promise<string> {
  for (;;) {
    const state = authenticator(email);
    const now = Math.floor(Date.now() / 1000 / 30);
    const step = Math.max(now, state.lastStep + 1);
    if (step <= now + 1) {
      saveAuthenticator(email, { ...state, lastStep: step });
      return totpCode(state.key, step);
    }
    // Waiting for the authenticator's clock is not the test's time: it is given back, so
    // several sign-ins of one account close together never run a test out of time.
    info.setTimeout(info.timeout + 1000);
    await new Promise((done) => setTimeout(done, 1000));
  }
}

/** One of the account's unused recovery codes, now spent. */
export function takeRecoveryCode(email: string): string {
  const state = authenticator(email);
  const [code, ...rest] = state.recoveryCodes;
  if (!code) throw new Error(`no recovery code left for ${email}`);
  saveAuthenticator(email, { ...state, recoveryCodes: rest });
  return code;
}

/**
 * My account > Two-factor authentication > "Set up", scanning nothing: reads the key as text,
 * types its code, and keeps the recovery codes shown once. Returns them.
 */
export async function setUpTwoFactor(page: Page, info: TestInfo, email: string): Promise<string[]> {
  await ready(page, info);
  await page.getByRole("button", { name: "Set up" }).click();
  const qr = page.getByRole("img", { name: "QR code that adds Postmaster to an authenticator app" });
  await expect(qr).toBeVisible();
  if (info.project.use.javaScriptEnabled !== false) {
    // Drawn by the server as a data: image, which the page's Content-Security-Policy allows.
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  }
  const key = (await page.locator("code.secret").textContent()) ?? "";
  expect(key).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
  saveAuthenticator(email, { key, lastStep: 0, recoveryCodes: [] });
  await ready(page, info);
  await page.getByLabel("Code shown by the app").fill(await nextCode(info, email));
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByRole("status").first()).toHaveText("Two-factor authentication is on. Keep your recovery codes somewhere safe.");
  const codes = await page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem").allTextContents();
  expect(codes).toHaveLength(10);
  saveAuthenticator(email, { ...authenticator(email), recoveryCodes: codes });
  // The page then reads its state again and draws the section afresh (the count of codes left is
  // one of the new drawing): a button clicked before that, such as "Copy", would be replaced.
  await expect(page.getByText("Recovery codes left: 10.")).toBeVisible();
  return codes;
}

export class UsersPage {
  constructor(private page: Page, private info: TestInfo) {}

  async open(query = "") {
    await this.page.goto(`/users${query}`);
    await ready(this.page, this.info);
    await expect(this.page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
  }

  async search(text: string) {
    // Typed before hydration (right after a reload, say), the text would reach no handler: the
    // page rendered on the server has the box but not yet the code that follows the typing.
    await ready(this.page, this.info);
    const box = this.page.getByRole("searchbox", { name: "Search" });
    await box.fill(text);
    if (this.info.project.use.javaScriptEnabled === false) {
      await this.page.getByRole("search").getByRole("button", { name: "Search" }).click();
    }
    // With WASM the list follows the typing after a pause; the URL keeps the search.
    await expect(this.page).toHaveURL(new RegExp(`search=${encodeURIComponent(text)}`));
  }

  row(email: string) {
    return this.page.getByRole("row").filter({ hasText: email });
  }
}

export class NewUserPage {
  constructor(private page: Page, private info: TestInfo) {}

  async open() {
    await this.page.goto("/users/new");
    await ready(this.page, this.info);
    await expect(this.page.getByRole("heading", { name: "New user" })).toBeVisible();
  }

  async create(user: { username: string; name: string; password: string; quota?: string }) {
    await this.page.getByLabel("Username").fill(user.username);
    await this.page.getByLabel("Display name").fill(user.name);
    await this.page.getByLabel("Password", { exact: true }).fill(user.password);
    await this.page.getByLabel("Confirm password").fill(user.password);
    await this.page.getByLabel("Quota (GB)").fill(user.quota ?? "0.5");
    await this.page.getByRole("button", { name: "Create user" }).click();
  }
}

/**
 * Opens the users list as the account administrator, in the session the setup project saved:
 * a spec whose browser starts without it takes its cookie. Each fresh sign-in of the
 * administrator costs a code of its authenticator (one per 30 seconds), so only the specs about
 * signing in sign in; none signs this session out.
 */
export async function signInAsAdmin(page: Page, info: TestInfo) {
  await page.goto("/users");
  if (new URL(page.url()).pathname === "/login") {
    const saved = JSON.parse(readFileSync(ADMIN_STATE, "utf8"));
    await page.context().addCookies(saved.cookies);
    await page.goto("/users");
  }
  await expect(page).toHaveURL(/\/users$/);
}

/** Creates a mailbox through the form and opens the Security tab of its page. */
export async function openSecurityTab(page: Page, info: TestInfo, stem: string): Promise<string> {
  await signInAsAdmin(page, info);
  const username = unique(info, stem);
  const form = new NewUserPage(page, info);
  await form.open();
  await form.create({ username, name: `Reset ${username}`, password: "quartz meadow tumble 7" });
  await expect(page.getByRole("status")).toHaveText("The user was created.");
  // Finding it in the list is the users spec's; here its id is asked of the list's API.
  const found = await page.request.post("/api/users/list", {
    form: { "query[search]": username },
    headers: { Accept: "application/json", "Sec-Fetch-Site": "same-origin" },
  });
  expect(found.status()).toBe(200);
  const [user] = (await found.json()).users as { id: number; email: string }[];
  expect(user.email).toBe(`${username}@council.test`);
  await page.goto(`/users/${user.id}/security`);
  await expect(page.getByRole("heading", { name: `Reset ${username}`, level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Reset password" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Security" })).toHaveAttribute("aria-current", "page");
  await ready(page, info);
  return username;
}

// The Dovecot that scripts/e2e.sh runs on the panel's database.
export type Login = { ok: boolean; line: string; closed: Promise<void>; socket: Socket };

/** Signs in over IMAP, as a mail app does. */
export function imapLogin(user: string, password: string): Promise<Login> {
  const quote = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  return new Promise((resolve, reject) => {
    const socket = connect(Number(process.env.E2E_IMAP_PORT), "127.0.0.1");
    const closed = new Promise<void>((done) => socket.on("close", () => done()));
    let buffer = "";
    let greeted = false;
    socket.setEncoding("utf8");
    socket.on("error", reject);
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf("\r\n"); end >= 0; end = buffer.indexOf("\r\n")) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (!greeted) {
          greeted = true;
          socket.write(`a LOGIN ${quote(user)} ${quote(password)}\r\n`);
        } else if (line.startsWith("a OK")) {
          resolve({ ok: true, line, closed, socket });
        } else if (line.startsWith("a NO") || line.startsWith("a BAD")) {
          socket.end();
          resolve({ ok: false, line, closed, socket });
        }
      }
    });
  });
}

/** Hands a message to the Dovecot of scripts/e2e.sh over LMTP, as Postfix would. */
export function lmtpDeliver(from: string, to: string, subject: string): Promise<void> {
  const steps = ["LHLO e2e.example", `MAIL FROM:<${from}>`, `RCPT TO:<${to}>`, "DATA"];
  const message = `From: ${from}\r\nTo: ${to}\r\nSubject: ${subject}\r\n\r\nHello.\r\n.`;
  return new Promise((resolve, reject) => {
    const socket = connect(Number(process.env.E2E_LMTP_PORT), "127.0.0.1");
    let buffer = "";
    let step = -1;
    socket.setEncoding("utf8");
    socket.on("error", reject);
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf("\r\n"); end >= 0; end = buffer.indexOf("\r\n")) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        // A reply's last line has a space after its code; the others a dash.
        if (line[3] === "-") continue;
        if (!/^(2|354)/.test(line)) {
          socket.end();
          reject(new Error(`LMTP: ${line}`));
          return;
        }
        step += 1;
        if (step < steps.length) socket.write(`${steps[step]}\r\n`);
        else if (step === steps.length) socket.write(`${message}\r\n`);
        else {
          socket.end("QUIT\r\n");
          resolve();
        }
      }
    });
  });
}

/** Whether the mail server closes the connection within a few seconds. */
export async function closedSoon(login: Login): Promise<boolean> {
  const timeout = new Promise<boolean>((done) => setTimeout(() => done(false), 5_000));
  return Promise.race([login.closed.then(() => true), timeout]);
}

/** The messages the test SMTP server received for `address`, soft line breaks undone. */
export function mailTo(address: string): string[] {
  const dir = join(process.env.E2E_MAILDIR ?? "", "new");
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .map((n) => readFileSync(join(dir, n), "utf8").replace(/=\r?\n/g, "").replace(/=3D/g, "="))
    .filter((m) => m.includes(`To: ${address}`));
}
