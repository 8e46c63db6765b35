// Browser scenarios for the demo's web front end, in Debian's chromium
// driven by playwright-core, against the gateway in dev mode (run.sh starts
// it). Usage: GATEWAY_URL=http://127.0.0.1:PORT SHOT_DIR=/tmp/x node suite.mjs
// Each scenario runs in a fresh browser context and saves a screenshot;
// a page error or a Content-Security-Policy violation fails it (in the
// pages of that context, and in any other page the scenario passes to
// watch). Prints one line per scenario, then "N passed, M failed"; exits 1
// on any failure.
import { createServer } from "node:http";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const GW = process.env.GATEWAY_URL;
const SHOT_DIR = process.env.SHOT_DIR;
if (!GW || !SHOT_DIR) {
  console.error("GATEWAY_URL and SHOT_DIR must be set");
  process.exit(2);
}
mkdirSync(SHOT_DIR, { recursive: true });

const ACCOUNTS = {
  admin: ["admin@demo.test", "demo-admin-pass"],
  manager: ["manager@demo.test", "demo-manager-pass"],
  member: ["member@demo.test", "demo-member-pass"],
};
const TIMEOUT = 10_000;
const unique = (prefix) => `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

// until polls fn (a goroutine-style hand-off: the browser works on its own
// schedule) until it returns a truthy value, or fails with msg.
async function until(fn, msg, timeout = TIMEOUT) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`${msg} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const path = (page) => new URL(page.url()).pathname + new URL(page.url()).search;

async function signIn(page, who, { from = "/sign-in" } = {}) {
  const [email, password] = ACCOUNTS[who];
  if (from) await page.goto(GW + from);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => u.pathname.startsWith("/dashboard/"), { timeout: TIMEOUT });
}

async function heading(page, name) {
  await page.getByRole("heading", { level: 1, name }).waitFor({ timeout: TIMEOUT });
}

async function badgeCount(page) {
  const badge = page.locator("#badge");
  if (!(await badge.isVisible())) return 0;
  return Number((await badge.innerText()).replace(/\D/g, ""));
}

// ---- the other origin: a second loopback port, same host (so same-site:
// the browser sends the gateway's SameSite=Lax cookies along).
const attacker = createServer((req, res) => {
  res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
  res.end("<!doctype html><title>another site</title><h1>another origin</h1>");
});
await new Promise((r) => attacker.listen(0, "127.0.0.1", r));
const OTHER = `http://127.0.0.1:${attacker.address().port}`;

const scenarios = [];
const scenario = (name, fn, opts = {}) => scenarios.push({ name, fn, opts });

scenario("sign in, see tasks, create and complete one, see the notification, sign out; back shows nothing private", async ({ page }) => {
  await page.goto(GW + "/");
  assert(path(page) === "/sign-in?redirect=%2Fdashboard%2Ftasks", `/ led to ${path(page)}`);
  await signIn(page, "member", { from: null });
  assert(path(page) === "/dashboard/tasks", `after sign-in: ${path(page)}`);
  await heading(page, "Tasks");
  await page.locator("#user").getByText("Mia Member").waitFor();
  await until(async () => (await page.locator("#task-list li.item").count()) > 0, "no tasks listed");
  const unreadBefore = await page.evaluate(async () =>
    (await (await fetch("/api/notifications?unreadOnly=true&limit=100")).json()).items.length);
  await until(async () => (await badgeCount(page)) === unreadBefore, `badge not ${unreadBefore}`);

  const title = unique("Browser task");
  await page.getByLabel("New task", { exact: true }).fill(title);
  await page.getByLabel("Priority").selectOption("high");
  await page.getByRole("button", { name: "Add task" }).click();
  const item = page.locator("#task-list li.item", { hasText: title });
  await item.waitFor();
  assert((await item.innerText()).includes("high priority"), "priority not shown");

  await page.getByRole("button", { name: `Complete ${title}` }).click();
  await page.locator("#toast").getByText(`You completed "${title}".`).waitFor();
  await until(async () => (await item.innerText()).includes("completed"), "task not shown completed");
  await until(async () => (await badgeCount(page)) === unreadBefore + 1, `badge not ${unreadBefore + 1}`);

  await page.getByRole("link", { name: /Notifications/ }).click();
  await heading(page, "Notifications");
  const note = page.locator("#notification-list li.unread", { hasText: `You completed "${title}".` });
  await note.waitFor();
  await note.getByRole("button", { name: /Mark read/ }).click();
  await until(async () => (await badgeCount(page)) === unreadBefore, `badge not back to ${unreadBefore}`);
  await page.locator("#notification-list li", { hasText: `You completed "${title}".` }).waitFor();

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((u) => u.pathname === "/sign-in");
  await page.goBack();
  await page.waitForLoadState("load");
  await until(async () => new URL(page.url()).pathname === "/sign-in", `back showed ${page.url()}`);
  const text = await page.locator("body").innerText();
  assert(!text.includes(title) && !text.includes("Mia Member") && !text.includes("Task completed"),
    "the back button showed private data");
  const res = await page.request.get(GW + "/api/tasks");
  assert(res.status() === 401, `the old session still works: ${res.status()}`);
});

