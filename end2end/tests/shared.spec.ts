import { expect, test } from "@playwright/test";
import { ADMIN_STATE, NewUserPage, UsersPage, ready, signInAsAdmin, unique } from "./support";

// Signed in as the account administrator from the start (the setup project saved the session).
test.use({ storageState: ADMIN_STATE });

test("a leaving user's mailbox is kept as a shared mailbox instead of deleted", async ({ page }, info) => {
  await signInAsAdmin(page, info);
  const username = unique(info, "leaver");
  const form = new NewUserPage(page, info);
  await form.open();
  await form.create({ username, name: `Leaver ${username}`, password: "quartz meadow tumble 7" });
  await expect(page.getByRole("status")).toHaveText("The user was created.");

  const users = new UsersPage(page, info);
  await users.open(`?search=${username}`);
  await users.row(`${username}@council.test`).getByRole("link", { name: `Leaver ${username}` }).click();
  await ready(page, info);
  await page.getByRole("button", { name: "Convert to a shared mailbox" }).click();
  await expect(page.getByRole("status")).toHaveText("The mailbox is now a shared mailbox. Its sessions have ended.");
  await expect(page.getByRole("button", { name: "Convert to a shared mailbox" })).toHaveCount(0);

  await users.open(`?search=${username}`);
  await expect(users.row(`${username}@council.test`)).toContainText("Shared mailbox");
});
