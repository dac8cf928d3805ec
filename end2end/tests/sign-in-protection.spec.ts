import { expect, test } from "@playwright/test";
import { ADMIN, LoginPage, openSecurityTab, ready, signInAsAdmin } from "./support";

const PASSWORD = "quartz meadow tumble 7";

test("a guessed-at account locks, tells the guesser nothing, and an administrator unlocks it", async ({ page, browser }, info) => {
  const username = await openSecurityTab(page, info, "locked");
  const email = `${username}@council.test`;
  const security = page.url();
  await expect(page.getByRole("region", { name: "Sign-in lock" })).toHaveCount(0);

  // Five wrong guesses, from another browser, lock the account: then the right password gets
  // the same answer.
  const elsewhere = await browser.newContext({ javaScriptEnabled: info.project.use.javaScriptEnabled });
  const guesser = await elsewhere.newPage();
  const login = new LoginPage(guesser, info);
  for (let i = 0; i < 5; i++) {
    await login.open();
    await login.signIn(email, `wrong guess ${i}`);
    await expect(guesser.getByRole("alert")).toHaveText("Wrong email address or password.");
  }
  await login.open();
  await login.signIn(email, PASSWORD);
  await expect(guesser.getByRole("alert")).toHaveText("Wrong email address or password.");
  await expect(guesser).toHaveURL(/\/login/);

  // The administrator sees the lock on the user's Security tab and lifts it.
  await page.goto(security);
  await ready(page, info);
  const lock = page.getByRole("region", { name: "Sign-in lock" });
  await expect(lock).toContainText(/Locked until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC after 5 failed sign-ins in a row\./);
  await lock.getByRole("button", { name: "Unlock account" }).click();
  await expect(page.getByRole("status").first()).toHaveText("The account is unlocked: the user can sign in again now.");
  await expect(page.getByRole("region", { name: "Sign-in lock" })).toHaveCount(0);

  // The audit log tells the story: the refusals with their reasons, and the unlock.
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
  await ready(page, info);
  await page.getByLabel("About user").fill(username);
  await page.getByLabel("Result").selectOption({ label: "Refused" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/result=failure/);
  const events = page.getByRole("table", { name: "Admin actions and sign-ins, newest first" });
  await expect(events.getByRole("row").filter({ hasText: "reason: wrong_password" })).toHaveCount(5);
  await expect(events.getByRole("row").filter({ hasText: "reason: locked" })).toHaveCount(1);
  await expect(events.getByRole("row").filter({ hasText: "locked_until" })).toHaveCount(1);
  await page.getByLabel("Result").selectOption({ label: "All results" });
  await page.getByLabel("Action").selectOption({ label: "Unlocked a user" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=user\.unlock/);
  // The URL changes before the filtered rows arrive: wait for the one row the filter leaves.
  await expect(events.getByRole("row").filter({ hasText: email })).toHaveCount(1);
  await expect(events.getByRole("row").filter({ hasText: email })).toContainText("was_locked: true");

  await login.open();
  await login.signIn(email, PASSWORD);
  await expect(guesser).toHaveURL(/\/account\/password$/);
  await elsewhere.close();
});

test("the audit log filters by user and action, pages on, and downloads what it shows", async ({ page }, info) => {
  const username = await openSecurityTab(page, info, "audited");
  // More than a page of events, whatever ran before: each download of the log is recorded.
  for (let i = 0; i < 51; i++) {
    const download = await page.request.get("/api/audit/export_csv?filters%5Baction%5D=audit.export");
    expect(download.status()).toBe(200);
  }
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
  await ready(page, info);
  const events = page.getByRole("table", { name: "Admin actions and sign-ins, newest first" });
  await expect(events.getByRole("row").nth(1)).toBeVisible();

  // Older events follow on the next page.
  await page.getByRole("link", { name: "Older events" }).click();
  await expect(page).toHaveURL(/before=\d+/);
  await expect(events.getByRole("row").nth(1)).toBeVisible();
  await page.getByRole("link", { name: "Newest events" }).click();
  await expect(page).not.toHaveURL(/before=/);

  await page.getByLabel("About user").fill(username);
  await page.getByLabel("Action").selectOption({ label: "Created a user" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(new RegExp(`target=${username}.*action=user\\.create`));
  await expect(events.getByRole("row")).toHaveCount(2);
  const row = events.getByRole("row").nth(1);
  await expect(row).toContainText(`${username}@council.test`);
  await expect(row).toContainText("Created a user");
  await expect(row).toContainText("clerk@council.test");
  await expect(row).toContainText("Done");
  await expect(row).toContainText("127.0.0.1");

  // The download holds the same selection, and no secret.
  const link = page.getByRole("link", { name: "Export as CSV" });
  const href = await link.getAttribute("href");
  const filters = new URL(href!, page.url()).searchParams;
  expect(filters.get("filters[target]")).toBe(username);
  expect(filters.get("filters[action]")).toBe("user.create");
  const csv = await page.request.get(href!);
  expect(csv.status()).toBe(200);
  const lines = (await csv.text()).trim().split("\n");
  expect(lines[0]).toBe("time,actor,action,target,result,ip,detail,id");
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(`clerk@council.test,user.create,${username}@council.test,success,127.0.0.1`);
  expect(lines[1]).not.toContain(PASSWORD);

  // Downloading the trail is itself in the trail.
  await page.getByLabel("About user").fill("");
  await page.getByLabel("Action").selectOption({ label: "Downloaded the audit log" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=audit\.export/);
  await expect(events.getByRole("row").nth(1)).toContainText("Downloaded the audit log");
  await expect(events.getByRole("row").nth(1)).toContainText(username);
});

test("an administrator confirms their password and goes back to the page they were on", async ({ page }, info) => {
  await signInAsAdmin(page, info);
  await page.goto("/account/confirm?next=%2Foverview");
  await ready(page, info);
  await expect(page.getByRole("heading", { name: "Confirm it’s you", level: 1 })).toBeVisible();
  await page.getByLabel("Your password").fill("not my password at all");
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByLabel("Your password")).toHaveAccessibleDescription("This is not your current password.");
  await page.getByLabel("Your password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page).toHaveURL(/\/overview$/);
  await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
});
