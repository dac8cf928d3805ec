import { expect, test } from "@playwright/test";
import { LoginPage, UsersPage, openMenu, ready, signInAsAdmin, unfold, unique } from "./support";

// Runs in the phone project only (see playwright.config.ts). The width compared is the device's,
// not window.innerWidth: a phone browser zooms out to fit a page that overflows, which would hide it.
test("every signed-in page fits a 390 px wide phone", async ({ page }, info) => {
  const width = page.viewportSize()!.width;
  expect(width).toBe(390);
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth);
  const login = new LoginPage(page, info);
  await login.open();
  expect(await overflow(), "/login is wider than the phone").toBeLessThanOrEqual(width);
  await signInAsAdmin(page, info);
  for (const path of ["/users", "/users/new", "/users/new-shared", "/users/import", "/overview", "/lists", "/domains", "/settings", "/account/password", "/account/two-factor", "/account/mail", "/forgot-password"]) {
    await page.goto(path);
    await ready(page, info);
    expect(await overflow(), `${path} is wider than the phone`).toBeLessThanOrEqual(width);
  }
  // A user's page, its Security tab and its Mail tab.
  await page.goto("/users");
  await page.getByRole("row").nth(1).getByRole("link").first().click();
  await page.getByRole("link", { name: "Security" }).click();
  await expect(page.getByRole("heading", { name: "Reset password" })).toBeVisible();
  await ready(page, info);
  expect(await overflow(), "the Security tab is wider than the phone").toBeLessThanOrEqual(width);
  await page.getByRole("link", { name: "Mail", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Forwarding" })).toBeVisible();
  await ready(page, info);
  expect(await overflow(), "the Mail tab is wider than the phone").toBeLessThanOrEqual(width);
});

test("on a phone the users list starts on the first screen: the search and at least five users", async ({ page }, info) => {
  await signInAsAdmin(page, info);
  const stem = unique(info, "screen");
  const domains = await (await page.request.post("/api/domains/list", { headers: { accept: "application/json" } })).json();
  for (let i = 0; i < 6; i++) {
    const made = await page.request.post("/api/users/create", {
      headers: { accept: "application/json" },
      form: {
        "form[domain]": String(domains[0].id),
        "form[username]": `${stem}-${i}`,
        "form[name]": `Screen ${i} ${stem}`,
        "form[password]": "quartz meadow tumble 7",
        "form[password_confirm]": "quartz meadow tumble 7",
        "form[quota_gb]": "0.5",
        "form[account_type]": "basic",
      },
    });
    expect(made.ok(), await made.text()).toBeTruthy();
  }
  const users = new UsersPage(page, info);
  await users.open(`?search=${stem}`);
  const height = page.viewportSize()!.height;
  const bottom = async (box: { y: number; height: number } | null) => box!.y + box!.height;

  // The header's navigation is folded under "Menu", and opens from it.
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav).toBeHidden();
  await expect(page.getByRole("searchbox", { name: "Search" })).toBeInViewport({ ratio: 1 });
  const rows = page.getByRole("row").filter({ hasText: stem });
  await expect(rows).toHaveCount(6);
  let whole = 0;
  for (const row of await rows.all()) {
    if ((await bottom(await row.boundingBox())) <= height) whole += 1;
  }
  expect(whole, "users wholly on the first screen").toBeGreaterThanOrEqual(5);
  // A row: the box to tick, name over address, and the status.
  const first = users.row(`${stem}-0@council.test`);
  await expect(first.getByRole("checkbox")).toBeVisible();
  await expect(first.getByText("Active")).toBeVisible();
  // The bulk actions show once a row is ticked.
  await expect(page.getByRole("button", { name: "Delete selected" })).toBeHidden();
  await first.getByRole("checkbox").check();
  await expect(page.getByRole("button", { name: "Delete selected" })).toBeVisible();

  await expect(page.getByRole("combobox", { name: "Sort by" })).toBeHidden();
  await unfold(page, info, "Filter and sort");
  await expect(page.getByRole("combobox", { name: "Sort by" })).toBeVisible();
  await openMenu(page, info);
  await expect(nav).toBeVisible();
  await expect(nav.getByRole("link", { name: "New user" })).toBeVisible();
});

test("on a phone every control is at least 44 px tall", async ({ page }, info) => {
  await signInAsAdmin(page, info);
  await page.goto("/users");
  await page.getByRole("row").nth(1).getByRole("link").first().click();
  await page.getByRole("link", { name: "Security" }).click();
  const security = page.url();
  for (const path of ["/users", "/users/new", security, "/account/password"]) {
    await page.goto(path);
    await ready(page, info);
    // Open what folds, so its controls are measured too.
    for (const summary of await page.locator("summary").all()) {
      if (await summary.isVisible()) await summary.click();
    }
    const small = await page
      .locator("button, select, summary, input:not([type=checkbox]):not([type=radio]):not([type=hidden]), nav a")
      .evaluateAll((controls) =>
        controls
          .filter((c) => (c as HTMLElement).offsetParent !== null)
          .map((c) => ({ what: `${c.tagName.toLowerCase()} "${(c.textContent ?? "").trim() || c.getAttribute("name") || c.id}"`, height: c.getBoundingClientRect().height }))
          .filter((c) => c.height < 43.5),
      );
    expect(small, `${path}: controls under 44 px`).toEqual([]);
  }
});
