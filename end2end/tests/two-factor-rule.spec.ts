import { expect, test } from "@playwright/test";
import { openSecurityTab, ready, setUpTwoFactor } from "./support";

const PASSWORD = "quartz meadow tumble 7";

test("the organisation's rule sends everyone without two-factor authentication to set it up", async ({ page, browser }, info) => {
  const username = await openSecurityTab(page, info, "rule");
  const email = `${username}@council.test`;
  const rule = async (label: string) => {
    await page.goto("/settings");
    await ready(page, info);
    const section = page.getByRole("region", { name: "Two-factor authentication" });
    await section.getByLabel("Require two-factor authentication for").selectOption({ label });
    await section.getByRole("button", { name: "Save two-factor rule" }).click();
    await expect(page.getByRole("status").first()).toHaveText("The two-factor rule is saved.");
  };
  await page.goto("/settings");
  await expect(page.getByLabel("Require two-factor authentication for")).toHaveValue("admins");
  await rule("Everyone");
  try {
    const context = await browser.newContext({ javaScriptEnabled: info.project.use.javaScriptEnabled });
    const mine = await context.newPage();
    await mine.goto("/login");
    await ready(mine, info);
    await mine.getByLabel("Email address").fill(email);
    await mine.getByLabel("Password").fill(PASSWORD);
    await mine.getByRole("button", { name: "Sign in" }).click();
    await expect(mine).toHaveURL(/\/account\/two-factor$/);
    await expect(mine.getByRole("alert")).toHaveText("Your organisation requires two-factor authentication. Set it up to continue.");
    await mine.goto("/account/password");
    await expect(mine).toHaveURL(/\/account\/two-factor$/);
    await setUpTwoFactor(mine, info, email);
    await mine.goto("/account/password");
    await expect(mine.getByRole("heading", { name: "Password", level: 2 })).toBeVisible();
    // Required: it can't be turned off.
    await mine.goto("/account/two-factor");
    await expect(mine.getByText("Your organisation requires two-factor authentication, so it stays on.")).toBeVisible();
    await expect(mine.getByRole("button", { name: "Turn off" })).toHaveCount(0);
    await context.close();
  } finally {
    await rule("Administrators");
  }
});
