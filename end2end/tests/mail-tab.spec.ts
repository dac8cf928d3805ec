import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { LoginPage, lmtpDeliver, mailTo, openSecurityTab, ready, unique } from "./support";

const PASSWORD = "quartz meadow tumble 7";

/** Settings > Mail rules, as the account administrator. */
async function setMailRules(page: Page, info: TestInfo, rules: { aliases: string; external: boolean }) {
  await page.goto("/settings");
  await ready(page, info);
  const section = page.getByRole("region", { name: "Mail rules" });
  await section.getByLabel("Who may add and remove aliases").selectOption({ label: rules.aliases });
  const external = section.getByLabel("Allow forwarding to addresses outside the organisation's domains");
  if (rules.external) await external.check();
  else await external.uncheck();
  await section.getByRole("button", { name: "Save mail rules" }).click();
  await expect(page.getByRole("status")).toHaveText("The mail rules are saved.");
}

const DEFAULT_RULES = { aliases: "User administrators too", external: false };

test("forwarding stays within the organisation until the owner allows more, on the user's page and on My account", async ({ page, browser }, info) => {
  const username = await openSecurityTab(page, info, "fwd");
  const email = `${username}@council.test`;
  await page.getByRole("link", { name: "Mail", exact: true }).click();
  await expect(page.getByRole("link", { name: "Mail", exact: true })).toHaveAttribute("aria-current", "page");
  await ready(page, info);
  const section = page.getByRole("region", { name: "Forwarding" });
  await expect(section).toContainText("Mail to this mailbox is not forwarded.");
  const addresses = section.getByLabel("Forward to");
  // Other specs add domains of their own; the organisation's first is always named.
  await expect(addresses).toHaveAccessibleDescription(
    /^One address a line, at most 10\. Leave it empty to stop forwarding\. Only addresses of the organisation's domains: .*council\.test/,
  );
  await expect(section.getByLabel("Keep a copy in this mailbox")).toBeChecked();

  // Outside the organisation: refused next to the field, naming the address.
  await addresses.fill(`clerk@council.test\n${username}@home.example`);
  await section.getByRole("button", { name: "Save forwarding" }).click();
  await expect(page.getByRole("region", { name: "Forwarding" }).getByLabel("Forward to")).toHaveAccessibleDescription(
    new RegExp(`${username}@home\\.example is outside the organisation's domains`),
  );

  // Within it: saved, and the tab says where mail goes.
  await page.getByRole("region", { name: "Forwarding" }).getByLabel("Forward to").fill("clerk@council.test");
  await page.getByRole("region", { name: "Forwarding" }).getByLabel("Keep a copy in this mailbox").uncheck();
  await page.getByRole("region", { name: "Forwarding" }).getByRole("button", { name: "Save forwarding" }).click();
  await expect(page.getByRole("status")).toHaveText("Forwarding is saved. The mail server applies it from the next message.");
  await expect(page.getByRole("region", { name: "Forwarding" })).toContainText(
    "Mail to this mailbox is forwarded to clerk@council.test.",
  );
  await expect(page.getByRole("region", { name: "Forwarding" }).getByLabel("Keep a copy in this mailbox")).not.toBeChecked();
  const userMailTab = page.url().split("?")[0];

  try {
    await setMailRules(page, info, { aliases: "User administrators too", external: true });

    // The user, in their own browser: My account > Mail, now free to forward outside.
    const theirs = await browser.newContext({ javaScriptEnabled: info.project.use.javaScriptEnabled });
    const mine = await theirs.newPage();
    const login = new LoginPage(mine, info);
    await login.open();
    await login.signIn(email, PASSWORD);
    await expect(mine).toHaveURL(/\/account\/password$/);
    await mine.getByRole("link", { name: "Mail", exact: true }).click();
    await expect(mine.getByRole("heading", { name: "Forwarding" })).toBeVisible();
    await ready(mine, info);
    const own = mine.getByRole("region", { name: "Forwarding" });
    await expect(own.getByLabel("Forward to")).toHaveValue("clerk@council.test");
    await expect(own.getByLabel("Forward to")).toHaveAccessibleDescription(
      "One address a line, at most 10. Leave it empty to stop forwarding.",
    );
    await own.getByLabel("Forward to").fill(`${username}@home.example`);
    await own.getByLabel("Keep a copy in this mailbox").check();
    await own.getByRole("button", { name: "Save forwarding" }).click();
    await expect(mine.getByRole("status")).toHaveText("Forwarding is saved. The mail server applies it from the next message.");
    await expect(mine.getByRole("region", { name: "Forwarding" })).toContainText(
      `Mail to this mailbox is forwarded to ${username}@home.example.`,
    );
    await theirs.close();

    // The administrator sees the user's choice on the user's page.
    await page.goto(userMailTab);
    await expect(page.getByRole("region", { name: "Forwarding" })).toContainText(`forwarded to ${username}@home.example.`);
    await expect(page.getByRole("region", { name: "Forwarding" }).getByLabel("Keep a copy in this mailbox")).toBeChecked();
  } finally {
    await setMailRules(page, info, DEFAULT_RULES);
  }
});

