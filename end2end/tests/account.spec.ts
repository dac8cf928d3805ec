import { expect, test } from "@playwright/test";
import { ADMIN, LoginPage, ready } from "./support";

test("an administrator changes their own password on My account, then back", async ({ page }, info) => {
  const TEMPORARY = `harbour quilt ${info.project.name} 47`;
  const login = new LoginPage(page, info);
  await login.open();
  await login.signIn();
  await expect(page).toHaveURL(/\/users$/);
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
    await page.getByRole("button", { name: "Sign out" }).click();
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