scenario("a wrong password shows the generic error, the same as an unknown email", async ({ page }) => {
  await page.goto(GW + "/sign-in");
  const texts = [];
  for (const [email, password] of [["admin@demo.test", "not-the-password"], ["nobody@demo.test", "whatever-pass"]]) {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    const alert = page.getByRole("alert");
    await until(async () => (await alert.innerText()).trim(), "no error shown");
    texts.push((await alert.innerText()).trim());
    assert((await page.getByLabel("Password").inputValue()) === "", "password kept after a failure");
    assert(new URL(page.url()).pathname === "/sign-in", "left the sign-in page");
    await page.evaluate(() => { document.getElementById("form-error").textContent = ""; });
  }
  assert(texts[0] === "Invalid email or password.", `wrong password: ${texts[0]}`);
  assert(texts[0] === texts[1], `unknown email differs: ${texts[1]}`);
  // Empty fields are caught on the page, next to the fields.
  await page.getByLabel("Email").fill("");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("Enter your email address.").waitFor();
  assert(await page.getByLabel("Email").evaluate((el) => el === document.activeElement), "focus not on the bad field");
});

scenario("a protected page without a session redirects to sign-in and returns after it", async ({ page }) => {
  await page.goto(GW + "/dashboard/notifications?from=mail");
  assert(path(page) === "/sign-in?redirect=%2Fdashboard%2Fnotifications%3Ffrom%3Dmail", `redirected to ${path(page)}`);
  await signIn(page, "member", { from: null });
  assert(path(page) === "/dashboard/notifications?from=mail", `returned to ${path(page)}`);
  await heading(page, "Notifications");
  // A signed-in visit to the sign-in page goes straight on.
  await page.goto(GW + "/sign-in?redirect=%2Fdashboard%2Flive");
  await page.waitForURL((u) => u.pathname === "/dashboard/live");
});

scenario("sign-in never redirects to another site", async ({ page }) => {
  for (const bad of ["//127.0.0.2/x", "/\\127.0.0.2", "https://127.0.0.2/", "javascript:alert(1)"]) {
    const ctxPage = await page.context().newPage();
    await ctxPage.goto(GW + "/sign-in?redirect=" + encodeURIComponent(bad));
    if (bad === "//127.0.0.2/x") await signIn(ctxPage, "member", { from: null });
    else await ctxPage.waitForURL((u) => u.pathname.startsWith("/dashboard/"));
    assert(ctxPage.url() === GW + "/dashboard/tasks", `redirect=${bad} led to ${ctxPage.url()}`);
    await ctxPage.close();
  }
});

scenario("the session cookie is not readable by page scripts", async ({ page, context }) => {
  await signIn(page, "member");
  const cookies = await context.cookies(GW);
  const session = cookies.find((c) => c.name === "cgw_session" || c.name === "__Host-cgw_session");
  assert(session, `no session cookie: ${cookies.map((c) => c.name)}`);
  assert(session.httpOnly && session.sameSite === "Lax", `session cookie ${JSON.stringify({ ...session, value: "…" })}`);
  const visible = await page.evaluate(() => document.cookie);
  assert(!visible.includes(session.value) && !/cgw_session/.test(visible), "document.cookie shows the session");
  assert(/cgw_csrf=/.test(visible), "the CSRF cookie is not readable (the page needs it)");
});

scenario("another origin cannot read /api/auth/token nor change state with the user's cookies", async ({ page, context }) => {
  await signIn(page, "member");
  const marker = unique("Forged");
  const evil = await context.newPage();
  await evil.goto(OTHER + "/");
  const results = await evil.evaluate(async ({ gw, marker }) => {
    const out = {};
    const attempt = async (name, p) => {
      try {
        const r = await p;
        out[name] = r.type === "opaque" ? "opaque" : `read ${r.status}`;
      } catch (e) {
        out[name] = `blocked: ${e.name}`;
      }
    };
    // The CSRF cookie is per host, not per port: this page can read it.
    const csrf = (document.cookie.match(/(?:^|; )(?:__Host-)?cgw_csrf=([^;]+)/) || [])[1] || "";
    out.csrfVisibleHere = csrf !== "";
    await attempt("token", fetch(`${gw}/api/auth/token`, { credentials: "include" }));
    await attempt("tasksGet", fetch(`${gw}/api/tasks`, { credentials: "include" }));
    await attempt("postWithHeader", fetch(`${gw}/api/tasks`, {
      method: "POST", credentials: "include",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ title: `${marker} json`, priority: "low" }),
    }));
    await attempt("postSimple", fetch(`${gw}/api/tasks`, {
      method: "POST", mode: "no-cors", credentials: "include",
      headers: { "Content-Type": "text/plain" },
      body: JSON.stringify({ title: `${marker} simple`, priority: "low" }),
    }));
    await attempt("passthroughSimple", fetch(`${gw}/api/mutation`, {
      method: "POST", mode: "no-cors", credentials: "include",
      headers: { "Content-Type": "text/plain" },
      body: JSON.stringify({ path: "tasks:create", format: "json", args: [{ title: `${marker} passthrough`, priority: "low" }] }),
    }));
    return out;
  }, { gw: GW, marker });
  assert(results.token.startsWith("blocked"), `token readable: ${results.token}`);
  assert(results.tasksGet.startsWith("blocked"), `tasks readable: ${results.tasksGet}`);
  assert(results.postWithHeader.startsWith("blocked"), `preflighted POST went through: ${results.postWithHeader}`);
  // A form posted to the gateway (a top-level navigation, cookies sent).
  await evil.setContent(`<form method="post" action="${GW}/api/auth/logout"><button>go</button></form>`);
  await Promise.all([evil.waitForURL(GW + "/api/auth/logout"), evil.click("button")]);
  const answer = await evil.locator("body").innerText();
  assert(/csrf_failed/.test(answer), `cross-site logout form answered: ${answer.slice(0, 200)}`);

  // Nothing changed: the session lives, and no forged task exists.
  await page.reload();
  await heading(page, "Tasks");
  await until(async () => (await page.locator("#task-list li.item").count()) > 0, "no tasks");
  const listed = await page.locator("#task-list").innerText();
  assert(!listed.includes(marker), `a forged task was created: ${listed}`);
  const check = await page.evaluate(async () => (await fetch("/api/tasks?limit=100")).json());
  assert(!JSON.stringify(check).includes(marker), "a forged task exists");
  console.log(`      (the CSRF cookie ${results.csrfVisibleHere ? "is" : "is not"} readable from ${OTHER}; simple POSTs: ${results.postSimple}, ${results.passthroughSimple})`);
});

