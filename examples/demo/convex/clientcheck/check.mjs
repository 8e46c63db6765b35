// Proof that the official Convex client works against the gateway's
// Convex-compatible passthrough (issues 6 and 14). Usage: GATEWAY_URL=http://127.0.0.1:PORT node check.mjs
// The gateway must run on the dev backend (demo seed data and accounts).
// Prints one line per check, then "N passed, M failed"; exits 1 on any failure.
import { ConvexHttpClient } from "convex/browser";
import { anyApi } from "convex/server";
import { ConvexError } from "convex/values";

const url = process.env.GATEWAY_URL;
if (!url) {
  console.error("GATEWAY_URL is not set");
  process.exit(2);
}
const api = anyApi;
let passed = 0;
let failed = 0;

async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok    ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL  ${name}: ${e?.message ?? e}`);
  }
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

// rejects runs p and returns the error it rejects with.
async function rejects(p) {
  try {
    const v = await p;
    throw new Error(`expected an error, got ${JSON.stringify(v, (_, x) => (typeof x === "bigint" ? `${x}n` : x))}`);
  } catch (e) {
    if (e?.message?.startsWith("expected an error")) throw e;
    return e;
  }
}

// login signs in with a demo account and returns a Convex token from
// GET /api/auth/token, as a browser app would.
async function login(email, password) {
  const res = await fetch(`${url}/api/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login ${email}: HTTP ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const tr = await fetch(`${url}/api/auth/token`, { headers: { Cookie: cookie } });
  if (tr.status !== 200) throw new Error(`token: HTTP ${tr.status} ${await tr.text()}`);
  const { token } = await tr.json();
  assert(typeof token === "string" && token.split(".").length === 3, "token is not a JWT");
  return token;
}

const anon = new ConvexHttpClient(url, { logger: false });
const manager = new ConvexHttpClient(url, { logger: false });
const member = new ConvexHttpClient(url, { logger: false });

await check("anonymous users:me throws ConvexError UNAUTHENTICATED", async () => {
  const e = await rejects(anon.query(api.users.me, {}));
  assert(e instanceof ConvexError, `not a ConvexError: ${e}`);
  assert(e.data?.code === "UNAUTHENTICATED", `data ${JSON.stringify(e.data)}`);
});

let managerToken;
await check("setAuth(token from /api/auth/token) makes users:me that user", async () => {
  managerToken = await login("manager@demo.test", "demo-manager-pass");
  manager.setAuth(managerToken);
  const me = await manager.query(api.users.me, {});
  assert(me.email === "manager@demo.test" && me.role === "manager", `me ${JSON.stringify(me)}`);
  assert(!("passwordHash" in me), "passwordHash leaked");
  member.setAuth(await login("member@demo.test", "demo-member-pass"));
  const m = await member.query(api.users.me, {});
  assert(m.email === "member@demo.test", `member me ${JSON.stringify(m)}`);
});

await check("query tasks:list returns the caller's tasks", async () => {
  const me = await member.query(api.users.me, {});
  const tasks = await member.query(api.tasks.list, {});
  assert(Array.isArray(tasks) && tasks.length > 0, "no tasks");
  assert(tasks.every((t) => t.userId === me._id), "a task of someone else");
  const pending = await member.query(api.tasks.list, { status: "pending" });
  assert(pending.every((t) => t.status === "pending"), "status filter ignored");
});

await check("mutations create, update and remove a task", async () => {
  const id = await member.mutation(api.tasks.create, { title: "  from the official client ", priority: "medium" });
  assert(typeof id === "string" && id.length > 0, `id ${id}`);
  let tasks = await member.query(api.tasks.list, {});
  assert(tasks[0]._id === id && tasks[0].title === "from the official client", `first ${JSON.stringify(tasks[0])}`);
  assert((await member.mutation(api.tasks.update, { id, status: "completed" })) === null, "update result");
  tasks = await member.query(api.tasks.list, { status: "completed" });
  assert(tasks.some((t) => t._id === id), "update not visible");
  await member.mutation(api.tasks.remove, { id });
  tasks = await member.query(api.tasks.list, {});
  assert(!tasks.some((t) => t._id === id), "remove not visible");
});

await check("donations:stats count arrives as a bigint", async () => {
  const s = await manager.query(api.donations.stats, {});
  assert(typeof s.count === "bigint", `count is ${typeof s.count}`);
  assert(s.count === 30n, `count ${s.count}`);
  assert(typeof s.total === "number" && s.total > 0, `total ${s.total}`);
  const none = await manager.query(api.donations.stats, { from: 0, to: 1 });
  assert(none.count === 0n, `empty range count ${none.count}`);
});

