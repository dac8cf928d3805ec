import { expect, test } from "@playwright/test";
import { LoginPage, closedSoon, imapLogin, openSecurityTab, ready, setUpTwoFactor } from "./support";

const PASSWORD = "quartz meadow tumble 7";

test("a user makes an app password for a mail app, which opens IMAP until it is revoked", async ({ page, browser }, info) => {
  const username = await openSecurityTab(page, info, "apppw");
  const email = `${username}@council.test`;
  const security = page.url();

  const context = await browser.newContext({ javaScriptEnabled: info.project.use.javaScriptEnabled });
  const mine = await context.newPage();
  const login = new LoginPage(mine, info);
  await login.open();
  await login.signIn(email, PASSWORD);
  await mine.getByRole("navigation", { name: "Sections of My account" }).getByRole("link", { name: "App passwords" }).click();
  await expect(mine).toHaveURL(/\/account\/app-passwords$/);
  await expect(mine.getByText("No app password yet.")).toBeVisible();
  await ready(mine, info);
  await mine.getByLabel("Name").fill("Thunderbird on the laptop");
  await mine.getByRole("button", { name: "Create app password" }).click();
  const shown = mine.getByRole("region", { name: "New app password: Thunderbird on the laptop" });
  await expect(shown).toBeVisible();
  await expect(shown).toContainText(`type ${email} as the user name`);
  const secret = (await shown.getByLabel("App password").textContent()) ?? "";
  expect(secret).toMatch(/^[a-km-np-z2-9]{20}$/);
  await expect(mine.getByRole("row", { name: /Thunderbird on the laptop/ })).toBeVisible();

  // The mail app signs in with it; with two-factor authentication on, only with it.
  const app = await imapLogin(email, secret);
  expect(app.ok, app.line).toBe(true);
  await mine.goto("/account/two-factor");
  await setUpTwoFactor(mine, info, email);
  expect((await imapLogin(email, PASSWORD)).ok).toBe(false);
  const again = await imapLogin(email, secret);
  expect(again.ok, again.line).toBe(true);
  again.socket.end();

  // Shown once: back on the page, only its name remains.
  await mine.goto("/account/app-passwords");
  await expect(mine.getByRole("region", { name: /New app password/ })).toHaveCount(0);
  await expect(mine.getByText(secret)).toHaveCount(0);
  await mine.getByRole("row", { name: /Thunderbird on the laptop/ }).getByRole("button", { name: "Revoke" }).click();
  await expect(mine.getByRole("status").first()).toHaveText(
    "The app password is revoked: it no longer opens the mailbox, and the mail apps that used it were signed out.",
  );
  expect(await closedSoon(app), "the mail app's connection is closed").toBe(true);
  expect((await imapLogin(email, secret)).ok).toBe(false);
  await context.close();

  // The administrator makes one for the user, sees it once, and revokes it.
  await page.goto(security);
  await ready(page, info);
  const section = page.getByRole("region", { name: "App passwords" });
  await section.getByLabel("Name").fill("Outlook at the front desk");
  await section.getByRole("button", { name: "Create app password" }).click();
  await expect(page.getByRole("status").first()).toHaveText(
    "The app password is made. Copy it into the mail app now: it is shown only this once.",
  );
  const made = page.getByRole("region", { name: "New app password: Outlook at the front desk" });
  const forUser = (await made.getByLabel("App password").textContent()) ?? "";
  expect((await imapLogin(email, forUser)).ok).toBe(true);
  await expect(page.getByText("Mail apps sign in with app passwords, not on this list: 1 in use")).toBeVisible();
  const row = section.getByRole("row", { name: /Outlook at the front desk/ });
  await expect(row).toContainText("by clerk@council.test");
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(section.getByText("No app password yet.")).toBeVisible();
  expect((await imapLogin(email, forUser)).ok).toBe(false);
});
