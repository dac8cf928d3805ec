import { expect, test } from "@playwright/test";
import { LoginPage, ready, signInAsAdmin } from "./support";

// Runs in the phone project only (see playwright.config.ts). The width compared is the device's,
// not window.innerWidth: a phone browser zooms out to fit a page that overflows, which would hide it.
test("every signed-in page fits a 390 px wide phone", async ({ page }, info) => {
  const width = page.viewportSize()!.width;
  expect(width).toBe(390);
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth);
  const login = new LoginPage(page, info);
  await login.open();
  expect(await overflow(), "/login is wider than the phone").toBeLessThanOrEqual(width);
  await signInAsAdmin(page, info);
  for (const path of ["/users", "/users/new", "/users/import", "/overview", "/lists", "/domains", "/settings", "/account/password", "/account/two-factor", "/forgot-password"]) {
    await page.goto(path);
    await ready(page, info);
    expect(await overflow(), `${path} is wider than the phone`).toBeLessThanOrEqual(width);
  }
  // A user's page and its Security tab.
  await page.goto("/users");
  await page.getByRole("row").nth(1).getByRole("link").first().click();
  await page.getByRole("link", { name: "Security" }).click();
  await expect(page.getByRole("heading", { name: "Reset password" })).toBeVisible();
  await ready(page, info);
  expect(await overflow(), "the Security tab is wider than the phone").toBeLessThanOrEqual(width);
});
