import { expect, test } from "@playwright/test";
import { ADMIN_STATE, ready, signInAsAdmin } from "./support";

// Signed in as the account administrator from the start (the setup project saved the session).
test.use({ storageState: ADMIN_STATE });

test("pages hydrate and load the lazy meter under a nonce-based Content-Security-Policy", { tag: "@needs-javascript" }, async ({ page }, info) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && message.text().includes("Content Security Policy")) {
      violations.push(message.text());
    }
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(`Content Security Policy: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });

  await signInAsAdmin(page, info);
  for (const path of ["/users", "/overview", "/audit", "/domains", "/lists", "/settings", "/account/password"]) {
    const response = await page.goto(path);
    const policy = response!.headers()["content-security-policy"];
    expect(policy, path).toMatch(/script-src 'nonce-[A-Za-z0-9_-]{22,}' 'strict-dynamic' 'wasm-unsafe-eval'/);
    await ready(page, info);
  }
  // The strength meter is a separate WASM part, fetched by the app when a password field is used.
  await page.goto("/users/new");
  await ready(page, info);
  await page.getByLabel("Password", { exact: true }).fill("correct horse battery staple");
  await expect(page.getByRole("meter", { name: "Password strength" })).toBeVisible();
  expect(violations).toEqual([]);
});
