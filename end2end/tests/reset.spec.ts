import { expect, test } from "@playwright/test";
import { ADMIN_STATE, NewUserPage, openMenu, openSecurityTab, ready, signInAsAdmin } from "./support";

// Signed in as the account administrator from the start (the setup project saved the session).
test.use({ storageState: ADMIN_STATE });

test("a reset refuses a mismatch next to its field, then sets the password and says what it did", async ({ page }, info) => {
  await openSecurityTab(page, info, "reset");
  const password = page.getByLabel("New password", { exact: true });
  const confirm = page.getByLabel("Confirm password");
  // The safe choices are the defaults.
  await expect(page.getByLabel("Ask for a new password at the next sign-in")).toBeChecked();
  await expect(page.getByLabel("Sign out from all devices")).toBeChecked();
  await expect(page.getByText("The user is not signed in on any device.")).toBeVisible();
  await expect(page.getByLabel("Sign out only the devices ticked below")).toBeDisabled();

  await password.fill("copper willow 9 harbour");
  await confirm.fill("copper willow 9 harbor");
  await page.getByRole("button", { name: "Reset password" }).click();
  await expect(confirm).toHaveAccessibleDescription("The two passwords are different.");

  await password.fill("copper willow 9 harbour");
  await confirm.fill("copper willow 9 harbour");
  await page.getByRole("button", { name: "Reset password" }).click();
  await expect(page.getByRole("status")).toHaveText(
    "The password was reset. Devices signed out: 0. The user must choose a new password at their next sign-in.",
  );
  // The password lives in the form until it is sent, and never again.
  await expect(page.getByLabel("New password", { exact: true })).toHaveValue("");
  expect(await page.content()).not.toContain("copper willow 9 harbour");
});

test("Generate fills both fields with a memorable password that can be shown and copied", async ({ page, context }, info) => {
  await openSecurityTab(page, info, "gen");
  const generate = page.getByRole("button", { name: "Generate" });
  if (info.project.use.javaScriptEnabled === false) {
    // The generator needs the script; the admin types a password instead.
    await expect(generate).toHaveCount(0);
    await expect(page.getByLabel("New password", { exact: true })).toBeVisible();
    return;
  }
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const password = page.getByLabel("New password", { exact: true });
  const confirm = page.getByLabel("Confirm password");
  await expect(password).toHaveAttribute("type", "password");

  await page.getByRole("combobox", { name: "Words" }).selectOption("5");
  await page.getByLabel("Separator").selectOption({ label: "Period (.)" });
  await page.getByLabel("Digits at each end").selectOption("3");
  await generate.click();
  await expect(page.getByRole("status")).toContainText(/Generated: \d+ bits of randomness/);
  const first = await password.inputValue();
  expect(first).toMatch(/^\d{3}\.[A-Za-z]+\.[A-Za-z]+\.[A-Za-z]+\.[A-Za-z]+\.[A-Za-z]+\.\d{3}$/);
  await expect(confirm).toHaveValue(first);

  await generate.click();
  await expect(password).not.toHaveValue(first);
  const second = await password.inputValue();
  await expect(confirm).toHaveValue(second);

  await page.getByLabel("Show password").check();
  await expect(password).toHaveAttribute("type", "text");
  await expect(confirm).toHaveAttribute("type", "text");
  await page.getByLabel("Show password").uncheck();
  await expect(password).toHaveAttribute("type", "password");

  await page.getByRole("button", { name: "Copy password" }).click();
  await expect(page.getByRole("status")).toHaveText("The password is on the clipboard.");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(second);

  await page.getByLabel("Ask for a new password at the next sign-in").uncheck();
  await page.getByRole("button", { name: "Reset password" }).click();
  await expect(page.getByRole("status")).toHaveText("The password was reset. Devices signed out: 0.");
  await expect(page.getByLabel("New password", { exact: true })).toHaveValue("");
  expect(await page.content()).not.toContain(second);
});

test("the strength meter loads on first use and shows the verdict the server then gives", { tag: "@needs-javascript" }, async ({ page }, info) => {
  const username = await openSecurityTab(page, info, "meter");
  const meter = page.getByRole("meter", { name: "Password strength" });
  await expect(meter).toBeHidden();

  // zxcvbn's chunk is not part of the first load: it comes when the field is first used.
  const wasm: string[] = [];
  page.on("request", (r) => {
    if (r.url().endsWith(".wasm")) wasm.push(r.url());
  });
  const password = page.getByLabel("New password", { exact: true });
  await password.focus();
  await expect.poll(() => wasm.length).toBeGreaterThan(0);

  await password.pressSequentially("aaaaaaaaaaaa");
  await expect(meter).toBeVisible();
  await expect(meter).toHaveAttribute("value", /^[0-2]$/);
  const words = page.locator("#password-strength-words");
  await expect(words).toContainText("This password is too easy to guess. Add a few unusual words.");
  await expect(words).toContainText("Repeats like");
  // A password from the leaked lists is refused by name.
  await password.fill("password1234");
  await expect(words).toContainText("This is one of the most common passwords: attackers try it first.");
  await expect(words).toContainText(/Time to guess it from a stolen copy: (less than a second|\d+ (seconds|minutes))/);

  // The holder's own username is refused, as the server will.
  await password.fill(`${username} harbour`);
  await expect(words).toContainText("The password must not contain the person's name, username, address or domain.");

  await password.fill("quartz meadow tumble 7 lantern");
  await expect(meter).toHaveAttribute("value", "4");
  // The verdict stands beside the bar, and describes it.
  await expect(meter).toHaveAccessibleDescription(/^Very strong /);
  await expect(words).toContainText("The policy accepts this password.");
  await expect(words).toContainText("centuries");

  // Sent anyway, a weak password gets the very words the meter showed, next to its field.
  await password.fill("password1234");
  await page.getByLabel("Confirm password").fill("password1234");
  await page.getByRole("button", { name: "Reset password" }).click();
  await expect(page.getByLabel("New password", { exact: true })).toHaveAccessibleDescription(
    /This is one of the most common passwords: attackers try it first\./,
  );
  // Said once, under the field: the meter does not repeat it.
  await expect(words.getByText("This is one of the most common passwords: attackers try it first.")).toBeHidden();

  await openMenu(page, info);
  await page.getByRole("button", { name: "Français" }).click();
  await page.getByLabel("Nouveau mot de passe", { exact: true }).fill("bbbbbbbbbbbb");
  await expect(page.getByRole("meter", { name: "Robustesse du mot de passe" })).toBeVisible();
  await expect(words).toContainText("Ce mot de passe est trop facile à deviner.");
  await openMenu(page, info);
  await page.getByRole("button", { name: "English" }).click();
});

test("on the Add user page the meter counts the name and username typed above it", { tag: "@needs-javascript" }, async ({ page }, info) => {
  await signInAsAdmin(page, info);
  const form = new NewUserPage(page, info);
  await form.open();
  await page.getByLabel("Username").fill("marigold");
  await page.getByLabel("Display name").fill("Ada Lovelace");
  const password = page.getByLabel("Password", { exact: true });
  const words = page.locator("#password-strength-words");
  await password.fill("Marigold lantern 42 tide");
  await expect(page.getByRole("meter", { name: "Password strength" })).toBeVisible();
  await expect(words).toContainText("The password must not contain the person's name, username, address or domain.");
  await password.fill("lovelace harbour 7 quartz");
  await expect(words).toContainText("The password must not contain the person's name, username, address or domain.");
  await password.fill("copper willow 9 harbour");
  await expect(words).toContainText("The policy accepts this password.");
});
