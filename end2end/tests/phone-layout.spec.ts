import { expect, test } from "@playwright/test";
import { LoginPage, NewUserPage, UsersPage } from "./support";

// Runs in the phone project only (see playwright.config.ts).
test("the signed-in pages fit a 390 px wide phone", async ({ page }, info) => {
  const login = new LoginPage(page, info);
  await login.open();
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(await overflow()).toBeLessThanOrEqual(0);
  await login.signIn();
  await expect(page).toHaveURL(/\/users$/);
  await new UsersPage(page, info).open();
  expect(await overflow()).toBeLessThanOrEqual(0);
  await new NewUserPage(page, info).open();
  expect(await overflow()).toBeLessThanOrEqual(0);
});
