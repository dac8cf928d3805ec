import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { ADMIN_STATE, NewUserPage, UsersPage, ready, signInAsAdmin, unique } from "./support";

// Signed in as the account administrator from the start (the setup project saved the session).
test.use({ storageState: ADMIN_STATE });

test.beforeEach(async ({ page }, info) => {
  await signInAsAdmin(page, info);
});

test("several users are disabled, then deleted, with one confirmation each", async ({ page }, info) => {
  const stem = unique(info, "bulk");
  const form = new NewUserPage(page, info);
  for (const n of ["a", "b"]) {
    await form.open();
    await form.create({ username: `${stem}-${n}`, name: `Bulk ${n.toUpperCase()} ${stem}`, password: "quartz meadow tumble 7" });
    await expect(page.getByRole("status")).toHaveText("The user was created.");
  }
  const users = new UsersPage(page, info);
  await users.open();
  await users.search(stem);
  await page.getByRole("checkbox", { name: `Select Bulk A ${stem}` }).check();
  await page.getByRole("checkbox", { name: `Select Bulk B ${stem}` }).check();
  await page.getByRole("button", { name: "Disable selected" }).click();

  await expect(page.getByRole("heading", { name: "Change several users" })).toBeVisible();
  await ready(page, info);
  const chosen = page.getByRole("list", { name: "Selected users" });
  await expect(chosen.getByRole("listitem")).toHaveCount(2);
  await expect(chosen).toContainText(`${stem}-a@council.test`);
  await page.getByRole("button", { name: "Disable 2 accounts" }).click();
  await expect(page.getByRole("status")).toHaveText("2 accounts were disabled.");

  await users.open(`?search=${stem}`);
  await expect(users.row(`${stem}-a@council.test`)).toContainText("Disabled");
  await expect(users.row(`${stem}-b@council.test`)).toContainText("Disabled");

  await page.getByRole("checkbox", { name: `Select Bulk A ${stem}` }).check();
  await page.getByRole("checkbox", { name: `Select Bulk B ${stem}` }).check();
  await page.getByRole("button", { name: "Delete selected" }).click();
  await ready(page, info);
  await expect(page.getByText("Every email, contact and setting in them goes too.")).toBeVisible();
  await page.getByRole("button", { name: "Delete 2 mailboxes" }).click();
  await expect(page.getByLabel("I understand that these mailboxes and everything in them will be deleted")).toHaveAccessibleDescription(
    "Tick the box to confirm.",
  );
  await page.getByLabel("I understand that these mailboxes and everything in them will be deleted").check();
  await page.getByRole("button", { name: "Delete 2 mailboxes" }).click();
  await expect(page.getByRole("status")).toHaveText("2 mailboxes were deleted.");
  await users.search(stem);
  await expect(page.getByText("No user matches.")).toBeVisible();
});

test("users are imported from CSV after a preview, and the list exports as CSV", async ({ page }, info) => {
  const stem = unique(info, "csv");
  await page.goto("/users/import");
  await ready(page, info);
  await expect(page.getByRole("heading", { name: "Import users from CSV" })).toBeVisible();
  const csv = [
    "email,name,quota_gb,account_type",
    `${stem}-1@council.test,Imported One,1.5,enhanced`,
    `${stem}-2@council.test,Imported Two,0.5,`,
    `${stem}-3@nowhere.test,Stranger,1,`,
  ].join("\n");
  if (info.project.use.javaScriptEnabled === false) {
    await page.getByLabel("CSV text").fill(csv);
  } else {
    // With WASM the file picker fills the text box.
    await page.getByLabel("CSV file").setInputFiles({ name: "users.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await expect(page.getByLabel("CSV text")).toHaveValue(csv);
  }
  await page.getByRole("button", { name: "Check the file" }).click();

  await expect(page.getByRole("heading", { name: "Import preview" })).toBeVisible();
  await ready(page, info);
  await expect(page.getByText("3 lines: 2 ready, 1 with problems (skipped).")).toBeVisible();
  const stranger = page.getByRole("row").filter({ hasText: `${stem}-3@nowhere.test` });
  await expect(stranger).toContainText("Choose one of your organisation's domains.");
  await page.getByRole("button", { name: "Create 2 users" }).click();
  await expect(page).toHaveURL(/\/users\?notice=users_imported&n=2/);
  await expect(page.getByRole("status")).toHaveText("2 users were imported.");

  const users = new UsersPage(page, info);
  await users.search(stem);
  await expect(users.row(`${stem}-1@council.test`)).toContainText("1.5 GB");
  await expect(users.row(`${stem}-1@council.test`)).toContainText("Enhanced");
  await expect(users.row(`${stem}-2@council.test`)).toHaveCount(1);

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export as CSV" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("users.csv");
  const text = readFileSync(await file.path(), "utf8");
  expect(text.split("\n")[0]).toBe("email,name,account_type,quota_gb,status,last_sign_in");
  expect(text).toContain(`${stem}-1@council.test,Imported One,enhanced,1.5,active,`);
  expect(text).not.toContain("clerk@council.test");
});

test("a long import shows how far the check of its passwords is, then its preview", async ({ page }, info) => {
  const stem = unique(info, "long");
  const lines = Array.from({ length: 60 }, (_, i) => `${stem}-${i}@council.test,Long ${i},0.1,,lantern orchard velvet ${i}`);
  await page.goto("/users/import");
  await ready(page, info);
  await page.getByLabel("CSV text").fill(["email,name,quota_gb,account_type,password", ...lines].join("\n"));
  await page.getByRole("button", { name: "Check the file" }).click();

  // Hashing sixty passwords takes a second or more: the page says how far it is, and moves on by
  // itself (asking again with WASM, reloading without).
  const bar = page.getByRole("progressbar", { name: "Check of the passwords" });
  await expect(bar).toBeVisible();
  await expect(bar).toHaveAttribute("max", "60");
  await expect(page.getByRole("status").filter({ hasText: /^Checking the passwords: \d+ of 60\.$/ })).toBeVisible();
  await expect(page.getByText("60 lines: 60 ready, 0 with problems (skipped).")).toBeVisible({ timeout: 60_000 });
  await expect(bar).toHaveCount(0);
  await ready(page, info);
  await expect(page.getByRole("button", { name: "Create 60 users" })).toBeVisible();
  await page.getByRole("button", { name: "Cancel the import" }).click();
  await expect(page).toHaveURL(/\/users\/import$/);
});

test("more options set a new user's language, time zone and date format", async ({ page }, info) => {
  const username = unique(info, "prefs");
  const form = new NewUserPage(page, info);
  await form.open();
  await page.getByText("More options").click();
  await page.getByLabel("Language", { exact: true }).selectOption({ label: "Français" });
  await page.getByLabel("Time zone").selectOption("Europe/Paris");
  await page.getByLabel("Date format").selectOption({ label: "24/11/2026" });
  await form.create({ username, name: `Prefs ${username}`, password: "quartz meadow tumble 7" });
  await expect(page.getByRole("status")).toHaveText("The user was created.");

  const users = new UsersPage(page, info);
  await users.search(username);
  await users.row(`${username}@council.test`).getByRole("link", { name: `Prefs ${username}` }).click();
  await expect(page.getByRole("heading", { name: `Prefs ${username}`, level: 1 })).toBeVisible();
  await page.getByText("More options").click();
  await expect(page.getByLabel("Language", { exact: true })).toHaveValue("fr");
  await expect(page.getByLabel("Time zone")).toHaveValue("Europe/Paris");
  await expect(page.getByLabel("Date format")).toHaveValue("dmy");
});
