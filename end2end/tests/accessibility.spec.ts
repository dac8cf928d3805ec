import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { ADMIN_STATE, openMenu, openSecurityTab, ready, signInAsAdmin } from "./support";

// Signed in as the account administrator from the start (the setup project saved the session).
test.use({ storageState: ADMIN_STATE });

/** What axe-core finds on the page as it is now, one line per rule and element. */
async function violations(page: Page): Promise<string[]> {
  const found = await new AxeBuilder({ page }).analyze();
  return found.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")} (${v.help})`));
}

/** Both colour schemes of the page as it is: axe-core reads the styles in force. */
async function bothSchemes(page: Page): Promise<string[]> {
  const found: string[] = [];
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    found.push(...(await violations(page)).map((v) => `${scheme}: ${v}`));
  }
  return found;
}

// Rendering, not storage: the PostgreSQL run (scripts/test.sh) leaves it out, as it leaves out
// the phone project.
test("axe-core finds nothing on any page, light and dark", { tag: "@rendering" }, async ({ page }, info) => {
  test.setTimeout(120_000);
  await signInAsAdmin(page, info);
  await page.getByRole("row").nth(1).getByRole("link").first().click();
  await expect(page.getByRole("navigation", { name: "Sections of this user's page" })).toBeVisible();
  const user = new URL(page.url()).pathname;
  const pages = [
    "/users",
    "/users/new",
    "/users/import",
    user,
    `${user}/security`,
    "/overview",
    "/lists",
    "/domains",
    "/audit",
    "/settings",
    "/account/password",
    "/account/two-factor",
    "/account/app-passwords",
  ];
  for (const path of pages) {
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
