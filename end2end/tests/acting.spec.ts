import { expect, test } from "@playwright/test";
import { ADMIN, openSecurityTab, ready } from "./support";

test("an administrator signs in as a user, sees the banner, changes the user's language and returns", async ({ page }, info) => {
  const username = await openSecurityTab(page, info, "actas");
  const email = `${username}@council.test`;
  const profile = new URL(page.url()).pathname.replace(/\/security$/, "");
  await page.goto(profile);
  await ready(page, info);
  await page.getByRole("button", { name: "Sign in as this user" }).click();

  await expect(page).toHaveURL(/\/account\/password$/);
  const banner = page.getByRole("complementary", { name: "Signed in as another user" });
  await expect(banner).toHaveText(new RegExp(`You are signed in as ${email} \\(as ${ADMIN.email}\\)`));
  // The user's password stays theirs: no form to see or change it.
  await expect(page.getByRole("button", { name: "Change password" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Sign out" })).toHaveCount(0);
  await ready(page, info);

  const region = page.getByRole("region", { name: "Language and region" });
  await region.getByLabel("Language").selectOption("fr");
  await region.getByRole("button", { name: "Save language and region" }).click();
  await expect(page.getByRole("status").first()).toHaveText("The changes were saved.");
  // The banner stays on every page of the user's area.
  await page.getByRole("link", { name: "App passwords" }).click();
  await expect(banner).toBeVisible();
  await expect(page.getByRole("region", { name: "Recent activity on your account" })).toHaveCount(0);
  await page.goto("/account/password");
  await expect(
    page.getByRole("region", { name: "Recent activity on your account" }).getByRole("row", { name: /Language and region changed/ }),
  ).toContainText(`${email} (by ${ADMIN.email})`);
  await ready(page, info);

  await banner.getByRole("button", { name: "Return to my account" }).click();
  await expect(page).toHaveURL(new RegExp(`${profile}$`));
  await expect(banner).toHaveCount(0);
  await expect(page.getByText(`Signed in as ${ADMIN.email}`)).toBeVisible();
  await expect(page.locator('select[name="form[language]"]')).toHaveValue("fr");
});
