import { expect, test } from "@playwright/test";
import { LoginPage, NewUserPage, ready, unique } from "./support";

test.beforeEach(async ({ page }, info) => {
  const login = new LoginPage(page, info);
  await login.open();
  await login.signIn();
  await expect(page).toHaveURL(/\/users$/);
});

async function setLicences(page: import("@playwright/test").Page, info: import("@playwright/test").TestInfo, n: string) {
  await page.goto("/settings");
  await ready(page, info);
  await page.getByLabel("Mailbox licences").fill(n);
  await page.getByRole("button", { name: "Save" }).click();
}

test("licences bound new mailboxes and the header shows what is used", async ({ page }, info) => {
  const usage = page.getByRole("region", { name: "Licences and storage" });
  await expect(usage).toContainText(/Mailboxes: \d+ of 25/);
  const used = (await usage.textContent())!.match(/Mailboxes: (\d+) of/)![1];

  await setLicences(page, info, String(Number(used) - 1));
  await expect(page.getByLabel("Mailbox licences")).toHaveAccessibleDescription(
    `${used} mailboxes exist: the number of licences can't be lower.`,
  );

  try {
    await setLicences(page, info, used);
    await expect(page.getByRole("region", { name: "Licences and storage" })).toContainText(`Mailboxes: ${used} of ${used}`);

    const form = new NewUserPage(page, info);
    await form.open();
    await form.create({ username: unique(info, "over"), name: "One too many", password: "quartz meadow tumble 7" });
    await expect(page.getByRole("alert")).toContainText("Maximum number of users allowed has been reached");
  } finally {
    await setLicences(page, info, "25");
    await expect(page.getByRole("region", { name: "Licences and storage" })).toContainText(/of 25/);
  }
});
