import { expect, test } from "@playwright/test";
import { LoginPage, NewUserPage, signInAsAdmin, unique } from "./support";

test("the overview lists accounts to review and recent admin actions", async ({ page, browser }, info) => {
  await signInAsAdmin(page, info);

  // Never-signed-in accounts are listed by address: this one sorts before the other specs' users.
  const username = unique(info, "a0-stale");
  const form = new NewUserPage(page, info);
  await form.open();
  await form.create({ username, name: `Never Seen ${username}`, password: "quartz meadow tumble 7" });
  await expect(page.getByRole("status")).toHaveText("The user was created.");
  // A sign-in, which is one of the recent events the overview must show, by another user.
  const seen = unique(info, "seen");
  await form.open();
  await form.create({ username: seen, name: `Seen ${seen}`, password: "quartz meadow tumble 7" });
  await expect(page.getByRole("status")).toHaveText("The user was created.");
  const theirs = await browser.newContext({ javaScriptEnabled: info.project.use.javaScriptEnabled });
  const login = new LoginPage(await theirs.newPage(), info);
  await login.open();
  await login.signIn(`${seen}@council.test`, "quartz meadow tumble 7");
  await theirs.close();

  await page.getByRole("link", { name: "Overview" }).click();
  await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
  // Created a moment ago and never signed in: under "Never signed in", not under 90 days.
  await expect(page.getByRole("heading", { name: /Never signed in: \d+/ })).toBeVisible();
  const never = page.getByRole("table", { name: "Accounts that have never signed in" });
  await expect(never.getByRole("row").filter({ hasText: `${username}@council.test` })).toContainText("Never");
  await expect(page.getByRole("heading", { name: /Not signed in for 90 days or more: \d+/ })).toBeVisible();
  const stale = page.getByRole("table", { name: "Accounts not signed in for 90 days or more, the longest unseen first" });
  await expect(stale.getByRole("row").filter({ hasText: `${username}@council.test` })).toHaveCount(0);
  const recent = page.getByRole("table", { name: "The latest admin actions and sign-ins" });
  await expect(recent.getByRole("row").filter({ hasText: `${username}@council.test` })).toContainText("Created a user");
  await expect(recent.getByRole("row").filter({ hasText: `${seen}@council.test` }).filter({ hasText: "Signed in" })).toContainText("Done");
});
