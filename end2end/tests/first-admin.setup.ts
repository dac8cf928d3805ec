import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { ADMIN, ADMIN_STATE, ready, setUpTwoFactor, setupToken } from "./support";

test("the first administrator is created with the one-time setup token", async ({ page }, info) => {
  await page.goto("/login");
  await ready(page, info);
  await page.getByRole("link", { name: "First start? Create the first administrator" }).click();
  await expect(page.getByRole("heading", { name: "Set up Postmaster" })).toBeVisible();

  const fill = async (token: string) => {
    await page.getByLabel("Setup token").fill(token);
    await page.getByLabel("Organisation name").fill(ADMIN.organisation);
    await page.getByLabel("Your name").fill(ADMIN.name);
    await page.getByLabel("Your email address").fill(ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByLabel("Confirm password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Create administrator" }).click();
  };

  await fill("0123456789abcdef0123456789abcdef");
  await expect(page.getByText("This setup token is not valid.")).toBeVisible();

  await fill(setupToken());
  await expect(page).toHaveURL(/\/login\?notice=setup_done/);
  await expect(page.getByRole("status")).toContainText("Setup is complete");

  // The token opened the page once; now it stays shut.
  await page.goto("/setup");
  await expect(page.getByText("Setup is complete. This page no longer opens.")).toBeVisible();

  // A new organisation requires two-factor authentication of its administrators, the first
  // one included: right after the password, its set-up is the only page open.
  await page.goto("/login");
  await ready(page, info);
  await page.getByLabel("Email address").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account\/two-factor$/);
  await expect(page.getByRole("alert")).toHaveText("Your organisation requires two-factor authentication. Set it up to continue.");
  await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);
  await page.goto("/users");
  await expect(page).toHaveURL(/\/account\/two-factor$/);
  const codes = await setUpTwoFactor(page, info, ADMIN.email);
  expect(new Set(codes).size).toBe(10);
  for (const code of codes) expect(code).toMatch(/^[2-9a-hjkmnp-z]{5}-[2-9a-hjkmnp-z]{5}$/);
  // "Download" hands over the codes as a file made in the page.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("postmaster-recovery-codes.txt");
  const file = readFileSync(await download.path(), "utf8");
  for (const code of codes) expect(file).toContain(code);
  // Shown once: a reload shows how many are left, not the codes.
  await page.reload();
  await expect(page.getByText("Recovery codes left: 10.")).toBeVisible();
  await expect(page.getByRole("list", { name: "Recovery codes" })).toHaveCount(0);

  // Room for the mailboxes every spec of every project creates in this one database.
  await page.goto("/users");
  await expect(page).toHaveURL(/\/users$/);
  // Every spec that doesn't sign this session out starts from it instead of the sign-in form.
  await page.context().storageState({ path: ADMIN_STATE });
  await page.goto("/settings");
  await ready(page, info);
  await page.getByLabel("Mailbox licences").fill("500");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("region", { name: "Licences and storage" })).toContainText(/Mailboxes: \d+ of 500/);
});
