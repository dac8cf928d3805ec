import { expect, test } from "@playwright/test";
import { ADMIN_STATE, NewUserPage, ready, signInAsAdmin, unique } from "./support";

// Signed in as the account administrator from the start (the setup project saved the session).
test.use({ storageState: ADMIN_STATE });

test.beforeEach(async ({ page }, info) => {
  await signInAsAdmin(page, info);
});

async function setLicences(page: import("@playwright/test").Page, info: import("@playwright/test").TestInfo, n: string) {
  await page.goto("/settings");
  await ready(page, info);
  await page.getByLabel("Mailbox licences").fill(n);
  await page.getByRole("button", { name: "Save", exact: true }).click();
}

test("licences bound new mailboxes and the header shows what is used", async ({ page }, info) => {
  const usage = page.getByRole("region", { name: "Licences and storage" });
  await expect(usage).toContainText(/Mailboxes: \d+ of \d+/);
  const [, used, licences] = (await usage.textContent())!.match(/Mailboxes: (\d+) of (\d+)/)!;

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
    await setLicences(page, info, licences);
    await expect(page.getByRole("region", { name: "Licences and storage" })).toContainText(`of ${licences}`);
  }
});

async function choosePolicy(page: import("@playwright/test").Page, info: import("@playwright/test").TestInfo, label: string) {
  await page.goto("/settings");
  await ready(page, info);
  await page.getByLabel("Policy", { exact: true }).selectOption({ label });
  await page.getByRole("button", { name: "Save password policy" }).click();
  await expect(page.getByRole("status")).toHaveText(
    "The password policy was saved. It applies to every new password from now on.",
  );
}

test("the organisation's password policy names the rule a new password breaks", async ({ page }, info) => {
  try {
    await choosePolicy(page, info, "Host style (8+, four classes)");
    await expect(page.getByLabel("Minimum length (characters)")).toHaveValue("8");
    await expect(page.getByLabel("Require an uppercase letter")).toBeChecked();

    const form = new NewUserPage(page, info);
    await form.open();
    // Fine under the recommended policy, but this one asks for four kinds of character.
    await form.create({ username: unique(info, "policy"), name: "Policy Test", password: "quartz meadow tumble 7" });
    await expect(page.getByLabel("Password", { exact: true })).toHaveAccessibleDescription(
      /Add an uppercase letter: your organisation requires one\./,
    );
    await expect(page.getByRole("status")).toHaveCount(0);
  } finally {
    await choosePolicy(page, info, "Recommended (12+, hard to guess)");
    await expect(page.getByLabel("Minimum length (characters)")).toHaveValue("12");
  }
});
