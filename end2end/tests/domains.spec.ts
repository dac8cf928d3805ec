import { expect, test } from "@playwright/test";
import { ADMIN_STATE, ready, signInAsAdmin, unique } from "./support";

// Signed in as the account administrator from the start (the setup project saved the session).
test.use({ storageState: ADMIN_STATE });

test("an administrator adds a domain and removes it while it is empty", async ({ page }, info) => {
  await signInAsAdmin(page, info);

  await page.getByRole("link", { name: "Domains" }).click();
  await expect(page.getByRole("heading", { name: "Domains", level: 1 })).toBeVisible();
  await ready(page, info);

  const name = `${unique(info, "d")}.test`;
  await page.getByLabel("Domain name").fill(name);
  await page.getByRole("button", { name: "Add domain" }).click();
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toHaveCount(1);
  await expect(row.getByRole("cell").first()).toHaveText("0");

  await page.getByLabel("Domain name").fill("not a domain");
  await page.getByRole("button", { name: "Add domain" }).click();
  await expect(page.getByLabel("Domain name")).toHaveAccessibleDescription("Enter a domain such as example.org.");

  // A domain with mailboxes stays, and the page says why.
  await page.getByRole("button", { name: "Remove council.test" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Addresses still on this domain (mailboxes, aliases and lists):" })).toBeVisible();

  await page.getByRole("button", { name: `Remove ${name}` }).click();
  await expect(page.getByRole("row").filter({ hasText: name })).toHaveCount(0);
});
