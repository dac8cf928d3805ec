import { expect, test } from "@playwright/test";
import { ADMIN_STATE, NewUserPage, UsersPage, ready, signInAsAdmin, unique } from "./support";

// Signed in as the account administrator from the start (the setup project saved the session).
test.use({ storageState: ADMIN_STATE });

test.beforeEach(async ({ page }, info) => {
  await signInAsAdmin(page, info);
});

test("User already exists names the alias or the list that holds the address", async ({ page }, info) => {
  const stem = unique(info, "addr");
  const form = new NewUserPage(page, info);
  await form.open();
  await form.create({ username: stem, name: `Owner ${stem}`, password: "quartz meadow tumble 7" });
  await expect(page.getByRole("status")).toHaveText("The user was created.");

  // An alias on the owner's page.
  const users = new UsersPage(page, info);
  await users.open(`?search=${stem}`);
  await users.row(`${stem}@council.test`).getByRole("link", { name: `Owner ${stem}` }).click();
  await expect(page.getByRole("heading", { name: `Owner ${stem}`, level: 1 })).toBeVisible();
  await ready(page, info);
  await page.getByLabel("New alias (the part before @)").fill(`${stem}-sales`);
  await page.getByRole("button", { name: "Add alias" }).click();
  await expect(page.getByRole("list", { name: "Aliases" })).toContainText(`${stem}-sales@council.test`);

  // A list with the owner as its member.
  await page.goto("/lists");
  await ready(page, info);
  await page.getByLabel("List name").fill(`Team ${stem}`);
  await page.getByLabel("List address (the part before @)").fill(`${stem}-team`);
  await page.getByRole("button", { name: "Create list" }).click();
  await expect(page.getByRole("heading", { name: `Team ${stem}`, level: 1 })).toBeVisible();
  await ready(page, info);
  await page.getByLabel("Address of the mailbox to add").fill(`${stem}@council.test`);
  await page.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByRole("list", { name: "Members of the list" })).toContainText(`${stem}@council.test`);
  await expect(page.getByRole("heading", { name: "Members: 1" })).toBeVisible();

  await form.open();
  await form.create({ username: `${stem}-sales`, name: "Clash", password: "quartz meadow tumble 7" });
  await expect(page.getByLabel("Username")).toHaveAccessibleDescription(
    `The part before @. It cannot be renamed later. User already exists: this address is an alias of ${stem}@council.test.`,
  );
  await form.open();
  await form.create({ username: `${stem}-team`, name: "Clash", password: "quartz meadow tumble 7" });
  await expect(page.getByLabel("Username")).toHaveAccessibleDescription(
    `The part before @. It cannot be renamed later. User already exists: this address is the distribution list “Team ${stem}”.`,
  );

  // Removing the alias and deleting the list free both addresses.
  await users.open(`?search=${stem}`);
  await users.row(`${stem}@council.test`).getByRole("link", { name: `Owner ${stem}` }).click();
  await ready(page, info);
  await page.getByRole("button", { name: `Remove alias ${stem}-sales@council.test` }).click();
  await expect(page.getByText("No alias.")).toBeVisible();
  await page.goto("/lists");
  await page.getByRole("link", { name: `Team ${stem}` }).click();
  await ready(page, info);
  await page.getByLabel("Type the address to confirm").fill(`${stem}-team@council.test`);
  await page.getByRole("button", { name: "Delete list" }).click();
  await expect(page.getByRole("status")).toHaveText("The list was deleted.");
});
