import { expect, test } from "@playwright/test";
import { LoginPage, openMenu, openSecurityTab, ready, setUpTwoFactor, takeRecoveryCode } from "./support";

const PASSWORD = "quartz meadow tumble 7";

test("a user sets up two-factor authentication, signs in with a code and a recovery code, and an administrator resets it", async ({ page, browser }, info) => {
  const username = await openSecurityTab(page, info, "totp");
  const email = `${username}@council.test`;
  const security = page.url();
  const section = page.getByRole("region", { name: "Two-factor authentication" });
  await expect(section).toContainText("Off.");
  await expect(section.getByRole("button", { name: "Reset two-factor authentication" })).toHaveCount(0);

  // The user, in a browser of their own.
  const javaScriptEnabled = info.project.use.javaScriptEnabled;
  const context = await browser.newContext({ javaScriptEnabled });
  const mine = await context.newPage();
  const login = new LoginPage(mine, info);
  await login.open();
  await login.signIn(email, PASSWORD);
  await expect(mine).toHaveURL(/\/account\/password$/);
  await mine.getByRole("navigation", { name: "Sections of My account" }).getByRole("link", { name: "Two-factor authentication" }).click();
  await expect(mine).toHaveURL(/\/account\/two-factor$/);
  await expect(mine.getByRole("button", { name: "Set up" })).toBeVisible();
  const codes = await setUpTwoFactor(mine, info, email);
  if (javaScriptEnabled !== false) {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await mine.getByRole("button", { name: "Copy" }).click();
    await expect(mine.getByRole("region", { name: "Recovery codes" }).getByRole("status")).toHaveText("Copied to the clipboard.");
    expect(await mine.evaluate(() => navigator.clipboard.readText())).toBe(codes.join("\n"));
  } else {
    // Without JavaScript the codes are there to select; only "Copy" needs the script.
    await expect(mine.getByRole("button", { name: "Copy" })).toBeHidden();
  }

  // The next sign-in asks for the code.
  await openMenu(mine, info);
  await mine.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(mine).toHaveURL(/\/login/);
  await login.open();
  await login.signIn(email, PASSWORD);
  await expect(mine).toHaveURL(/\/account\/password$/);

  // A recovery code stands in for the phone, once.
  await openMenu(mine, info);
  await mine.getByRole("button", { name: "Sign out", exact: true }).click();
  await login.open();
  await mine.getByLabel("Email address").fill(email);
  await mine.getByLabel("Password").fill(PASSWORD);
  await mine.getByRole("button", { name: "Sign in" }).click();
  await expect(mine).toHaveURL(/\/login\/code$/);
  await expect(mine.getByText(`Signing in as ${email}.`)).toBeVisible();
  await ready(mine, info);
  await mine.getByLabel("Authentication code").fill("000000");
  await mine.getByRole("button", { name: "Verify" }).click();
  await expect(mine.getByLabel("Authentication code")).toHaveAccessibleDescription(/That code is not right\./);
  await mine.getByLabel("Authentication code").fill(takeRecoveryCode(email));
  await mine.getByRole("button", { name: "Verify" }).click();
  await expect(mine).toHaveURL(/\/account\/two-factor/);
  await expect(mine.getByRole("status").first()).toHaveText("You signed in with a recovery code. Recovery codes left: 9.");

  // The administrator sees it on and resets it: the user is signed out everywhere.
  await page.goto(security);
  await ready(page, info);
  await expect(section).toContainText(/On since \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\. Recovery codes left: 9\./);
  await section.getByRole("button", { name: "Reset two-factor authentication" }).click();
  await expect(page.getByRole("status").first()).toHaveText(
    "Two-factor authentication was reset. Devices signed out: 1. The user sets it up again at their next sign-in.",
  );
  await expect(section).toContainText("Off.");
  await mine.reload();
  await expect(mine).toHaveURL(/\/login/);
  // Their password alone signs them in again: the organisation requires it of administrators.
  await login.open();
  await mine.getByLabel("Email address").fill(email);
  await mine.getByLabel("Password").fill(PASSWORD);
  await mine.getByRole("button", { name: "Sign in" }).click();
  await expect(mine).toHaveURL(/\/account\/password$/);
  await context.close();
});
