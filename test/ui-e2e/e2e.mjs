// The Speedy index's web UI in headless Chromium: sign in, create an access token (its secret shown once), star a
// repository, edit its description (Markdown renders, script does not run), delete a tag (after a confirmation), and
// see the tag page of a multi-platform image with both platforms and its SBOM referrer. A screenshot of every page
// visited goes to SCREENSHOTS. Run by test/Speedy.Index.Tests (BrowserEndToEndTests), which starts the index and a
// registry with seeded images and passes their addresses in the environment; exits non-zero on the first failure.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const base = required("SPEEDY_INDEX_URL").replace(/\/$/, "");
const user = required("SPEEDY_USER");
const password = required("SPEEDY_PASSWORD");
const repository = required("SPEEDY_REPOSITORY");
const multiTag = required("SPEEDY_MULTI_TAG");
const deleteTag = required("SPEEDY_DELETE_TAG");
const screenshots = required("SPEEDY_SCREENSHOTS");
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set`);
  }
  return value;
}

mkdirSync(screenshots, { recursive: true });
let shot = 0;
async function screenshot(page, name) {
  shot += 1;
  const path = join(screenshots, `${String(shot).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  console.log(`screenshot ${path}`);
}

async function step(name, body) {
  const started = Date.now();
  await body();
  console.log(`ok ${name} (${Date.now() - started} ms)`);
}

const browser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const scriptErrors = [];
  page.on("pageerror", (error) => scriptErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") {
      scriptErrors.push(`${message.text()} at ${message.location().url}`);
    }
  });

  await step("explore shows the public repository", async () => {
    const response = await page.goto(`${base}/`);
    assert.equal(response.status(), 200);
    await page.locator("#repositories").getByRole("link", { name: repository }).waitFor();
    await screenshot(page, "explore");
  });

  await step("sign in", async () => {
    await page.getByRole("link", { name: "Sign in" }).click();
    await page.getByLabel("Name").fill(user);
    await page.getByLabel("Password").fill(password);
    await screenshot(page, "sign-in");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    assert.equal(new URL(page.url()).pathname, "/");
    const cookies = await context.cookies();
    const session = cookies.find((cookie) => cookie.name === "speedy.session");
    assert.ok(session, "the session cookie is set");
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, "Strict");
  });

  let secret;
  await step("create an access token, its secret shown once", async () => {
    await page.getByRole("link", { name: "Access tokens" }).click();
    await page.getByLabel("Name").fill("e2e laptop");
    await page.getByLabel("push").check();
    await page.getByRole("button", { name: "Create token" }).click();
    secret = (await page.locator("#token-secret").textContent()).trim();
    assert.match(secret, /^spd_pat_[A-Za-z0-9_-]{43}$/);
    await page.getByText(`--username ${user} --password-stdin`).first().waitFor();
    await screenshot(page, "token-created");

    await page.goto(`${base}/settings/tokens`);
    assert.equal(await page.locator("#token-secret").count(), 0, "the secret is not shown again");
    assert.ok(!(await page.content()).includes(secret), "the secret is nowhere on the page");
    const row = page.locator("#tokens tr", { hasText: "e2e laptop" });
    await row.getByText("pull, push").waitFor();
    await row.getByText("active").waitFor();
    await screenshot(page, "tokens");

    // The token works as a password at the index's token endpoint, as docker login uses it.
    const token = await page.request.get(
      `${base}/token?service=speedy-registry&scope=repository:${repository}:pull,push`,
      { headers: { Authorization: "Basic " + Buffer.from(`${user}:${secret}`).toString("base64") } });
    assert.equal(token.status(), 200);
    assert.ok((await token.json()).token, "the token endpoint issued a token for the access token");
  });

  await step("star the repository", async () => {
    await page.goto(`${base}/repo/${repository}`);
    await screenshot(page, "repository");
    await page.locator("#star-toggle").click();
    await page.locator("#star-toggle", { hasText: "Unstar" }).waitFor();
    await page.locator("#stars", { hasText: "1 star" }).waitFor();
    await screenshot(page, "repository-starred");
  });

  await step("edit the description: Markdown renders, script does not run", async () => {
    await page.getByText("Edit the description").click();
    await page.getByLabel("Markdown").fill(
      "# Hello from e2e\n\nThis image is **fast**. See [the docs](https://example.com/docs).\n\n" +
      "<script>window.__speedyXss = 1</script>\n\n<img src=\"/static/copy.js\" onerror=\"window.__speedyXss = 2\">\n");
    await page.getByRole("button", { name: "Save description" }).click();
    await page.locator("#description h1", { hasText: "Hello from e2e" }).waitFor();
    assert.equal(await page.locator("#description strong").textContent(), "fast");
    assert.equal(await page.locator("#description a").getAttribute("href"), "https://example.com/docs");
    assert.equal(await page.locator("#description script").count(), 0);
    assert.equal(await page.locator("#description img").getAttribute("onerror"), null);
    assert.equal(await page.evaluate(() => window.__speedyXss), undefined);
    await screenshot(page, "description-edited");
  });

  await step("delete a tag after confirming", async () => {
    const row = page.locator("#tag-table tr", { hasText: deleteTag });
    await row.getByRole("link", { name: "Delete" }).click();
    await page.getByRole("heading", { name: `Delete the tag ${deleteTag}?` }).waitFor();
    await screenshot(page, "delete-tag-confirm");
    await page.locator("#confirm-delete").click();
    await page.getByText(`The tag ${deleteTag} was deleted.`).waitFor();
    const tags = await page.locator("#tag-table td:first-child").allTextContents();
    assert.ok(!tags.map((tag) => tag.trim()).includes(deleteTag), `${deleteTag} is gone from ${tags}`);
    assert.ok(tags.map((tag) => tag.trim()).includes(multiTag));
    await screenshot(page, "tag-deleted");
  });

  await step("the tag page of a multi-platform image shows both platforms", async () => {
    await page.locator("#tag-table").getByRole("link", { name: multiTag, exact: true }).click();
    await page.locator("#platforms").waitFor();
    const platforms = (await page.locator("#platforms tbody td:first-child").allTextContents()).map((text) => text.trim());
    assert.deepEqual(platforms.sort(), ["linux/amd64", "linux/arm64/v8"]);
    assert.match(await page.locator("#digest").textContent(), /^sha256:[0-9a-f]{64}$/);
    await page.locator("#referrers", { hasText: "SBOM" }).waitFor();
    await screenshot(page, "multi-platform");

    await page.locator("#platforms tr", { hasText: "linux/arm64" }).getByRole("link").click();
    await page.locator("#layers").waitFor();
    await page.locator("#config", { hasText: "linux/arm64/v8" }).waitFor();
    await page.locator("#history", { hasText: "RUN make install" }).waitFor();
    await screenshot(page, "platform-image");
  });

  await step("sign out", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("link", { name: "Sign in" }).waitFor();
  });

  assert.deepEqual(scriptErrors, [], "no script errors or CSP violations on any page");
  console.log(`all steps passed; ${shot} screenshots in ${screenshots}`);
} finally {
  await browser.close();
}
