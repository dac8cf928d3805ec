import { expect, test, type Page } from "@playwright/test";
import { LoginPage, closedSoon, imapLogin, mailTo, openSecurityTab, ready } from "./support";

const PASSWORD = "quartz meadow tumble 7";

/** Gives the user of the Security tab open on `page` a recovery address, through the API. */
async function addRecoveryAddress(page: Page, username: string): Promise<string> {
  const id = new URL(page.url()).pathname.split("/")[2];
  const recovery = `${username}@home.example`;
  const saved = await page.request.post("/api/users/update", {
    form: {
      "form[id]": id,
      "form[name]": `Reset ${username}`,
      "form[account_type]": "basic",
      "form[quota_gb]": "1",
      "form[recovery_email]": recovery,
    },
    headers: { Accept: "application/json", "Sec-Fetch-Site": "same-origin" },
  });
  expect(saved.status(), await saved.text()).toBe(200);
  return recovery;
}

test("a user who forgot their password gets a link at the recovery address and chooses a new one", async ({ page, browser }, info) => {
  const username = await openSecurityTab(page, info, "forgot");
  const email = `${username}@council.test`;
  const recovery = await addRecoveryAddress(page, username);

  const context = await browser.newContext({ javaScriptEnabled: info.project.use.javaScriptEnabled });
  const person = await context.newPage();
  const login = new LoginPage(person, info);
  await login.open();
  await person.getByRole("link", { name: "Forgot password?" }).click();
  await expect(person.getByRole("heading", { name: "Forgot password", level: 1 })).toBeVisible();
  await ready(person, info);
  const answer = "If that address has a recovery address, a link is on its way. It works once, for one hour.";
  // An address nobody holds gets the very same answer.
  await person.getByLabel("Email address").fill(`nobody-${username}@council.test`);
  await person.getByRole("button", { name: "Send me a link" }).click();
  await expect(person.getByRole("status")).toHaveText(answer);
  await person.getByLabel("Email address").fill(email);
  await person.getByRole("button", { name: "Send me a link" }).click();
  await expect(person.getByRole("status")).toHaveText(answer);

  await expect.poll(() => mailTo(recovery).length, { timeout: 15_000 }).toBe(1);
  expect(mailTo(email), "nothing goes to the mailbox itself").toHaveLength(0);
  const link = mailTo(recovery)[0].match(/http:\/\/\S+\/set-password\/[0-9a-f]{32}/)?.[0];
  expect(link).toBeTruthy();
  await person.goto(link!);
  await expect(person.getByText(`For the mailbox ${email}.`)).toBeVisible();
  await ready(person, info);
  const chosen = "harbour lantern quiet 58";
  await person.getByLabel("New password", { exact: true }).fill(chosen);
  await person.getByLabel("Confirm password").fill(chosen);
  await person.getByRole("button", { name: "Set password" }).click();
  await expect(person).toHaveURL(/\/login/);
  await login.signIn(email, chosen);
  await expect(person).toHaveURL(/\/account\/password$/);
  // The mailbox hears that its password was changed; the link works once.
  await expect.poll(() => mailTo(email).length, { timeout: 15_000 }).toBe(1);
  await person.goto(link!);
  await expect(person.getByRole("alert")).toContainText("This link has expired or was already used");
  await context.close();
});

test("an administrator's one-time password opens the mailbox until it is ended, and the user sees it", async ({ page, browser }, info) => {
  const username = await openSecurityTab(page, info, "otp");
  const email = `${username}@council.test`;
  const section = page.getByRole("region", { name: "One-time password", exact: true });
  await expect(section).toContainText("No one-time password works now.");
  await section.getByRole("button", { name: "Create one-time password" }).click();
  await expect(page.getByRole("status").first()).toHaveText(
    "The one-time password is made. Give it to the user now: it is shown this once.",
  );
  const shown = page.getByRole("region", { name: "New one-time password" });
  await expect(shown).toContainText(`Sign in to ${email} with it`);
  const secret = (await shown.getByLabel("One-time password").textContent()) ?? "";
  expect(secret).toMatch(/^[a-km-np-z2-9]{20}$/);
  if (info.project.use.javaScriptEnabled !== false) {
    await expect(shown.getByRole("button", { name: "Copy one-time password" })).toBeVisible();
  }
  await expect(section).toContainText(/A one-time password made by clerk@council\.test works until \d{4}-\d\d-\d\d \d\d:\d\d/);

  const app = await imapLogin(email, secret);
  expect(app.ok, app.line).toBe(true);
  const own = await imapLogin(email, PASSWORD);
  expect(own.ok, "the user's own password keeps working").toBe(true);
  own.socket.end();

  // Shown once: a reload shows only that one works, and until when.
  await page.reload();
  await expect(page.getByRole("region", { name: "New one-time password" })).toHaveCount(0);
  await ready(page, info);
  await section.getByRole("button", { name: "End it now" }).click();
  await expect(page.getByRole("status").first()).toHaveText(
    "The one-time password is ended: it no longer opens the mailbox, and the mail apps were signed out.",
  );
  await expect(section).toContainText("No one-time password works now.");
  expect(await closedSoon(app), "what it opened is closed").toBe(true);
  expect((await imapLogin(email, secret)).ok).toBe(false);

  // The user sees it in their account's activity.
  const context = await browser.newContext({ javaScriptEnabled: info.project.use.javaScriptEnabled });
  const mine = await context.newPage();
  const login = new LoginPage(mine, info);
  await login.open();
  await login.signIn(email, PASSWORD);
  const activity = mine.getByRole("region", { name: "Recent activity on your account" });
  await expect(activity.getByRole("row", { name: /One-time password created/ })).toContainText("clerk@council.test");
  await expect(activity.getByRole("row", { name: /One-time password ended/ })).toBeVisible();
  await context.close();
});
