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
