import { expect, test } from "@playwright/test";
import { LoginPage, NewUserPage, UsersPage, unique } from "./support";

test.beforeEach(async ({ page }, info) => {
  const login = new LoginPage(page, info);
  await login.open();
  await login.signIn();
  await expect(page).toHaveURL(/\/users$/);
});

test("an administrator creates a user and finds it by search", async ({ page }, info) => {
  const username = unique(info, "jane");
  const form = new NewUserPage(page, info);
  await form.open();
  await form.create({ username, name: `Jane ${username}`, password: "quartz meadow tumble 7", quota: "0.5" });
  await expect(page.getByRole("status")).toHaveText("The user was created.");

  const users = new UsersPage(page, info);
  await users.open();
  await users.search(username);
  const row = users.row(`${username}@council.test`);
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("0.5 GB");
  await expect(row).toContainText("Active");
  await expect(row).toContainText("Never");

  // The search survives a reload: it lives in the URL.
  await page.reload();
  await expect(users.row(`${username}@council.test`)).toHaveCount(1);

  await users.search("no-such-person-anywhere");
  await expect(page.getByText("No user matches.")).toBeVisible();
});

test("refusals appear next to the field they concern", async ({ page }, info) => {
  const username = unique(info, "dup");
  const form = new NewUserPage(page, info);
  await form.open();
  await form.create({ username, name: "First", password: "quartz meadow tumble 7" });
  await expect(page.getByRole("status")).toHaveText("The user was created.");

  await form.open();
  await form.create({ username, name: "Second", password: "short" });
  await expect(page.getByLabel("Password", { exact: true })).toHaveAccessibleDescription(/Use at least 12 characters\./);

  await form.open();
  await form.create({ username, name: "Second", password: "quartz meadow tumble 7" });
  await expect(page.getByLabel("Username")).toHaveAccessibleDescription(/User already exists/);
});

test("the list sorts by quota, largest first, and keeps the order in the URL", async ({ page }, info) => {
  const users = new UsersPage(page, info);
  await users.open();
  await page.getByLabel("Sort by").selectOption({ label: "Quota" });
  await page.getByLabel("Order").selectOption({ label: "Descending" });
  if (info.project.use.javaScriptEnabled === false) {
    await page.getByRole("search").getByRole("button", { name: "Search" }).click();
  }
  await expect(page).toHaveURL(/sort=quota/);
  await expect(page).toHaveURL(/dir=desc/);
  const quotas = await page
    .getByRole("row")
    .filter({ has: page.getByRole("rowheader") })
    .evaluateAll((rows) => rows.map((r) => parseFloat(r.querySelectorAll("td")[2].textContent ?? "0")));
  expect(quotas.length).toBeGreaterThan(1);
  expect([...quotas].sort((a, b) => b - a)).toEqual(quotas);
});
