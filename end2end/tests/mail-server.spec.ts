import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { connect, type Socket } from "node:net";
import { ADMIN_STATE, openSecurityTab, ready } from "./support";

// Signed in as the account administrator from the start (the setup project saved the session).
test.use({ storageState: ADMIN_STATE });

// The Dovecot that scripts/e2e.sh runs on the panel's database.
const imapPort = Number(process.env.E2E_IMAP_PORT);
const dovecot = (command: "start" | "stop") =>
  execFileSync("bash", ["../scripts/dovecot.sh", command, process.env.E2E_DOVECOT_DIR ?? ""]);

type Login = { ok: boolean; line: string; closed: Promise<void>; socket: Socket };

/** Signs in over IMAP, as a mail app does. */
function imapLogin(user: string, password: string): Promise<Login> {
  const quote = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  return new Promise((resolve, reject) => {
    const socket = connect(imapPort, "127.0.0.1");
    const closed = new Promise<void>((done) => socket.on("close", () => done()));
    let buffer = "";
    let greeted = false;
    socket.setEncoding("utf8");
    socket.on("error", reject);
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf("\r\n"); end >= 0; end = buffer.indexOf("\r\n")) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (!greeted) {
          greeted = true;
          socket.write(`a LOGIN ${quote(user)} ${quote(password)}\r\n`);
        } else if (line.startsWith("a OK")) {
          resolve({ ok: true, line, closed, socket });
        } else if (line.startsWith("a NO") || line.startsWith("a BAD")) {
          socket.end();
          resolve({ ok: false, line, closed, socket });
        }
      }
    });
  });
}

/** Whether the mail server closes the connection within a few seconds. */
async function closedSoon(login: Login): Promise<boolean> {
  const timeout = new Promise<boolean>((done) => setTimeout(() => done(false), 5_000));
  return Promise.race([login.closed.then(() => true), timeout]);
}

test("the mail server follows the panel: sign-out closes IMAP, a reset and disabling refuse it", async ({ page }, info) => {
  const username = await openSecurityTab(page, info, "imap");
  const email = `${username}@council.test`;
  const first = await imapLogin(email, "quartz meadow tumble 7");
  expect(first.ok, first.line).toBe(true);
  const second = await imapLogin(email, "quartz meadow tumble 7");

  // Sign out all devices: the mail apps' connections close too.
  const devices = page.getByRole("region", { name: "Signed-in devices" });
  await devices.getByRole("button", { name: "Sign out all devices now" }).click();
  await expect(page.getByRole("status").first()).toHaveText("Devices signed out: 0.");
  expect(await closedSoon(first)).toBe(true);
  expect(await closedSoon(second)).toBe(true);

  // A reset with a forced change: the old password is refused at once; the temporary one says why.
  await page.getByLabel("New password", { exact: true }).fill("copper willow 9 harbour");
  await page.getByLabel("Confirm password").fill("copper willow 9 harbour");
  await page.getByRole("button", { name: "Reset password" }).click();
  await expect(page.getByRole("status").first()).toContainText("The password was reset.");
  const old = await imapLogin(email, "quartz meadow tumble 7");
  expect(old.ok).toBe(false);
  const temporary = await imapLogin(email, "copper willow 9 harbour");
  expect(temporary.line).toContain("Password change required: use the web panel");

  // The mail server is down: the sign-out holds in the panel, and the admin is told.
  dovecot("stop");
  try {
    await devices.getByRole("button", { name: "Sign out all devices now" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "the mail server could not be reached" })).toBeVisible();
  } finally {
    dovecot("start");
  }

  // Disabled on the Profile tab: refused over IMAP, even with the right password.
  await page.getByRole("navigation", { name: "Sections of this user's page" }).getByRole("link", { name: "Profile" }).click();
  await ready(page, info);
  await page.getByRole("checkbox", { name: "Disabled" }).check();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status").first()).toHaveText("The changes were saved.");
  const disabled = await imapLogin(email, "copper willow 9 harbour");
  expect(disabled.ok).toBe(false);
  expect(disabled.line).toContain("Authentication failed");
});