scenario("the live page (official Convex client) updates after a mutation", async ({ page, context }) => {
  const queries = [];
  page.on("request", (r) => {
    if (r.url() === GW + "/api/query") queries.push(r.headers()["authorization"] || "");
  });
  await signIn(page, "member", { from: "/dashboard/live" });
  await heading(page, "Live tasks");
  await until(async () => /updated/.test(await page.locator("#live-state").innerText()), "live list not loaded");
  assert(queries.length > 0 && queries.every((a) => /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(a)),
    `queries not through the passthrough with a Bearer token: ${queries.length} ${queries[0]}`);

  const other = await context.newPage();
  await other.goto(GW + "/dashboard/tasks");
  const title = unique("Live task");
  await other.getByLabel("New task", { exact: true }).fill(title);
  await other.getByRole("button", { name: "Add task" }).click();
  await other.locator("#task-list li.item", { hasText: title }).waitFor();
  await page.locator("#live-list li", { hasText: title }).waitFor({ timeout: TIMEOUT });

  await other.getByRole("button", { name: `Complete ${title}` }).click();
  await until(async () => (await page.locator("#live-list li", { hasText: title }).innerText()).includes("completed"),
    "live page did not see the completion");

  const viaClient = unique("Via client");
  await page.getByLabel("New task", { exact: true }).fill(viaClient);
  await page.getByRole("button", { name: "Add through Convex" }).click();
  await page.locator("#live-list li", { hasText: viaClient }).waitFor();
  await other.reload();
  await other.locator("#task-list li.item", { hasText: viaClient }).waitFor();
  await other.close();
});

scenario("staff pages page through the gateway's cursors; members do not see them", async ({ page, context }) => {
  await signIn(page, "manager", { from: "/dashboard/beneficiaries" });
  await heading(page, "Beneficiaries");
  const rows = page.locator("#table-apibeneficiaries tbody tr");
  await until(async () => (await rows.count()) === 10, "page 1 has not 10 rows");
  const first1 = await rows.first().innerText();
  await page.getByRole("button", { name: "Next page" }).click();
  await page.getByText("Page 2").waitFor();
  await until(async () => (await rows.first().innerText()) !== first1, "page 2 shows page 1");
  const seen = new Set([first1]);
  for (let i = 0; i < 5 && !(await page.getByRole("button", { name: "Next page" }).isDisabled()); i++) {
    seen.add(await rows.first().innerText());
    await page.getByRole("button", { name: "Next page" }).click();
    await page.getByText(`Page ${i + 3}`).waitFor();
  }
  assert(await page.getByText("Page 3").isVisible(), "25 beneficiaries should make 3 pages");
  await until(async () => (await rows.count()) === 5, "page 3 should hold 5 rows");
  await page.getByRole("button", { name: "Previous page" }).click();
  await page.getByRole("button", { name: "Previous page" }).click();
  await page.getByText("Page 1").waitFor();
  await until(async () => (await rows.first().innerText()) === first1, "Previous did not return to page 1");
  await page.getByLabel("Status").selectOption("inactive");
  await until(async () => (await rows.count()) > 0 && (await page.locator("#table-apibeneficiaries tbody").innerText()).split("\n").every((l) => !/\bactive\b/.test(l) || /inactive/.test(l)), "filter not applied");

  await page.getByRole("link", { name: "Donations" }).click();
  await heading(page, "Donations");
  await page.locator("#donation-stats").getByText("30", { exact: true }).waitFor();
  await until(async () => (await page.locator("#table-apidonations tbody tr").count()) === 10, "no donations page");
  await page.getByRole("link", { name: "Meetings" }).click();
  await heading(page, "Meetings");
  await until(async () => (await page.locator("#table-apimeetings tbody tr").count()) > 0, "no meetings");

  const member = await (await context.browser().newContext()).newPage();
  await signIn(member, "member");
  assert(!(await member.getByRole("link", { name: "Donations" }).isVisible()), "a member sees the staff links");
  await member.goto(GW + "/dashboard/donations");
  await member.getByText("The totals are for staff (admin or manager).").waitFor();
  await member.context().close();
});

scenario("a 401 mid-session sends the user to sign-in and back", async ({ page, context }) => {
  await signIn(page, "member");
  await heading(page, "Tasks");
  const other = await context.newPage();
  await other.goto(GW + "/dashboard/notifications");
  await other.getByRole("button", { name: "Sign out" }).click();
  await other.waitForURL((u) => u.pathname === "/sign-in");
  await other.close();
  await page.getByLabel("Status", { exact: true }).selectOption("pending");
  await page.waitForURL((u) => u.pathname === "/sign-in");
  assert(path(page) === "/sign-in?redirect=%2Fdashboard%2Ftasks%3Fstatus%3Dpending", `401 led to ${path(page)}`);
  await signIn(page, "member", { from: null });
  assert(path(page) === "/dashboard/tasks?status=pending", `returned to ${path(page)}`);
  assert((await page.getByLabel("Status", { exact: true }).inputValue()) === "pending", "filter not restored");
});

