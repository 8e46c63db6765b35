// The config-only gateway (cmd/gateway without -dev, no Go written) serving
// a small app, checked with the official Convex client. Usage:
// GATEWAY_URL=http://127.0.0.1:PORT node check.mjs
// The gateway runs with PASSTHROUGH_EXPOSE=messages:* against
// examples/messages/fakeserver. Prints one line per check, then
// "N passed, M failed"; exits 1 on any failure.
import { ConvexHttpClient } from "convex/browser";
import { anyApi } from "convex/server";

const url = process.env.GATEWAY_URL;
const email = process.env.USER_EMAIL ?? "alice@example.com";
const password = process.env.USER_PASSWORD ?? "correct horse battery staple";
if (!url) {
  console.error("GATEWAY_URL is not set");
  process.exit(2);
}
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

let token = "";
let userId = "";
await check("login with the contract's lookup function (users:byEmail)", async () => {
  const res = await fetch(`${url}/api/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`HTTP ${res.status} ${await res.text()}`);
  userId = (await res.json()).user.id;
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const tr = await fetch(`${url}/api/auth/token`, { headers: { Cookie: cookie } });
  assert(tr.status === 200, `token: HTTP ${tr.status}`);
  token = (await tr.json()).token;
});

const client = new ConvexHttpClient(url, { logger: false });
await check("messages:list through the passthrough with the gateway's token", async () => {
  client.setAuth(token);
  const msgs = await client.query(anyApi.messages.list, {});
  assert(Array.isArray(msgs) && msgs.some((m) => m.body === "Hello!"), JSON.stringify(msgs));
});
await check("messages:send (exposed by messages:*): the deployment sees the user via the JWKS", async () => {
  const id = await client.mutation(anyApi.messages.send, { body: "from ConvexHttpClient" });
  assert(typeof id === "string", `id ${id}`);
  const msgs = await client.query(anyApi.messages.list, {});
  assert(msgs[0].body === "from ConvexHttpClient" && msgs[0].author === userId, JSON.stringify(msgs[0]));
});
await check("the internal lookup is not reachable, even with the token", async () => {
  try {
    await client.query(anyApi.users.byEmail, { email });
    throw new Error("users:byEmail answered");
  } catch (e) {
    assert(/Could not find public function for 'users:byEmail'/.test(e.message), e.message);
  }
});
await check("anonymous calls reach the deployment as anonymous", async () => {
  const anon = new ConvexHttpClient(url, { logger: false });
  try {
    await anon.mutation(anyApi.messages.send, { body: "x" });
    throw new Error("anonymous send accepted");
  } catch (e) {
    assert(e.data?.code === "UNAUTHENTICATED", e.message);
  }
});
await check("no demo route without -dev", async () => {
  const res = await fetch(`${url}/api/tasks`);
  assert(res.status === 404, `GET /api/tasks: HTTP ${res.status}`);
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
