import { expect, test } from "@playwright/test";
import { ADMIN_STATE, ready, signInAsAdmin } from "./support";

// Signed in as the account administrator from the start (the setup project saved the session).
test.use({ storageState: ADMIN_STATE });

test("the panel speaks French when asked to", async ({ page }, info) => {
  await signInAsAdmin(page, info);
  await ready(page, info);

  await page.getByRole("button", { name: "Français" }).click();
  await expect(page.getByRole("heading", { name: "Utilisateurs", level: 1 })).toBeVisible();
  await expect(page.getByRole("button", { name: "Se déconnecter" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");

  // The choice is remembered for the next page load.
  await page.goto("/users/new");
  await expect(page.getByRole("heading", { name: "Nouvel utilisateur" })).toBeVisible();
  await expect(page.getByLabel("Identifiant")).toBeVisible();

  await page.getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("heading", { name: "New user" })).toBeVisible();
});

test.describe("with a French browser", () => {
  // A stranger's browser: signed out.
  test.use({ locale: "fr-FR", storageState: { cookies: [], origins: [] } });

  test("the sign-in page follows the browser's language", async ({ page }) => {
    await page.goto("/login");
    await expect(page.getByRole("heading", { name: "Connexion" })).toBeVisible();
    await expect(page.getByLabel("Adresse e-mail")).toBeVisible();
  });
});

test("in French the header holds one line on a 1366 px screen @rendering", async ({ page }, info) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await signInAsAdmin(page, info);
  await ready(page, info);
  await page.getByRole("button", { name: "Français" }).click();
  await expect(page.getByRole("heading", { name: "Utilisateurs", level: 1 })).toBeVisible();

  // Everything the header shows sits on one row: the brand, each link of the navigation, the
  // languages, who is signed in, and the button to sign out.
  const banner = page.getByRole("banner");
  const parts = [
    ...(await banner.getByRole("link").all()),
    ...(await banner.getByRole("button").all()),
    banner.getByText(/^Connecté/),
  ];
  const boxes = [];
  for (const part of parts) {
    if (await part.isVisible()) boxes.push((await part.boundingBox())!);
  }
  expect(boxes.length).toBeGreaterThan(6);
  const lowestTop = Math.max(...boxes.map((b) => b.y));
  const highestBottom = Math.min(...boxes.map((b) => b.y + b.height));
  expect(lowestTop, "a part of the header went to a second line").toBeLessThan(highestBottom);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(overflow).toBeLessThanOrEqual(1366);

  await page.getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
});