scenario("a 503 shows a retry message with the Retry-After wait (injected answer)", async ({ page }) => {
  await signIn(page, "member");
  await heading(page, "Tasks");
  let answered = 0;
  // The gateway's answer to an open breaker, injected once: the dev backend
  // cannot be made unavailable from outside.
  await page.route(/\/api\/tasks\?/, async (route) => {
    if (answered++ > 0) return route.continue();
    await route.fulfill({
      status: 503,
      headers: { "Content-Type": "application/json", "Retry-After": "3" },
      body: JSON.stringify({ error: { code: "backend_unavailable", message: "The backend is unavailable.", requestId: "r1" } }),
    });
  });
  await page.getByLabel("Status", { exact: true }).selectOption("completed");
  const banner = page.locator("#banner");
  await banner.getByText("The service is unavailable right now. Try again in 3 seconds.").waitFor();
  const retry = banner.getByRole("button", { name: /Retry/ });
  assert(await retry.isDisabled(), "Retry enabled before the wait");
  await until(async () => !(await retry.isDisabled()), "Retry never enabled", 6000);
  await retry.click();
  await until(async () => await banner.isHidden(), "banner stayed");
  await until(async () => (await page.locator("#task-list li.item").count()) > 0, "retry did not load");
});

scenario("phone-sized screen, keyboard only: sign in, add a task, visible focus", async ({ page }) => {
  await page.goto(GW + "/sign-in");
  await page.keyboard.press("Tab");
  assert(await page.evaluate(() => document.activeElement?.id) === "email", "Tab does not reach the email field first");
  await page.keyboard.type(ACCOUNTS.member[0]);
  await page.keyboard.press("Tab");
  await page.keyboard.type(ACCOUNTS.member[1]);
  await page.keyboard.press("Enter");
  await page.waitForURL((u) => u.pathname === "/dashboard/tasks");
  await heading(page, "Tasks");
  await until(async () => (await page.locator("#task-list li.item").count()) > 0, "no tasks");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
  await page.getByLabel("New task", { exact: true }).focus();
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert(outline !== "none", "no visible focus on the focused field");
  const title = unique("Phone task");
  await page.keyboard.type(title);
  await page.keyboard.press("Enter");
  await page.locator("#task-list li.item", { hasText: title }).waitFor();
  // The first tab stop of the shell is the skip link, which shows itself.
  await page.goto(GW + "/dashboard/notifications");
  await heading(page, "Notifications");
  await page.keyboard.press("Tab");
  const skip = await page.evaluate(() => ({ cls: document.activeElement?.className, left: document.activeElement?.getBoundingClientRect().left }));
  assert(skip.cls === "skip-link" && skip.left >= 0, `first tab stop ${JSON.stringify(skip)}`);
  await page.keyboard.press("Escape");
  await page.goto(GW + "/dashboard/tasks");
  await heading(page, "Tasks");
}, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

// A second browser for the sessions scenarios: a phone's Safari, so its
// session is told apart from the headless Chrome of the first.
const IPHONE_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) " +
  "Version/17.5 Mobile/15E148 Safari/604.1";

