import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { ADMIN_STATE, openMenu, openSecurityTab, ready, signInAsAdmin, signedInPages } from "./support";

// Signed in as the account administrator from the start (the setup project saved the session).
test.use({ storageState: ADMIN_STATE });

/** What axe-core finds on the page as it is now (only `rules`, when given), a line per element. */
async function violations(page: Page, rules?: string[]): Promise<string[]> {
  const axe = new AxeBuilder({ page });
  const found = await (rules ? axe.withRules(rules) : axe).analyze();
  return found.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")} (${v.help})`));
}

/**
 * Every rule in the light scheme; in the dark one, which changes colours only (style/main.css
 * swaps the tokens), the rules about colour.
 */
async function bothSchemes(page: Page): Promise<string[]> {
  await page.emulateMedia({ colorScheme: "light" });
  const light = (await violations(page)).map((v) => `light: ${v}`);
  await page.emulateMedia({ colorScheme: "dark" });
  const dark = (await violations(page, ["color-contrast", "link-in-text-block"])).map((v) => `dark: ${v}`);
  await page.emulateMedia({ colorScheme: "light" });
  return [...light, ...dark];
}

// Rendering, not storage: the PostgreSQL run (scripts/test.sh) leaves it out, as it leaves out
// the phone project.
test("axe-core finds nothing on any page, light and dark", { tag: "@rendering" }, async ({ page }, info) => {
  test.setTimeout(120_000);
  await signInAsAdmin(page, info);
  await page.getByRole("row").nth(1).getByRole("link").first().click();
  await expect(page.getByRole("navigation", { name: "Sections of this user's page" })).toBeVisible();
  const user = new URL(page.url()).pathname;
  for (const path of signedInPages(user)) {
    await page.goto(path);
    await ready(page, info);
    expect(await bothSchemes(page), path).toEqual([]);
  }
  // The folded parts, open.
  await page.goto("/users");
  await openMenu(page, info);
  expect(await bothSchemes(page), "/users with its menu open").toEqual([]);

  const signedOut = await page.context().browser()!.newContext({ javaScriptEnabled: info.project.use.javaScriptEnabled });
  const outside = await signedOut.newPage();
  for (const path of ["/login", "/forgot-password"]) {
    await outside.goto(path);
    await ready(outside, info);
    expect(await bothSchemes(outside), path).toEqual([]);
  }
  await signedOut.close();
});

/** Presses Tab until `target` has the focus, as a keyboard user moves through the page. */
async function tabTo(page: Page, target: ReturnType<Page["getByRole"]>) {
  for (let i = 0; i < 80; i++) {
    if (await target.evaluate((e) => e === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${target}`);
}

test("a whole reset with the keyboard alone", async ({ page }, info) => {
  await openSecurityTab(page, info, "keys");
  await page.reload();
  await ready(page, info);

  await tabTo(page, page.getByLabel("New password", { exact: true }));
  await page.keyboard.type("lantern keyboard 5 orchard");
  await tabTo(page, page.getByLabel("Confirm password"));
  await page.keyboard.type("lantern keyboard 5 orchard");
  // The choices keep their defaults but are reached and read on the way.
  await tabTo(page, page.getByLabel("Ask for a new password at the next sign-in"));
  await page.keyboard.press("Space");
  await expect(page.getByLabel("Ask for a new password at the next sign-in")).not.toBeChecked();
  await page.keyboard.press("Space");
  await expect(page.getByLabel("Ask for a new password at the next sign-in")).toBeChecked();
  await tabTo(page, page.getByRole("button", { name: "Reset password" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "The password was reset." })).toBeVisible();
});
