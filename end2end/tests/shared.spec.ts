import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { ADMIN_STATE, NewUserPage, UsersPage, imapLogin, ready, signInAsAdmin, unique } from "./support";

// Signed in as the account administrator from the start (the setup project saved the session).
test.use({ storageState: ADMIN_STATE });

const PASSWORD = "quartz meadow tumble 7";

/** Creates a mailbox through the form; its address. */
async function createUser(page: Page, info: TestInfo, stem: string): Promise<string> {
  const username = unique(info, stem);
  const form = new NewUserPage(page, info);
  await form.open();
  await form.create({ username, name: `Person ${username}`, password: PASSWORD });
  await expect(page.getByRole("status")).toHaveText("The user was created.");
  return `${username}@council.test`;
}

test("a leaving user's mailbox is kept as a shared mailbox, and the colleagues named open it", async ({ page }, info) => {
  await signInAsAdmin(page, info);
  const colleague = await createUser(page, info, "colleague");
  const outsider = await createUser(page, info, "outsider");
  const leaver = await createUser(page, info, "leaver");

  const users = new UsersPage(page, info);
  await users.open(`?search=${leaver.split("@")[0]}`);
  await users.row(leaver).getByRole("link", { name: `Person ${leaver.split("@")[0]}` }).click();
  await ready(page, info);
  // A name nobody has is refused next to the field; the mailbox stays as it was.
  await page.getByLabel("Colleagues who get access").fill(`nobody-${leaver}`);
  await page.getByRole("button", { name: "Convert to a shared mailbox" }).click();
  await expect(page.getByLabel("Colleagues who get access")).toHaveAccessibleDescription(
    new RegExp(`nobody-${leaver.replace(/\./g, "\\.")}: No mailbox of your organisation has this address\\.`),
  );
  await page.getByLabel("Colleagues who get access").fill(colleague);
  await page.getByLabel("Access", { exact: true }).selectOption({ label: "Can read and send as" });
  await page.getByRole("button", { name: "Convert to a shared mailbox" }).click();
  await expect(page.getByRole("status")).toHaveText("The mailbox is now a shared mailbox. Its sessions have ended.");
  await expect(page.getByRole("button", { name: "Convert to a shared mailbox" })).toHaveCount(0);
  const members = page.getByRole("region", { name: "Members" });
  await expect(members.getByRole("list")).toContainText(`${colleague}> · Can read and send as`);

  // The colleague opens it in a mail app with their own password; nobody else does.
  const opened = await imapLogin(`${leaver}*${colleague}`, PASSWORD);
  expect(opened.ok, opened.line).toBe(true);
  opened.socket.end();
  expect((await imapLogin(`${leaver}*${outsider}`, PASSWORD)).ok).toBe(false);
  expect((await imapLogin(leaver, PASSWORD)).ok, "nobody signs in to it alone").toBe(false);

  await users.open(`?search=${leaver.split("@")[0]}`);
  await expect(users.row(leaver)).toContainText("Shared mailbox");
});

test("a shared mailbox made as such: members added by address, then removed", async ({ page }, info) => {
  await signInAsAdmin(page, info);
  const member = await createUser(page, info, "member");
  const users = new UsersPage(page, info);
  await users.open();
  await page.getByRole("link", { name: "New shared mailbox" }).click();
  await expect(page.getByRole("heading", { name: "New shared mailbox", level: 1 })).toBeVisible();
  await ready(page, info);
  const name = unique(info, "allot");
  await page.getByLabel("Username").fill(name);
  await page.getByLabel("Display name").fill(`Allotments ${name}`);
  await page.getByLabel("Quota (GB)").fill("0.5");
  await page.getByRole("button", { name: "Create shared mailbox" }).click();
  await expect(page.getByRole("status")).toHaveText("The shared mailbox was created. Add the colleagues who open it.");
  await expect(page.getByRole("heading", { name: `Allotments ${name}`, level: 1 })).toBeVisible();
  // Loaded afresh, the page with its members hydrates too.
  await page.reload();
  await ready(page, info);
  const members = () => page.getByRole("region", { name: "Members" });
  await expect(members()).toContainText("Nobody opens this mailbox yet.");

  const address = members().getByLabel("Member's address");
  if (info.project.use.javaScriptEnabled !== false) {
    // The organisation's people are suggested as the address is typed.
    await address.pressSequentially(member.split("@")[0].slice(0, 10));
    await expect(page.locator(`#member-suggestions option[value="${member}"]`)).toHaveCount(1);
  }
  await address.fill(member);
  await members().getByLabel("Access", { exact: true }).selectOption({ label: "Can read" });
  await members().getByRole("button", { name: "Add or change member" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved: the member opens the shared mailbox from their next login.");
  await expect(members().getByRole("list")).toContainText(`${member}> · Can read`);
  const shared = `${name}@council.test`;
  const open = await imapLogin(`${shared}*${member}`, PASSWORD);
  expect(open.ok, open.line).toBe(true);

  await members().getByRole("button", { name: `Remove ${member}` }).click();
  await expect(page.getByRole("status")).toHaveText(
    "The member no longer opens the shared mailbox; its open connections were closed.",
  );
  await expect(members()).toContainText("Nobody opens this mailbox yet.");
  await open.closed;
  expect((await imapLogin(`${shared}*${member}`, PASSWORD)).ok).toBe(false);
});
