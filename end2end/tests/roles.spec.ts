import { expect, test } from "@playwright/test";
import { LoginPage, NewUserPage, UsersPage, openSecurityTab, ready, unique } from "./support";

const PASSWORD = "quartz meadow tumble 7";

test("the account admin makes a user a domain admin, who then manages that domain only", async ({ page, browser }, info) => {
  // A mailbox on council.test, and another on a domain of its own.
  const username = await openSecurityTab(page, info, "dadmin");
  const profile = page.url().replace(/\/security$/, "");
  const elsewhere = `${unique(info, "zz")}.test`;
  await page.getByRole("link", { name: "Domains" }).click();
  await ready(page, info);
  await page.getByLabel("Domain name").fill(elsewhere);
  await page.getByRole("button", { name: "Add domain" }).click();
  await expect(page.getByRole("row").filter({ hasText: elsewhere })).toHaveCount(1);
  const outsider = unique(info, "outsider");
  const form = new NewUserPage(page, info);
  await form.open();
  await page.getByLabel("Domain", { exact: true }).selectOption({ label: elsewhere });
  await form.create({ username: outsider, name: `Out ${outsider}`, password: PASSWORD });
  await expect(page.getByRole("status")).toHaveText("The user was created.");

  // The grant, on the user's page: refused without a domain, then with council.test.
  await page.goto(profile);
  await ready(page, info);
  const role = page.getByRole("region", { name: "Role" });
  await expect(page.getByRole("definition").filter({ hasText: "Mailbox user" })).toBeVisible();
  await role.getByLabel(/^Domain admin:/).check();
  await role.getByRole("button", { name: "Save role" }).click();
  await expect(page.getByText("Tick at least one domain for a domain admin.")).toBeVisible();
  await page.getByRole("region", { name: "Role" }).getByLabel(/^Domain admin:/).check();
  await page.getByRole("region", { name: "Role" }).getByLabel("council.test", { exact: true }).check();
  await page.getByRole("region", { name: "Role" }).getByRole("button", { name: "Save role" }).click();
  await expect(page.getByRole("status")).toHaveText("Role saved. It holds from the user's next click.");
  await expect(page.getByRole("definition").filter({ hasText: "Domain admin of council.test" })).toBeVisible();

  // The domain admin's panel, in their own browser: users of council.test, nothing of the other
  // domain, no audit log. As an administrator they set up two-factor authentication first.
  const theirs = await browser.newContext({ javaScriptEnabled: info.project.use.javaScriptEnabled });
  const mine = await theirs.newPage();
  const login = new LoginPage(mine, info);
  await login.open();
  await login.signIn(`${username}@council.test`, PASSWORD);
  await expect(mine).toHaveURL(/\/users$/);
  const nav = mine.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Users", exact: true })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Audit log" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Overview" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Settings" })).toHaveCount(0);
  await nav.getByRole("link", { name: "Domains" }).click();
  await expect(mine.getByRole("heading", { name: "Domains", level: 1 })).toBeVisible();
  await expect(mine.getByRole("row").filter({ hasText: "council.test" })).toHaveCount(1);
  await expect(mine.getByRole("row").filter({ hasText: elsewhere })).toHaveCount(0);
  await expect(mine.getByRole("button", { name: "Add domain" })).toHaveCount(0);
  await expect(mine.getByRole("button", { name: /^Remove / })).toHaveCount(0);
  const users = new UsersPage(mine, info);
  await users.open();
  await users.search(outsider);
  await expect(mine.getByText("No user matches.")).toBeVisible();
  await users.search("clerk");
  // The account admin is listed, and read only: this admin can't change them.
  await users.row("clerk@council.test").getByRole("link").first().click();
  await expect(mine.getByRole("status")).toHaveText("You can see this account but not change it: it belongs to an administrator.");
  await expect(mine.getByRole("button", { name: "Save changes" })).toHaveCount(0);
  await expect(mine.getByRole("button", { name: "Delete user" })).toHaveCount(0);
  await expect(mine.getByRole("region", { name: "Role" })).toHaveCount(0);
  await mine.getByRole("navigation", { name: "Sections of this user's page" }).getByRole("link", { name: "Security" }).click();
  await expect(mine.getByRole("status")).toHaveText("You can see this account but not change it: it belongs to an administrator.");
  await expect(mine.getByRole("button", { name: "Reset password" })).toHaveCount(0);
  await theirs.close();
});