scenario("revoke another session from the sessions page; that browser is sent to sign-in on its next request", async ({ page, context }) => {
  await signIn(page, "admin");
  await heading(page, "Tasks");
  const phoneContext = await context.browser().newContext({ userAgent: IPHONE_UA, viewport: { width: 390, height: 844 } });
  const phone = await phoneContext.newPage();
  await signIn(phone, "admin");
  await heading(phone, "Tasks");

  await page.getByRole("link", { name: "Sessions" }).click();
  await heading(page, "Sessions");
  assert((await page.getByRole("link", { name: "Sessions" }).getAttribute("aria-current")) === "page", "the Sessions link is not current");
  const current = page.locator("#session-list li.current");
  await current.waitFor();
  const here = await current.innerText();
  assert(/^Headless Chrome \d+ on Linux\s+This device/.test(here), `this device shown as: ${here.split("\n").slice(0, 2)}`);
  assert((await current.getByRole("button", { name: /^Sign out/ }).count()) === 0, "this device offers its own Sign out");
  const other = page.locator("#session-list li.session", { has: page.getByRole("heading", { name: "Safari 17 on iPhone", exact: true }) });
  await other.waitFor();
  const facts = await other.innerText();
  assert(/Signed in\s+just now \(/.test(facts) && /Last active\s+just now/.test(facts) && /IP address\s+127\.0\.0\.1/.test(facts) &&
    /Expires if unused\s+in \d+ days/.test(facts), `the other session shown as: ${JSON.stringify(facts)}`);
  assert(!facts.includes(IPHONE_UA), "the raw user agent is shown before it is asked for");
  await page.screenshot({ path: join(SHOT_DIR, "sessions.png"), fullPage: true });

  await other.getByRole("button", { name: /^Sign out Safari 17 on iPhone, signed in / }).click();
  await other.waitFor({ state: "detached" });
  await page.locator("#toast").getByText("Signed out Safari 17 on iPhone. It must sign in again.").waitFor();
  const focused = await page.evaluate(() => document.activeElement?.textContent);
  assert(focused === "Sign out" || focused === "Refresh", `focus went to ${focused}`);

  // The revoked browser: its next API call (a filter change) sends it to
  // sign-in with the way back, and a page load is redirected by the server.
  await phone.getByLabel("Status", { exact: true }).selectOption("pending");
  await phone.waitForURL((u) => u.pathname === "/sign-in");
  assert(path(phone) === "/sign-in?redirect=%2Fdashboard%2Ftasks%3Fstatus%3Dpending", `the revoked browser went to ${path(phone)}`);
  await phone.goto(GW + "/dashboard/sessions");
  assert(path(phone) === "/sign-in?redirect=%2Fdashboard%2Fsessions", `a revoked page load went to ${path(phone)}`);
  await phoneContext.close();

  // This browser is still signed in, and its list no longer has the other.
  await page.getByRole("button", { name: "Refresh" }).click();
  await until(async () => (await page.locator("#session-list li.session").count()) > 0 &&
    (await page.locator("#session-list").getByText("Safari 17 on iPhone").count()) === 0, "the revoked session is still listed");
  await current.waitFor();
});

scenario("sign out everywhere else, on a phone-sized screen with the keyboard", async ({ page, context }) => {
  const elsewhere = [];
  for (let i = 0; i < 2; i++) {
    const ctx = await context.browser().newContext();
    await signIn(await ctx.newPage(), "manager");
    elsewhere.push(ctx);
  }
  await signIn(page, "manager", { from: "/dashboard/sessions" });
  assert(path(page) === "/dashboard/sessions", `sign-in returned to ${path(page)}`);
  await heading(page, "Sessions");
  const others = page.locator("#session-list li.session:not(.current)");
  await until(async () => (await others.count()) >= 2, "the other sessions are not listed");
  const n = await others.count();
  await page.locator("#session-count").getByText(`Signed in on this device and ${n} other sessions.`).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 0, `the page scrolls sideways by ${overflow}px`);

  const everywhere = page.getByRole("button", { name: "Sign out everywhere else" });
  await everywhere.focus();
  assert((await everywhere.evaluate((el) => getComputedStyle(el).outlineStyle)) !== "none", "no visible focus on the button");
  let question = "";
  page.once("dialog", (d) => {
    question = d.message();
    d.accept();
  });
  await page.keyboard.press("Enter");
  await page.locator("#toast").getByText(/^Signed out \d+ other sessions\.$/).waitFor();
  assert(question === `Sign out ${n} other sessions? They must sign in again; this device stays signed in.`, `asked: ${question}`);
  await page.locator("#session-count").getByText("Only this device is signed in.").waitFor();
  assert((await others.count()) === 0 && (await page.locator("#session-list li.current").count()) === 1, "the list is not this device alone");
  assert(await everywhere.isDisabled(), "Sign out everywhere else stays enabled with nothing else signed in");
  assert(await page.evaluate(() => document.activeElement?.id) === "refresh-sessions", "focus was lost");

  for (const ctx of elsewhere) {
    const res = await ctx.request.get(GW + "/api/auth/session");
    assert(res.status() === 401, `a session signed out everywhere else answers ${res.status()}`);
    await ctx.close();
  }
  const mine = await page.request.get(GW + "/api/auth/session");
  assert(mine.status() === 200, `this device was signed out too: ${mine.status()}`);
}, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

// ---- the account pages: the dev gateway captures every email in its dev
// mailbox (/dev/mailbox, and /dev/mailbox/latest?to= as JSON). These
// scenarios make their own accounts (run.sh switches sign-up on), so the
// demo accounts the other scenarios sign in with keep their passwords: a
// reset cannot put them back (the policy refuses "demo-member-pass" for
// member@demo.test: it contains the email's name).
const uniqueEmail = (prefix) => `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@demo.test`;

// latestMail polls the dev mailbox for the newest email to address, until
// it is of template and has a link to path (other than the links in
// not), and returns that link. Delivery runs after the gateway's answer
// (its secondary runner): a hand-off, polled with a deadline.
async function latestMail(request, address, template, path, { not = [] } = {}) {
  return until(async () => {
    const res = await request.get(`${GW}/dev/mailbox/latest?to=${encodeURIComponent(address)}`);
    if (!res.ok()) return null;
    const m = await res.json();
    const link = m.template === template ? (m.links || []).find((l) => new URL(l).pathname === path) : null;
    return link && !not.includes(link) ? link : null;
  }, `no new ${template} email to ${address} in the dev mailbox`);
}

// signUp makes an account through the gateway's sign-up (on in run.sh; with
// REQUIRE_EMAIL_VERIFICATION the account waits for its address to be
// confirmed), from a page of the gateway's origin as the browser would, and
// returns the first verification link once it was mailed (so the account
// exists).
async function signUp(page, email, password, name) {
  if (!page.url().startsWith(GW)) await page.goto(GW + "/sign-in");
  const status = await page.evaluate(async (body) => (await fetch("/api/auth/sign-up", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  })).status, { email, password, name });
  assert(status === 202, `sign-up answered ${status}`);
  return latestMail(page.request, email, "verify-email", "/verify-email");
}

async function fieldError(page, id) {
  return until(async () => {
    const el = page.locator(`#${id}-error`);
    return (await el.isVisible()) && (await el.innerText()).trim();
  }, `no error next to #${id}`);
}

