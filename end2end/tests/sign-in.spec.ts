import { expect, test } from "@playwright/test";
import { ADMIN, LoginPage, UsersPage, openMenu } from "./support";

test("an administrator signs in and out, and the old cookie is refused", async ({ page, context }, info) => {
  const login = new LoginPage(page, info);
  await login.open();
  await login.signIn();
  await expect(page).toHaveURL(/\/users$/);
  await new UsersPage(page, info).open();
  await openMenu(page, info);
  await expect(page.getByText(`Signed in as ${ADMIN.email}`)).toBeVisible();

  const before = await context.cookies();
  const session = before.find((c) => c.name === "__Host-postmaster_session");
  expect(session, "a __Host- session cookie").toBeTruthy();
  expect(session!.httpOnly).toBe(true);
  expect(session!.sameSite).toBe("Lax");

  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login/);

  // Replaying the old cookie: the API answers 401 and pages send to sign-in.
  const replay = await page.request.post("/api/auth/whoami", {
    headers: { Cookie: `${session!.name}=${session!.value}`, "Sec-Fetch-Site": "same-origin" },
  });
  expect(replay.status()).toBe(401);
  await context.addCookies([session!]);
  await page.goto("/users");
  await expect(page).toHaveURL(/\/login/);
});

test("a wrong password and an unknown address get the same answer", async ({ page }, info) => {
  const login = new LoginPage(page, info);
  await login.open();
  await login.signIn(ADMIN.email, "not the password at all");
  const alert = page.getByRole("alert");
  await expect(alert).toHaveText("Wrong email address or password.");
  await expect(page).not.toHaveURL(/\/users/);

  await login.open();
  await login.signIn("nobody@council.test", "not the password at all");
  await expect(page.getByRole("alert")).toHaveText("Wrong email address or password.");
});
