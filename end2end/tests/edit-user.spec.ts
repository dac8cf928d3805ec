import { expect, test } from "@playwright/test";
import { ADMIN_STATE, NewUserPage, UsersPage, ready, signInAsAdmin, unique } from "./support";

// Signed in as the account administrator from the start (the setup project saved the session).
test.use({ storageState: ADMIN_STATE });

test("an administrator edits, disables and deletes a user", async ({ page }, info) => {
  await signInAsAdmin(page, info);

  const username = unique(info, "edit");
  const address = `${username}@council.test`;
  const form = new NewUserPage(page, info);
  await form.open();
  await form.create({ username, name: "Temporary Name", password: "quartz meadow tumble 7" });
  await expect(page.getByRole("status")).toHaveText("The user was created.");

  const users = new UsersPage(page, info);
  await users.open();
  await users.search(username);
  await users.row(address).getByRole("link", { name: "Temporary Name" }).click();
  await expect(page.getByRole("heading", { name: "Temporary Name", level: 1 })).toBeVisible();
  await ready(page, info);
  await expect(page.getByText("The username can't be renamed.")).toBeVisible();

  await page.getByLabel("Display name").fill("Edited Name");
  await page.getByLabel("Quota (GB)").fill("0.75");
  await page.getByRole("checkbox", { name: "Disabled" }).check();
  await page.getByRole("checkbox", { name: "Only local SMTP" }).check();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status")).toHaveText("The changes were saved.");
  await expect(page.getByRole("heading", { name: "Edited Name", level: 1 })).toBeVisible();
  await expect(page.getByRole("checkbox", { name: "Disabled" })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: "Only local SMTP" })).toBeChecked();

  await users.open(`?search=${username}`);
  await expect(users.row(address)).toContainText("Disabled");
  await expect(users.row(address)).toContainText("0.75 GB");

  await users.row(address).getByRole("link", { name: "Edited Name" }).click();
  await expect(page.getByRole("heading", { name: "Edited Name", level: 1 })).toBeVisible();
  await ready(page, info);
  await expect(page.getByText(`Deleting ${address} removes the mailbox with every email`)).toBeVisible();
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download this account's record (JSON)" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(`${address}.json`);
  const record = JSON.parse(require("node:fs").readFileSync(await file.path(), "utf8"));
  expect(record.email).toBe(address);
  expect(record.name).toBe("Edited Name");
  await page.getByLabel("Type the address to confirm").fill("someone-else@council.test");
  await page.getByRole("button", { name: "Delete user" }).click();
  await expect(page.getByLabel("Type the address to confirm")).toHaveAccessibleDescription(
    "Type the mailbox's address exactly to confirm.",
  );

  await page.getByLabel("Type the address to confirm").fill(address);
  await page.getByRole("button", { name: "Delete user" }).click();
  await expect(page.getByRole("status")).toHaveText("The user was deleted.");
  await users.search(username);
  await expect(page.getByText("No user matches.")).toBeVisible();
});