test("an administrator signs a user out of one device, then of all, on the Security tab", async ({ page, browser }, info) => {
  const username = await openSecurityTab(page, info, "devices");
  const email = `${username}@council.test`;
  const devices = page.getByRole("region", { name: "Signed-in devices" });
  await expect(devices).toContainText("Not signed in on any device right now.");

  // The user signs in on two devices of their own.
  const contexts = [];
  for (let i = 0; i < 2; i++) {
    const context = await browser.newContext({ javaScriptEnabled: info.project.use.javaScriptEnabled });
    const other = await context.newPage();
    const login = new LoginPage(other, info);
    await login.open();
    await login.signIn(email, PASSWORD);
    await expect(other).toHaveURL(/\/account\/password$/);
    contexts.push({ context, page: other });
  }
  const [laptop, phone] = contexts;

  await page.reload();
  await ready(page, info);
  await expect(devices.getByRole("listitem")).toHaveCount(2);
  await expect(devices.getByRole("listitem").first()).toContainText(/Signed in \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC, last seen/);
  // Each device shows once: the reset lists them only for "only the devices ticked below",
  // and then unticked.
  const device = { name: /at 127\.0\.0\.1/ };
  await expect(page.getByRole("checkbox", device)).toHaveCount(2);
  const reset = page.getByRole("region", { name: "Reset password" });
  await expect(reset.getByLabel("Sign out from all devices")).toBeChecked();
  await expect(reset.getByRole("checkbox", device)).toHaveCount(0);
  await reset.getByLabel("Sign out only the devices ticked below").check();
  await expect(reset.getByRole("checkbox", device)).toHaveCount(2);
  for (const box of await reset.getByRole("checkbox", device).all()) await expect(box).not.toBeChecked();
  await devices.getByRole("button", { name: "Sign out the ticked devices" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Tick at least one device first." })).toBeVisible();

  // The newest device (the phone) goes; the laptop stays signed in.
  await page.getByRole("region", { name: "Signed-in devices" }).getByRole("checkbox").first().check();
  await page.getByRole("region", { name: "Signed-in devices" }).getByRole("button", { name: "Sign out the ticked devices" }).click();
  await expect(page.getByRole("status").first()).toHaveText("Devices signed out: 1.");
  await expect(devices.getByRole("listitem")).toHaveCount(1);
  await phone.page.reload();
  await expect(phone.page).toHaveURL(/\/login/);
  await laptop.page.reload();
  await expect(laptop.page.getByRole("heading", { name: "My account", level: 1 })).toBeVisible();

  await devices.getByRole("button", { name: "Sign out all devices now" }).click();
  await expect(page.getByRole("status").first()).toHaveText("Devices signed out: 1.");
  await expect(devices).toContainText("Not signed in on any device right now.");
  await laptop.page.reload();
  await expect(laptop.page).toHaveURL(/\/login/);
  for (const { context } of contexts) await context.close();

  // The administrator is still signed in, and the audit log holds both sign-outs.
  await page.goto(`/audit?action=user.sign_out&target=${username}`);
  await ready(page, info);
  const events = page.getByRole("table", { name: "Admin actions and sign-ins, newest first" });
  await expect(events.getByRole("row").filter({ hasText: email })).toHaveCount(2);
  await expect(events.getByRole("row").filter({ hasText: "all: true" })).toHaveCount(1);
});