test("where the owner says so, only the account administrator sets aliases", async ({ page, browser }, info) => {
  // A user administrator, granted on their page.
  const helper = await openSecurityTab(page, info, "helper");
  const helperPage = page.url().replace(/\/security$/, "");
  await page.goto(helperPage);
  await ready(page, info);
  const role = page.getByRole("region", { name: "Role" });
  await role.getByLabel(/^User admin:/).check();
  await role.getByRole("button", { name: "Save role" }).click();
  await expect(page.getByRole("status")).toHaveText("Role saved. It holds from the user's next click.");
  const target = await openSecurityTab(page, info, "aliased");
  const targetPage = page.url().replace(/\/security$/, "");

  try {
    await setMailRules(page, info, { aliases: "The account administrator only", external: false });
    await expect(page.getByRole("region", { name: "Mail rules" }).getByLabel("Who may add and remove aliases")).toHaveValue(
      "account_admin",
    );
    // The owner still adds one.
    await page.goto(targetPage);
    await ready(page, info);
    const aliases = page.getByRole("region", { name: "Aliases" });
    await aliases.getByLabel("New alias (the part before @)").fill(`${target}-office`);
    await aliases.getByRole("button", { name: "Add alias" }).click();
    await expect(page.getByRole("region", { name: "Aliases" }).getByRole("list")).toContainText(`${target}-office@council.test`);

    // The user administrator sees it, and no form to change it.
    const theirs = await browser.newContext({ javaScriptEnabled: info.project.use.javaScriptEnabled });
    const mine = await theirs.newPage();
    const login = new LoginPage(mine, info);
    await login.open();
    await login.signIn(`${helper}@council.test`, PASSWORD);
    await expect(mine).toHaveURL(/\/users$/);
    await mine.goto(targetPage);
    await ready(mine, info);
    const theirAliases = mine.getByRole("region", { name: "Aliases" });
    await expect(theirAliases.getByRole("list")).toContainText(`${target}-office@council.test`);
    await expect(theirAliases).toContainText(
      "In this organisation only the account administrator adds and removes aliases.",
    );
    await expect(theirAliases.getByRole("button")).toHaveCount(0);
    await expect(theirAliases.getByRole("textbox")).toHaveCount(0);
    await theirs.close();
  } finally {
    await setMailRules(page, info, DEFAULT_RULES);
  }
});

test("an automatic reply set on My account answers the next message once, and stops when turned off", async ({ page, browser }, info) => {
  const username = await openSecurityTab(page, info, "away");
  const email = `${username}@council.test`;
  const theirs = await browser.newContext({ javaScriptEnabled: info.project.use.javaScriptEnabled });
  const mine = await theirs.newPage();
  const login = new LoginPage(mine, info);
  await login.open();
  await login.signIn(email, PASSWORD);
  await mine.goto("/account/mail");
  await ready(mine, info);
  const section = () => mine.getByRole("region", { name: "Automatic reply" });
  await expect(section()).toContainText("No automatic reply is sent.");
  await expect(section().getByLabel("First day (optional)")).toHaveAccessibleDescription(
    "Days in UTC, the mailbox's time zone.",
  );
  // Refused field by field: no message, the last day before the first.
  await section().getByLabel("Send an automatic reply").check();
  await section().getByLabel("First day (optional)").fill("2030-07-14");
  await section().getByLabel("Last day (optional)").fill("2030-07-01");
  await section().getByRole("button", { name: "Save automatic reply" }).click();
  await expect(section().getByLabel("Last day (optional)")).toHaveAccessibleDescription(
    /The last day comes before the first\./,
  );
  await expect(section().getByLabel("Message")).toHaveAccessibleDescription("This field is required.");

  await section().getByLabel("Send an automatic reply").check();
  await section().getByLabel("First day (optional)").fill("");
  await section().getByLabel("Last day (optional)").fill("2099-12-31");
  await section().getByLabel("Subject").fill("Away this week");
  await section().getByLabel("Message").fill("I'm away until Monday.\nFor the allotments, write to the clerk.");
  await section().getByRole("button", { name: "Save automatic reply" }).click();
  await expect(mine.getByRole("status")).toHaveText(
    "The automatic reply is saved. The mail server applies it from the next message.",
  );
  await expect(section()).toContainText("An automatic reply is sent until 2099-12-31 included.");

  // The mail server answers a sender once, in the user's words.
  const sender = `${unique(info, "sender")}@elsewhere.example`;
  await lmtpDeliver(sender, email, "Plot 12");
  await expect.poll(() => mailTo(`<${sender}>`).length, { timeout: 10_000 }).toBe(1);
  expect(mailTo(`<${sender}>`)[0]).toContain("Subject: Away this week");
  expect(mailTo(`<${sender}>`)[0]).toContain("For the allotments, write to the clerk.");
  await lmtpDeliver(sender, email, "Plot 12 again");
  // Turned off: the next sender hears nothing.
  await section().getByLabel("Send an automatic reply").uncheck();
  await section().getByRole("button", { name: "Save automatic reply" }).click();
  await expect(section()).toContainText("No automatic reply is sent.");
  const later = `${unique(info, "later")}@elsewhere.example`;
  await lmtpDeliver(later, email, "Plot 13");
  // Delivery ends after Sieve has sent any reply: nothing more is coming.
  expect(mailTo(`<${later}>`)).toHaveLength(0);
  expect(mailTo(`<${sender}>`), "one reply per sender").toHaveLength(1);
  await theirs.close();
});
