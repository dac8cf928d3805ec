import { expect, test } from "@playwright/test";
import { ADMIN, LoginPage, NewUserPage, openMenu, ready, signInAsAdmin, unique } from "./support";

test("an administrator changes their own password on My account, then back", async ({ page }, info) => {
  const TEMPORARY = `harbour quilt ${info.project.name} 47`;
  const login = new LoginPage(page, info);
  await login.open();
  await login.signIn();
  await expect(page).toHaveURL(/\/users$/);
  await openMenu(page, info);
  await page.getByRole("link", { name: "My account" }).click();
  await expect(page.getByRole("heading", { name: "My account", level: 1 })).toBeVisible();
  await ready(page, info);

  const change = async (current: string, next: string) => {
    await page.getByLabel("Current password").fill(current);
    await page.getByLabel("New password", { exact: true }).fill(next);
    await page.getByLabel("Confirm password").fill(next);
    await page.getByRole("button", { name: "Change password" }).click();
  };

  await change("not my password at all", TEMPORARY);
  await expect(page.getByLabel("Current password")).toHaveAccessibleDescription("This is not your current password.");
  await change(ADMIN.password, ADMIN.password);
  await expect(page.getByLabel("New password", { exact: true })).toHaveAccessibleDescription(
    /Choose a password different from the current one\./,
  );
  if (info.project.use.javaScriptEnabled !== false) {
    // The same meter as the reset, fed with the administrator's own name and address.
    await page.getByLabel("New password", { exact: true }).fill("clerk council 2024");
    await expect(page.getByRole("meter", { name: "Password strength" })).toBeVisible();
    await expect(page.locator("#password-strength-words")).toContainText(
      "The password must not contain the person's name, username, address or domain.",
    );
  }

  await change(ADMIN.password, TEMPORARY);
  try {
    await expect(page.getByRole("status")).toHaveText("Your password was changed. Other devices signed out: 0.");
    await openMenu(page, info);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page).toHaveURL(/\/login/);
    await login.open();
    await login.signIn(ADMIN.email, TEMPORARY);
    await expect(page).toHaveURL(/\/users$/);
  } finally {
    // Every other spec signs in with the usual password: put it back.
    await page.goto("/account/password");
    await ready(page, info);
    await change(TEMPORARY, ADMIN.password);
    await expect(page.getByRole("status")).toHaveText("Your password was changed. Other devices signed out: 0.");
  }
});

test("a mailbox user signs in to their own account only, and signs out a device they lost", async ({ page, browser }, info) => {
  await signInAsAdmin(page, info);
  const username = unique(info, "self");
  const email = `${username}@council.test`;
  const password = "quartz meadow tumble 7";
  const form = new NewUserPage(page, info);
  await form.open();
  await form.create({ username, name: `Self ${username}`, password });
  await expect(page.getByRole("status")).toHaveText("The user was created.");
  // The administrator's session stays (other specs share it); this browser forgets it.
  await page.context().clearCookies();

  // The user's panel is their account: no administration, and admin pages send them back.
  const login = new LoginPage(page, info);
  await login.open();
  await login.signIn(email, password);
  await expect(page).toHaveURL(/\/account\/password$/);
  await expect(page.getByRole("heading", { name: "My account", level: 1 })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);
  await page.goto("/users");
  await expect(page).toHaveURL(/\/account\/password$/);

  // A second device, say a phone left on a train.
  const other = await browser.newContext({ javaScriptEnabled: info.project.use.javaScriptEnabled });
  const phone = await other.newPage();
  const phoneLogin = new LoginPage(phone, info);
  await phoneLogin.open();
  await phoneLogin.signIn(email, password);
  await expect(phone).toHaveURL(/\/account\/password$/);

  await page.reload();
  await ready(page, info);
  const devices = page.getByRole("region", { name: "My devices" });
  await expect(devices.getByRole("listitem")).toHaveCount(2);
  await expect(devices.getByText("(this device)")).toHaveCount(1);
  await devices.getByRole("checkbox").check();
  await page.getByRole("button", { name: "Sign out the ticked devices" }).click();
  await expect(page.getByRole("status")).toHaveText("Devices signed out: 1.");
  await expect(devices.getByRole("listitem")).toHaveCount(1);
  await expect(page.getByText("You are signed in on this device only.")).toBeVisible();

  // The phone is out on its next request; this device goes on.
  await phone.reload();
  await expect(phone).toHaveURL(/\/login/);
  await other.close();
  await page.reload();
  await expect(page.getByRole("heading", { name: "My account", level: 1 })).toBeVisible();
});
