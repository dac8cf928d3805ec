import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { ADMIN_STATE, closedSoon, imapLogin, openSecurityTab, ready } from "./support";

// Signed in as the account administrator from the start (the setup project saved the session).
test.use({ storageState: ADMIN_STATE });

// The Dovecot that scripts/e2e.sh runs on the panel's database.
const dovecot = (command: "start" | "stop") =>
  execFileSync("bash", ["../scripts/dovecot.sh", command, process.env.E2E_DOVECOT_DIR ?? ""]);


test("the mail server follows the panel: sign-out closes IMAP, a reset and disabling refuse it", async ({ page }, info) => {
  const username = await openSecurityTab(page, info, "imap");
  const email = `${username}@council.test`;
  const first = await imapLogin(email, "quartz meadow tumble 7");
  expect(first.ok, first.line).toBe(true);
  const second = await imapLogin(email, "quartz meadow tumble 7");

  // Sign out all devices: the mail apps' connections close too.
  const devices = page.getByRole("region", { name: "Signed-in devices" });
  await devices.getByRole("button", { name: "Sign out all devices now" }).click();
  await expect(page.getByRole("status").first()).toHaveText("Devices signed out: 0.");
  expect(await closedSoon(first)).toBe(true);
  expect(await closedSoon(second)).toBe(true);

  // A reset with a forced change: the old password is refused at once; the temporary one says why.
  await page.getByLabel("New password", { exact: true }).fill("copper willow 9 harbour");
  await page.getByLabel("Confirm password").fill("copper willow 9 harbour");
  await page.getByRole("button", { name: "Reset password" }).click();
  await expect(page.getByRole("status").first()).toContainText("The password was reset.");
  const old = await imapLogin(email, "quartz meadow tumble 7");
  expect(old.ok).toBe(false);
  const temporary = await imapLogin(email, "copper willow 9 harbour");
  expect(temporary.line).toContain("Password change required: use the web panel");

  // The mail server is down: the sign-out holds in the panel, and the admin is told.
  dovecot("stop");
  try {
    await devices.getByRole("button", { name: "Sign out all devices now" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "the mail server could not be reached" })).toBeVisible();
  } finally {
    dovecot("start");
  }

  // Disabled on the Profile tab: refused over IMAP, even with the right password.
  await page.getByRole("navigation", { name: "Sections of this user's page" }).getByRole("link", { name: "Profile" }).click();
  await ready(page, info);
  await page.getByRole("checkbox", { name: "Disabled" }).check();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status").first()).toHaveText("The changes were saved.");
  const disabled = await imapLogin(email, "copper willow 9 harbour");
  expect(disabled.ok).toBe(false);
  expect(disabled.line).toContain("Authentication failed");
});
