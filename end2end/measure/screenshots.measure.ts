/**
 * The README's screenshots, taken from the release build with the data a new panel gets from a
 * few users: desktop and 390 px phone, light and dark. Run by scripts/screenshots.sh; writes
 * docs/*.png.
 */
import { expect, test, type Page } from "@playwright/test";
import { ADMIN_STATE, NewUserPage, unique } from "../tests/support";

test.use({ storageState: ADMIN_STATE });

const people = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Katherine Johnson", "Edsger Dijkstra", "Barbara Liskov", "Donald Knuth"];

async function shoot(page: Page, path: string, file: string) {
  await page.goto(path);
  await page.waitForFunction(() => document.body.dataset.hydrated === "true");
  await page.screenshot({ path: `../docs/${file}.png`, fullPage: false });
}

test("screenshots", async ({ browser, page }, info) => {
  test.setTimeout(180_000);
  const form = new NewUserPage(page, info);
  for (const name of people) {
    await form.open();
    await form.create({ username: name.toLowerCase().replace(" ", "."), name, password: "quartz meadow tumble 7" });
    await expect(page.getByRole("status")).toHaveText("The user was created.");
  }
  for (const scheme of ["light", "dark"] as const) {
    // The light pictures keep the README's first names; the dark ones add "-dark".
    const suffix = scheme === "light" ? "" : "-dark";
    const desktop = await browser.newContext({ storageState: ADMIN_STATE, viewport: { width: 1366, height: 768 }, colorScheme: scheme });
    const d = await desktop.newPage();
    await shoot(d, "/users", `users-desktop${suffix}`);
    await shoot(d, "/users/new", `new-user${suffix}`);
    // The refusal next to its field.
    await d.getByLabel("Username").fill(unique(info, "shot"));
    await d.getByLabel("Display name").fill("Screenshot");
    await d.getByLabel("Password", { exact: true }).fill("password1234");
    await d.getByLabel("Confirm password").fill("password1234");
    await d.getByRole("button", { name: "Create user" }).click();
    await expect(d.getByLabel("Password", { exact: true })).toHaveAccessibleDescription(/common/);
    await d.screenshot({ path: `../docs/new-user-errors${suffix}.png` });
    await d.getByRole("button", { name: "Français" }).click();
    await expect(d.getByRole("heading", { name: "Nouvel utilisateur" })).toBeVisible();
    await shoot(d, "/users", `users-desktop-fr${suffix}`);
    await d.getByRole("button", { name: "English" }).click();
    await desktop.close();

    const phone = await browser.newContext({ storageState: ADMIN_STATE, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, colorScheme: scheme });
    const p = await phone.newPage();
    await shoot(p, "/users", `users-phone${suffix}`);
    await phone.close();
  }
});