await check("paginated beneficiaries:list pages through every document", async () => {
  let cursor = null;
  const ids = new Set();
  for (let i = 0; i < 20; i++) {
    const page = await member.query(api.beneficiaries.list, { paginationOpts: { numItems: 7, cursor } });
    page.page.forEach((b) => ids.add(b._id));
    if (page.isDone) break;
    cursor = page.continueCursor;
  }
  assert(ids.size === 25, `${ids.size} beneficiaries`);
});

await check("a ConvexError arrives as ConvexError with its data", async () => {
  const e = await rejects(member.query(api.donations.stats, {}));
  assert(e instanceof ConvexError, `not a ConvexError: ${e}`);
  assert(e.data?.code === "FORBIDDEN", `data ${JSON.stringify(e.data)}`);
  const me = await member.query(api.users.me, {});
  const nf = await rejects(member.mutation(api.notifications.markRead, { id: me._id }));
  assert(nf instanceof Error, `not an Error: ${nf}`);
});

await check("an internal function looks missing", async () => {
  const e = await rejects(manager.query(api.auth.getUserByEmail, { email: "admin@demo.test" }));
  assert(!(e instanceof ConvexError), "internal function answered with a ConvexError");
  assert(/Could not find public function for 'auth:getUserByEmail'/.test(e.message), e.message);
  const m = await rejects(manager.mutation(api.auth.updateLastLogin, { userId: "x" }));
  assert(/Could not find public function for 'auth:updateLastLogin'/.test(m.message), m.message);
});

await check("a public but unexposed function looks missing too", async () => {
  const e = await rejects(manager.mutation(api.beneficiaries.create, { fullName: "X" }));
  assert(/Could not find public function for 'beneficiaries:create'/.test(e.message), e.message);
  const n = await rejects(manager.query(api.nope.nothing, {}));
  assert(/Could not find public function for 'nope:nothing'/.test(n.message), n.message);
});

await check("a bad token is refused", async () => {
  const bad = new ConvexHttpClient(url, { logger: false });
  bad.setAuth(managerToken.slice(0, -4) + "AAAA");
  const e = await rejects(bad.query(api.users.me, {}));
  assert(!(e instanceof ConvexError), "bad token reached the function");
  assert(/InvalidAuthHeader/.test(e.message), e.message);
  bad.setAuth("not-a-jwt");
  const g = await rejects(bad.query(api.users.me, {}));
  assert(/InvalidAuthHeader/.test(g.message), g.message);
});

await check("consistentQuery reads several queries at one timestamp (query_ts, query_at_ts)", async () => {
  const snap = new ConvexHttpClient(url, { logger: false });
  snap.setAuth(managerToken);
  const tasks = await snap.consistentQuery(api.tasks.list, {});
  const live = await manager.query(api.tasks.list, {});
  assert(JSON.stringify(tasks) === JSON.stringify(live), "consistentQuery differs from query");
  const stats = await snap.consistentQuery(api.donations.stats, {});
  assert(stats.count === 30n, `count ${stats.count}`);
  const e = await rejects(snap.consistentQuery(api.auth.getUserByEmail, { email: "admin@demo.test" }));
  assert(/Could not find public function for 'auth:getUserByEmail'/.test(e.message), e.message);
});

await check("function() is refused as Convex refuses callers without a deploy key", async () => {
  const e = await rejects(member.function(api.tasks.list, undefined, {}));
  assert(!(e instanceof ConvexError), "function() reached the function");
  const body = JSON.parse(e.message);
  assert(body.code === "BadDeployKey", e.message);
  assert(
    body.message ===
      "The provided deploy key was invalid for this deployment. Double check that the environment this key was generated for matches the desired deployment.",
    e.message,
  );
});

await check("a 2 MiB argument reaches the function", async () => {
  const e = await rejects(member.query(api.tasks.list, { status: "x".repeat(2 << 20) }));
  assert(!(e instanceof ConvexError), `${e}`);
  assert(/ArgumentValidationError/.test(e.message), e.message.slice(0, 300));
});

await check("POST /api/run runs a mutation (the function's own kind decides)", async () => {
  const run = async (path, args) => {
    const res = await fetch(`${url}/api/run/${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${managerToken}`, "Convex-Client": "npm-1.48.0" },
      body: JSON.stringify({ args }),
    });
    const text = await res.text();
    assert(res.status === 200, `run ${path}: HTTP ${res.status} ${text}`);
    return JSON.parse(text);
  };
  const created = await run("tasks/create", { title: "via run", priority: "low" });
  assert(created.status === "success" && typeof created.value === "string", JSON.stringify(created));
  const tasks = await manager.query(api.tasks.list, {});
  assert(tasks.some((t) => t._id === created.value && t.title === "via run"), "created task not listed");
  const stats = await run("donations/stats", {});
  assert(stats.value.count === "30", `run defaults to json: ${JSON.stringify(stats.value)}`);
  const removed = await run("tasks/remove", { id: created.value });
  assert(removed.status === "success", JSON.stringify(removed));
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