scenario("reset a password through the dev mailbox: the new one signs in, the old one is refused, the link works once", async ({ page, context }) => {
  const email = uniqueEmail("rita");
  const [oldPassword, newPassword] = ["quiet harbor lantern ninety", "violet canyon drums at noon"];
  await signUp(page, email, oldPassword, "Rita Reset");

  // From the sign-in page, with an address that has no account first: the
  // answer must be the one a real account gets.
  await page.goto(GW + "/sign-in");
  const nobody = uniqueEmail("nobody");
  await page.getByLabel("Email").fill(nobody);
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await heading(page, "Forgot your password?");
  await until(async () => (await page.getByLabel("Email").inputValue()) === nobody, "the address typed on sign-in is not carried over");
  await page.getByRole("button", { name: "Send me a link" }).click();
  const sent = page.locator("#sent");
  await sent.getByRole("heading", { name: "Check your inbox" }).waitFor();
  assert(await page.evaluate(() => document.activeElement?.id) === "sent-title", "focus did not move to the answer");
  const unknownText = (await page.locator("#sent-message").innerText()).replace(nobody, "ADDRESS");
  assert(unknownText === "If an account uses ADDRESS, we sent it a link to choose a new password.", `answer: ${unknownText}`);
  assert((await sent.getByRole("link", { name: "dev mailbox" }).getAttribute("href")) === "/dev/mailbox", "no dev mailbox hint");
  await page.getByRole("button", { name: "Use another address" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send me a link" }).click();
  await sent.getByText(email).waitFor();
  const knownText = (await page.locator("#sent-message").innerText()).replace(email, "ADDRESS");
  assert(knownText === unknownText, `a known address is answered differently: ${knownText}`);
  await page.screenshot({ path: join(SHOT_DIR, "forgot-password.png"), fullPage: true });

  // The email, as the dev mailbox shows it: follow its link.
  const link = await latestMail(page.request, email, "reset-password", "/reset-password");
  await sent.getByRole("link", { name: "dev mailbox" }).click();
  await page.getByRole("heading", { name: "Dev mailbox" }).waitFor();
  await page.locator("article", { hasText: email }).first().getByRole("link", { name: link }).click();
  await heading(page, "Choose a new password");
  assert(page.url() === link, `the mailbox link led to ${page.url()}`);

  const pw = page.getByLabel("New password", { exact: true });
  const confirm = page.getByLabel("Confirm new password", { exact: true });
  const set = page.getByRole("button", { name: "Set new password" });
  // The policy's refusal, from the gateway, next to the field.
  await pw.fill("password123");
  await confirm.fill("password123");
  await set.click();
  const why = await fieldError(page, "password");
  assert(/^Password is too common or too easy to guess/.test(why), `weak password: ${why}`);
  assert((await pw.getAttribute("aria-invalid")) === "true" && await pw.evaluate((el) => el === document.activeElement),
    "the refused field is not marked and focused");
  // Checked on the page: the two must match.
  await pw.fill(newPassword);
  await confirm.fill(newPassword + "!");
  await set.click();
  assert((await fieldError(page, "confirm")) === "The two passwords do not match.", "mismatch not shown");
  await page.screenshot({ path: join(SHOT_DIR, "reset-password-refused.png"), fullPage: true });
  await page.getByLabel("Show passwords").check();
  assert((await pw.getAttribute("type")) === "text", "Show passwords does not show them");
  await confirm.fill(newPassword);
  await set.click();
  await page.waitForURL((u) => u.pathname === "/sign-in");
  assert(path(page).startsWith("/sign-in?notice=password-reset"), `after the reset: ${path(page)}`);
  await page.locator("#notice").getByText("Your new password is set: sign in with it.").waitFor();
  assert((await page.getByLabel("Email").inputValue()) === email, "the account's email is not filled in");

  // The old password is refused with the generic error; the new one works.
  await page.getByLabel("Password").fill(oldPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator("#form-error").getByText("Invalid email or password.").waitFor();
  await page.getByLabel("Password").fill(newPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => u.pathname === "/dashboard/tasks");
  await page.locator("#user").getByText("Rita Reset").waitFor();

  // The same link again: it worked once.
  const again = await context.newPage();
  await again.goto(link);
  await heading(again, "Choose a new password");
  await again.getByLabel("New password", { exact: true }).fill("another fine phrase for later");
  await again.getByLabel("Confirm new password", { exact: true }).fill("another fine phrase for later");
  await again.getByRole("button", { name: "Set new password" }).click();
  await again.getByRole("heading", { name: "This link does not work" }).waitFor();
  await again.getByText("This password reset link is invalid or has expired, or it was used already").waitFor();
  assert(!(await again.locator("#set-password").isVisible()), "the form is still offered");
  await again.screenshot({ path: join(SHOT_DIR, "reset-link-used.png"), fullPage: true });
  await again.getByRole("link", { name: "Ask for a new link" }).click();
  await heading(again, "Forgot your password?");
  return again;
});

scenario("accept an invitation on a phone-sized screen with the keyboard: choose a password, then sign in", async ({ page, context, watch }) => {
  await signIn(page, "admin");
  const email = uniqueEmail("ivy");
  const invited = await page.evaluate(async (email) => {
    const csrf = (document.cookie.match(/(?:^|; )(?:__Host-)?cgw_csrf=([^;]+)/) || [])[1] || "";
    const r = await fetch("/api/admin/invitations", {
      method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": decodeURIComponent(csrf) },
      body: JSON.stringify({ email, name: "Ivy Invitee", role: "member" }),
    });
    return { status: r.status, body: await r.json() };
  }, email);
  assert(invited.status === 201 && invited.body.email === email, `invitation: ${JSON.stringify(invited)}`);
  const link = await latestMail(page.request, email, "invitation", "/accept-invitation");

  const phoneContext = await context.browser().newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const phone = await phoneContext.newPage();
  watch(phone);
  await phone.goto(link);
  await heading(phone, "Accept your invitation");
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 0, `the page scrolls sideways by ${overflow}px`);

  // Keyboard only: Tab to the first field, type, Tab, type, Enter.
  const tabTo = async (id) => {
    for (let i = 0; i < 10 && (await phone.evaluate(() => document.activeElement?.id)) !== id; i++) await phone.keyboard.press("Tab");
    assert(await phone.evaluate(() => document.activeElement?.id) === id, `Tab does not reach #${id}`);
    const outline = await phone.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert(outline !== "none", `no visible focus on #${id}`);
  };
  await tabTo("password");
  await phone.keyboard.type("short");
  await phone.keyboard.press("Enter");
  assert((await fieldError(phone, "password")) === "Use at least 8 characters.", "short password not caught on the page");
  // A password with the invited user's name: refused by the gateway with
  // the account's details, after the link was checked; the link still works.
  await phone.getByLabel("Password", { exact: true }).fill("ivy plants tulips in october");
  await phone.getByLabel("Confirm password", { exact: true }).fill("ivy plants tulips in october");
  await phone.getByLabel("Confirm password", { exact: true }).press("Enter");
  const why = await fieldError(phone, "password");
  assert(why === "Password must not contain your name or email address.", `personal password: ${why}`);
  const good = "saffron kites over the marsh";
  await phone.getByLabel("Password", { exact: true }).fill(good);
  await tabTo("confirm");
  await phone.keyboard.press("Control+A");
  await phone.keyboard.type(good);
  await phone.keyboard.press("Enter");
  await phone.waitForURL((u) => u.pathname === "/sign-in");
  await phone.locator("#notice").getByText("Your password is set and your account is ready: sign in.").waitFor();
  assert((await phone.getByLabel("Email").inputValue()) === email, "the account's email is not filled in");
  await phone.getByLabel("Password").fill(good);
  await phone.getByLabel("Password").press("Enter");
  await phone.waitForURL((u) => u.pathname === "/dashboard/tasks");
  await phone.locator("#user").getByText("Ivy Invitee").waitFor();
  await phone.screenshot({ path: join(SHOT_DIR, "invitation-accepted.png"), fullPage: true });

  // The invitation link again: used.
  await phone.goto(link);
  await phone.getByLabel("Password", { exact: true }).fill("one more long phrase here");
  await phone.getByLabel("Confirm password", { exact: true }).fill("one more long phrase here");
  await phone.getByRole("button", { name: "Create my account" }).click();
  await phone.getByRole("heading", { name: "This invitation link does not work" }).waitFor();
  await phone.getByText("Ask the person who invited you to send a new invitation.").waitFor();
  return phone; // the scenario's screenshot (its context closes with the browser)
});

scenario("confirm an email address: sign-in says it is unconfirmed and sends a new link; the link confirms it once", async ({ page }) => {
  const email = uniqueEmail("vera");
  const password = "marble otters juggle kindly";
  const first = await signUp(page, email, password, "Vera Verify");

  // The right password of an unconfirmed account: 403 email_unverified,
  // and a way to get a new link.
  await page.goto(GW + "/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator("#form-error")
    .getByText("Confirm your email address to sign in: open the link we sent you, or send a new one.").waitFor();
  assert(new URL(page.url()).pathname === "/sign-in", "an unconfirmed account was signed in");
  const resend = page.getByRole("button", { name: "Send a new confirmation link" });
  await resend.click();
  const status = page.locator("#resend-status");
  await status.getByText(`If ${email} has an account waiting for confirmation, we sent it a new link. Open it, then sign in.`).waitFor();
  assert((await status.getByRole("link", { name: "dev mailbox" }).count()) === 1, "no dev mailbox hint");
  await page.screenshot({ path: join(SHOT_DIR, "sign-in-unverified.png"), fullPage: true });

  const second = await latestMail(page.request, email, "verify-email", "/verify-email", { not: [first] });
  await page.goto(second);
  await page.getByRole("heading", { name: "Your email address is confirmed" }).waitFor();
  await page.locator("#verified-message").getByText(email).waitFor();
  await page.screenshot({ path: join(SHOT_DIR, "email-confirmed.png"), fullPage: true });
  await page.getByRole("link", { name: "Sign in", exact: true }).click();
  await page.locator("#notice").getByText("Your email address is confirmed: sign in.").waitFor();
  assert((await page.getByLabel("Email").inputValue()) === email, "the confirmed email is not filled in");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => u.pathname === "/dashboard/tasks");
  await page.locator("#user").getByText("Vera Verify").waitFor();

  // The same link again: used. The page offers a new one, and answers the
  // same for this (now confirmed) address as for any.
  await page.goto(second);
  await page.getByRole("heading", { name: "This link does not work" }).waitFor();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send a new link" }).click();
  await page.locator("#resend-status").getByText(`If ${email} has an account waiting for confirmation, we sent it a new link.`).waitFor();
});

scenario("links without a token or with a made-up one say so; the account pages show limits and outages with their waits", async ({ page }) => {
  await page.goto(GW + "/reset-password");
  await page.getByRole("heading", { name: "This link does not work" }).waitFor();
  await page.getByText("This link is incomplete: it has no token.").waitFor();
  assert((await page.getByRole("link", { name: "Ask for a new link" }).getAttribute("href")) === "/forgot-password", "no way to ask again");

  await page.goto(GW + "/verify-email?token=not-a-real-token");
  await page.getByRole("heading", { name: "This link does not work" }).waitFor();
  await page.getByLabel("Email").waitFor();

  await page.goto(GW + "/accept-invitation?token=not-a-real-token");
  await page.getByLabel("Password", { exact: true }).fill("lemon bicycles in the rain");
  await page.getByLabel("Confirm password", { exact: true }).fill("lemon bicycles in the rain");
  await page.getByRole("button", { name: "Create my account" }).click();
  await page.getByRole("heading", { name: "This invitation link does not work" }).waitFor();

  // The forgot-password page checks the address before sending it.
  await page.goto(GW + "/forgot-password");
  await page.getByRole("button", { name: "Send me a link" }).click();
  assert((await fieldError(page, "email")) === "Enter your email address.", "empty email not caught");
  await page.getByLabel("Email").fill("not an address");
  await page.getByRole("button", { name: "Send me a link" }).click();
  assert((await fieldError(page, "email")) === "Enter an email address like name@example.org.", "bad email not caught");

  // The per-address limit (FORGOT_PASSWORD_LIMIT_EMAIL, 3 an hour), the
  // same for an address without an account: the wait, the button held.
  const nobody = uniqueEmail("limit");
  const ask = page.getByRole("button", { name: /^Send me a link/ });
  for (let i = 0; i < 3; i++) {
    if (i > 0) await page.getByRole("button", { name: "Use another address" }).click();
    await page.getByLabel("Email").fill(nobody);
    await ask.click();
    await page.getByRole("heading", { name: "Check your inbox" }).waitFor();
  }
  await page.getByRole("button", { name: "Use another address" }).click();
  await ask.click();
  await page.locator("#form-error").getByText(/^Too many requests\. Try again in \d+ minutes\.$/).waitFor();
  assert(await ask.isDisabled() && /\(wait \d+ minutes\)$/.test(await ask.innerText()), "the button is not held for the wait");
  assert(await page.evaluate(() => document.activeElement?.id) === "form-error", "focus did not move to the error");

  // An outage while confirming (the gateway's 503, injected once): the wait,
  // then Try again posts the link again.
  let answered = 0;
  await page.route("**/api/auth/verify-email", async (route) => {
    if (answered++ > 0) return route.continue();
    await route.fulfill({ status: 503, headers: { "Content-Type": "application/json", "Retry-After": "2" },
      body: JSON.stringify({ error: { code: "state_unavailable", message: "unavailable", requestId: "r1" } }) });
  });
  await page.goto(GW + "/verify-email?token=not-a-real-token-either");
  await page.locator("#retry-error").getByText("The service is unavailable right now. Try again in 2 seconds.").waitFor();
  const again = page.getByRole("button", { name: /^Try again/ });
  assert(await again.isDisabled(), "Try again enabled before the wait");
  await until(async () => !(await again.isDisabled()), "Try again never enabled", 5000);
  await again.click();
  await page.getByRole("heading", { name: "This link does not work" }).waitFor();
  assert(answered === 2, `verify-email posted ${answered} times`);
});

scenario("sign-in error states: a locked account and a rate limit show their waits (last: it spends the login limit)", async ({ page }) => {
  await page.goto(GW + "/sign-in");
  const alert = page.locator("#form-error");
  // Five failures lock the account (LOCKOUT_MAX_FAILURES=5); the sixth try
  // is refused whatever the password.
  for (let i = 0; i < 6; i++) {
    await page.getByLabel("Email").fill("inactive@demo.test");
    await page.getByLabel("Password").fill(`wrong-${i}`);
    await page.getByRole("button", { name: /^Sign in/ }).click();
    await until(async () => !(await alert.isHidden()) && (await alert.innerText()) !== "", "no error");
    if (i < 5) await page.evaluate(() => { const a = document.getElementById("form-error"); a.hidden = true; a.textContent = ""; });
  }
  await until(async () => /Too many failed sign-ins for this account\. Try again in 15 minutes\./.test(await alert.innerText()),
    "locked message");
  assert(await page.getByRole("button", { name: /Sign in \(wait/ }).isDisabled(), "submit not held during the lock");
  await page.screenshot({ path: join(SHOT_DIR, "locked.png") });

  // Exhaust the per-IP login limit (LOGIN_BURST=40 in run.sh), then try.
  // The limit refills one sign-in per 2 s (LOGIN_RATE=30): fill the form
  // first, exhaust the limit, then submit at once.
  const fresh = await page.context().newPage();
  await fresh.goto(GW + "/sign-in");
  await fresh.getByLabel("Email").fill("member@demo.test");
  await fresh.getByLabel("Password").fill("demo-member-pass");
  await fresh.evaluate(async () => {
    for (let i = 0; i < 60; i++) {
      const r = await fetch("/api/auth/login", { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email: `nobody${i}@demo.test`, password: "x-not-it" }) });
      if (r.status === 429) break;
    }
  });
  await fresh.getByRole("button", { name: "Sign in" }).click();
  await fresh.locator("#form-error").getByText(/^Too many requests\. Try again in \d+ seconds?\.$/).waitFor();
  return fresh;
});

// ---- run
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
});
let passed = 0;
let failed = 0;
const only = process.env.ONLY ? new RegExp(process.env.ONLY) : null;
for (const [i, sc] of scenarios.entries()) {
  if (only && !only.test(sc.name)) continue;
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...sc.opts });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  const problems = [];
  const watch = (p) => {
    p.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    p.on("console", (m) => {
      if (m.type() === "error" && /Content.Security.Policy|Refused to/.test(m.text())) problems.push(`CSP: ${m.text()}`);
    });
  };
  context.on("page", watch);
  watch(page);
  const shot = join(SHOT_DIR, `${String(i + 1).padStart(2, "0")}-${sc.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60).replace(/-$/, "")}.png`);
  const started = Date.now();
  let target = page;
  try {
    const returned = await sc.fn({ page, context, watch });
    if (returned && typeof returned.screenshot === "function") target = returned;
    if (problems.length) throw new Error(problems.join("; "));
    passed++;
    console.log(`ok    ${sc.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (e) {
    failed++;
    console.log(`FAIL  ${sc.name}: ${String(e?.message ?? e).split("\n")[0]}`);
    if (problems.length) console.log(`      ${problems.join("\n      ")}`);
  }
  try {
    await target.screenshot({ path: shot, fullPage: true });
  } catch {
    // The page may be closed; the result stands.
  }
  await context.close();
}
await browser.close();
attacker.close();
console.log(`screenshots: ${SHOT_DIR}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
