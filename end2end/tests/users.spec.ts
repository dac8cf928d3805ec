import { expect, test } from "@playwright/test";
import { ADMIN_STATE, NewUserPage, UsersPage, signInAsAdmin, unfold, unique } from "./support";

// Signed in as the account administrator from the start (the setup project saved the session).
test.use({ storageState: ADMIN_STATE });

test.beforeEach(async ({ page }, info) => {
  await signInAsAdmin(page, info);
});

test("an administrator creates a user and finds it by search", async ({ page }, info) => {
  const username = unique(info, "jane");
  const form = new NewUserPage(page, info);
  await form.open();
  await form.create({ username, name: `Jane ${username}`, password: "quartz meadow tumble 7", quota: "0.5" });
  await expect(page.getByRole("status")).toHaveText("The user was created.");

  const users = new UsersPage(page, info);
  await users.open();
  await users.search(username);
  const row = users.row(`${username}@council.test`);
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("0.5 GB");
  await expect(row).toContainText("Active");
  await expect(row).toContainText("Never");

  // The search survives a reload: it lives in the URL.
  await page.reload();
  await expect(users.row(`${username}@council.test`)).toHaveCount(1);

  await users.search("no-such-person-anywhere");
  await expect(page.getByText("No user matches.")).toBeVisible();
});

test("Generate on New user fills both fields, and the user is created with that password", { tag: "@needs-javascript" }, async ({ page }, info) => {
  const username = unique(info, "generated");
  const form = new NewUserPage(page, info);
  await form.open();
  // The main domain is chosen already; the password must avoid what is typed so far.
  await expect(page.getByLabel("Domain")).toHaveValue(/\d+/);
  await expect(page.getByLabel("Domain").locator("option:checked")).toHaveText("council.test");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Display name").fill(`Generated ${username}`);
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(page.getByRole("status").filter({ hasText: /Generated: \d+ bits of randomness/ })).toBeVisible();
  const password = await page.getByLabel("Password", { exact: true }).inputValue();
  expect(password.length).toBeGreaterThanOrEqual(12);
  expect(password.toLowerCase()).not.toContain(username.toLowerCase());
  await expect(page.getByLabel("Confirm password")).toHaveValue(password);
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByRole("status").filter({ hasText: "The user was created." })).toBeVisible();
});

test("Create user answers a click made while the meter's part is still on its way", { tag: "@needs-javascript" }, async ({ page }, info) => {
  const username = unique(info, "held");
  const form = new NewUserPage(page, info);
  await form.open();
  // From here on, every WASM part the page asks for (the meter's, on the password's first
  // focus) is held back until the form has been sent and answered.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const parts: string[] = [];
  await page.route(/\.wasm$/, async (route) => {
    parts.push(route.request().url());
    await held;
    await route.continue().catch(() => {});
  });
  await form.create({ username, name: `Held ${username}`, password: "quartz meadow tumble 7" });
  await expect(page.getByRole("status")).toHaveText("The user was created.");
  expect(parts.length, "the meter's part was asked for, and held").toBeGreaterThan(0);
  release();
});

test("refusals appear next to the field they concern", async ({ page }, info) => {
  const username = unique(info, "dup");
  const form = new NewUserPage(page, info);
  await form.open();
  await form.create({ username, name: "First", password: "quartz meadow tumble 7" });
  await expect(page.getByRole("status")).toHaveText("The user was created.");

  await form.open();
  await form.create({ username, name: "Second", password: "short" });
  await expect(page.getByLabel("Password", { exact: true })).toHaveAccessibleDescription(/Use at least 12 characters\./);

  await form.open();
  await form.create({ username, name: "Second", password: "quartz meadow tumble 7" });
  await expect(page.getByLabel("Username")).toHaveAccessibleDescription(/User already exists/);
});

test("the list sorts by quota, largest first, and keeps the order in the URL", async ({ page }, info) => {
  const users = new UsersPage(page, info);
  await users.open();
  await unfold(page, info, "Filter and sort");
  await page.getByLabel("Sort by").selectOption({ label: "Quota" });
  await page.getByLabel("Order").selectOption({ label: "Descending" });
  if (info.project.use.javaScriptEnabled === false) {
    await page.getByRole("search").getByRole("button", { name: "Search" }).click();
  }
  await expect(page).toHaveURL(/sort=quota/);
  await expect(page).toHaveURL(/dir=desc/);
  const quotas = await page
    .getByRole("row")
    .filter({ has: page.getByRole("rowheader") })
    .evaluateAll((rows) => rows.map((r) => parseFloat(r.querySelectorAll("td")[2].textContent ?? "0")));
  expect(quotas.length).toBeGreaterThan(1);
  expect([...quotas].sort((a, b) => b - a)).toEqual(quotas);
});

test("on a laptop screen a users row keeps its words whole @rendering", async ({ page }, info) => {
  // Every project, the phone's too, at a laptop's width: the phone's own layout shows each user
  // as two lines and is tested in phone-layout.spec.ts.
  await page.setViewportSize({ width: 1280, height: 720 });
  const username = unique(info, "christabel-winterbourne-ashcombe");
  const form = new NewUserPage(page, info);
  await form.open();
  await form.create({ username, name: `Christabel ${username}`, password: "quartz meadow tumble 7", quota: "0.5" });
  await expect(page.getByRole("status")).toHaveText("The user was created.");

  const users = new UsersPage(page, info);
  await users.open(`?search=${username}`);
  const row = users.row(`${username}@council.test`);
  await expect(row).toHaveCount(1);
  // A line may end after a hyphen or before the address's @, never between two letters; a quota
  // and each action link stay on one line.
  const broken = await row.evaluate((tr) => {
    const found: string[] = [];
    const texts = (el: Element) => {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      const out: Text[] = [];
      for (let t = walker.nextNode(); t; t = walker.nextNode()) out.push(t as Text);
      return out;
    };
    const check = (el: Element, allowed: RegExp) => {
      for (const text of texts(el)) {
        const range = document.createRange();
        let lastTop: number | null = null;
        for (let i = 0; i < text.length; i++) {
          range.setStart(text, i);
          range.setEnd(text, i + 1);
          const top = Math.round(range.getBoundingClientRect().top);
          if (lastTop !== null && top > lastTop && !allowed.test(text.data[i - 1])) {
            found.push(`${text.data.slice(0, i)} | ${text.data.slice(i)}`);
          }
          lastTop = top;
        }
      }
    };
    check(tr.querySelector(".cell-address")!, /[-._]/);
    for (const part of tr.querySelectorAll(".cell-quota, .row-actions a")) check(part, /$^/);
    return found;
  });
  expect(broken, "these lines broke inside a word").toEqual([]);
  expect(await row.locator(".cell-address").textContent()).toBe(`${username}@council.test`);
});
