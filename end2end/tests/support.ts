import { expect, type Page, type TestInfo } from "@playwright/test";
import { readFileSync } from "node:fs";

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

export class LoginPage {
  constructor(private page: Page, private info: TestInfo) {}

  async open() {
    await this.page.goto("/login");
    await ready(this.page, this.info);
  }

  async signIn(email = ADMIN.email, password = ADMIN.password) {
    await this.page.getByLabel("Email address").fill(email);
    await this.page.getByLabel("Password").fill(password);
    await this.page.getByRole("button", { name: "Sign in" }).click();
  }
}

export class UsersPage {
  constructor(private page: Page, private info: TestInfo) {}

  async open(query = "") {
    await this.page.goto(`/users${query}`);
    await ready(this.page, this.info);
    await expect(this.page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
  }

  async search(text: string) {
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
 * Opens the users list as the account administrator: with the saved state the session is there
 * already; a spec without it (one that signs out) signs in through the form.
 */
export async function signInAsAdmin(page: Page, info: TestInfo) {
  await page.goto("/users");
  if (new URL(page.url()).pathname === "/login") {
    const login = new LoginPage(page, info);
    await ready(page, info);
    await login.signIn();
  }
  await expect(page).toHaveURL(/\/users$/);
}

/** Creates a mailbox and opens the Security tab of its page. */
export async function openSecurityTab(page: Page, info: TestInfo, stem: string): Promise<string> {
  await signInAsAdmin(page, info);
  const username = unique(info, stem);
  const form = new NewUserPage(page, info);
  await form.open();
  await form.create({ username, name: `Reset ${username}`, password: "quartz meadow tumble 7" });
  await expect(page.getByRole("status")).toHaveText("The user was created.");
  const users = new UsersPage(page, info);
  await users.open();
  await users.search(username);
  await users.row(`${username}@council.test`).getByRole("link", { name: `Reset ${username}` }).click();
  await expect(page.getByRole("heading", { name: `Reset ${username}`, level: 1 })).toBeVisible();
  await page.getByRole("navigation", { name: "Sections of this user's page" }).getByRole("link", { name: "Security" }).click();
  await expect(page.getByRole("heading", { name: "Reset password" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Security" })).toHaveAttribute("aria-current", "page");
  await ready(page, info);
  return username;
}
