import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { ADMIN_STATE, NewUserPage, UsersPage, mailTo, ready, signInAsAdmin, unique } from "./support";

// Signed in as the account administrator from the start (the setup project saved the session).
test.use({ storageState: ADMIN_STATE });

/** Creates a mailbox with a recovery address and opens its Security tab. */
async function mailboxWithRecovery(page: Page, info: TestInfo): Promise<{ address: string; recovery: string }> {
  await signInAsAdmin(page, info);
  const username = unique(info, "mail");
  const address = `${username}@council.test`;
  const recovery = `${username}@home.example`;
  const form = new NewUserPage(page, info);
  await form.open();
  await form.create({ username, name: `Mail ${username}`, password: "quartz meadow tumble 7" });
  await expect(page.getByRole("status")).toHaveText("The user was created.");
  const users = new UsersPage(page, info);
  await users.open();
  await users.search(username);
  await users.row(address).getByRole("link", { name: `Mail ${username}` }).click();
  await ready(page, info);

  // The mailbox itself can't be its own recovery address.
  const field = page.getByLabel("Recovery email address");
  await field.fill(address);
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(field).toHaveAccessibleDescription(/Use an address outside this mailbox/);
  await page.getByLabel("Recovery email address").fill(recovery);
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status")).toHaveText("The changes were saved.");
  await expect(page.getByLabel("Recovery email address")).toHaveValue(recovery);

  await page.getByRole("navigation", { name: "Sections of this user's page" }).getByRole("link", { name: "Security" }).click();
  await expect(page.getByRole("heading", { name: "Reset password" })).toBeVisible();
  await ready(page, info);
  return { address, recovery };
}

test("a reset emails a single-use link to the recovery address, and the link sets the password", async ({ page }, info) => {
  const { address, recovery } = await mailboxWithRecovery(page, info);
  await expect(page.getByText(`To the recovery address ${recovery}.`)).toBeVisible();
  // The link is the default when there is somewhere to send it; the fields may stay empty.
  await expect(page.getByLabel("Email a link to set a new password (works once, for 24 hours)")).toBeChecked();
  await page.getByRole("button", { name: "Reset password" }).click();
  await expect(page.getByRole("status")).toContainText("Email queued for the recovery address");

  const emails = page.getByRole("region", { name: "Emails about this user" });
  await expect(emails).toContainText("Link to set a password");
  await expect(emails).toContainText("Notice of the reset");
  await expect.poll(() => mailTo(recovery).length, { timeout: 15_000 }).toBe(1);
  await expect.poll(() => mailTo(address).length, { timeout: 15_000 }).toBe(1);
  // The admin sees each message go out.
  await expect(async () => {
    await page.reload();
    await expect(emails).not.toContainText("Queued");
    await expect(emails.getByText("Sent", { exact: true })).toHaveCount(2);
  }).toPass({ timeout: 15_000 });

  const message = mailTo(recovery)[0];
  const link = message.match(/http:\/\/\S+\/set-password\/[0-9a-f]{32}/)?.[0];
  expect(link, message).toBeTruthy();
  const notice = mailTo(address)[0];
  expect(notice).not.toContain("set-password");

  await page.goto(link!);
  await expect(page.getByRole("heading", { name: "Choose your password", level: 1 })).toBeVisible();
  await expect(page.getByText(`For the mailbox ${address}.`)).toBeVisible();
  await ready(page, info);
  await page.getByLabel("New password", { exact: true }).fill("copper willow 9 harbour");
  await page.getByLabel("Confirm password").fill("copper willow 9 harbour");
  await page.getByRole("button", { name: "Set password" }).click();
  await expect(page).toHaveURL(/\/login\?notice=password_set$/);
  await expect(page.getByRole("status")).toHaveText("Your password was set. Sign in with it.");

  // Once only.
  await page.goto(link!);
  await expect(page.getByRole("alert")).toHaveText(
    "This link has expired or was already used. Ask your administrator for a new one.",
  );
});

test("the temporary password goes by email only with a forced change", async ({ page }, info) => {
  const { recovery } = await mailboxWithRecovery(page, info);
  const password = "lantern orbit fiddle 42";
  await page.getByLabel("New password", { exact: true }).fill(password);
  await page.getByLabel("Confirm password").fill(password);
  await page.getByLabel("Ask for a new password at the next sign-in").uncheck();
  await page.getByLabel(/Email this temporary password/).check();
  await page.getByRole("button", { name: "Reset password" }).click();
  await expect(page.getByLabel(/Email this temporary password/)).toHaveAccessibleDescription(
    /A temporary password is emailed only when the user must choose a new one/,
  );

  await page.getByLabel("New password", { exact: true }).fill(password);
  await page.getByLabel("Confirm password").fill(password);
  await page.getByLabel("Ask for a new password at the next sign-in").check();
  await page.getByLabel(/Email this temporary password/).check();
  await page.getByRole("button", { name: "Reset password" }).click();
  await expect(page.getByRole("status")).toContainText("Email queued for the recovery address");
  await expect.poll(() => mailTo(recovery).length, { timeout: 15_000 }).toBe(1);
  expect(mailTo(recovery)[0]).toContain(password);
  // Shown in the dialog that set it, and nowhere else on the page after.
  expect(await page.content()).not.toContain(password);
});
