import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { dirname, join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { CLOCK_START_MS, Runtime } from "./runtime";
import { createRunnerServer } from "./server";

// End-to-end tests: the runner's HTTP API over real loopback HTTP.

const here = dirname(fileURLToPath(import.meta.url));
const ADMIN = "test-admin-key";
let base = "";
let close: () => Promise<void>;

before(async () => {
  const runtime = new Runtime({
    functionsDir: resolve(here, "..", "convex"),
    seedPath: join(here, "seed.example.json"),
  });
  await runtime.run(() => runtime.reset());
  const server = createRunnerServer({ runtime, adminKey: ADMIN });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((r) => server.close(() => r()));
});
after(async () => close());

type Resp = { status: number; text: string; json: any };

async function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Resp> {
  const res = await fetch(base + path, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, text, json };
}

const admin = { Authorization: `Convex ${ADMIN}` };
function acting(subject: string) {
  const b64 = Buffer.from(
    JSON.stringify({ issuer: "https://gw.test", subject }),
  ).toString("base64");
  return { Authorization: `Convex ${ADMIN}:${b64}` };
}
function bearer(claims: Record<string, unknown>) {
  const enc = (o: unknown) =>
    Buffer.from(JSON.stringify(o)).toString("base64url");
  return {
    Authorization: `Bearer ${enc({ alg: "RS256", kid: "k1" })}.${enc(claims)}.c2ln`,
  };
}
async function reset(): Promise<Record<string, string>> {
  const r = await post("/__reset", "", admin);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.now, CLOCK_START_MS);
  return r.json.refs;
}
function fnError(r: Resp, inner: string, rid = "rid-1") {
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, "error");
  assert.equal(
    r.json.errorMessage,
    `[Request ID: ${rid}] Server Error\n${inner}\n`,
  );
}
const rid = { "Convex-Request-Id": "rid-1" };

test("internal functions: invisible to the public, callable by admin", async () => {
  await reset();
  const pub = await post(
    "/api/query",
    { path: "auth:getUserByEmail", args: { email: "admin@demo.test" } },
    rid,
  );
  fnError(pub, "Could not find public function for 'auth:getUserByEmail'.");
  assert.equal(
    pub.text,
    '{"status":"error","errorMessage":"[Request ID: rid-1] Server Error\\nCould not find public function for \'auth:getUserByEmail\'.\\n"}',
  );
  const r = await post(
    "/api/query",
    {
      path: "auth:getUserByEmail",
      args: [{ email: "admin@demo.test" }],
      format: "convex_encoded_json",
    },
    admin,
  );
  assert.equal(r.json.status, "success");
  assert.equal(r.json.value.role, "admin");
  assert.match(r.text, /"passwordHash":"\$2a\$10\$/);
  assert.match(r.text, /"_creationTime":1767225600000\.0,/);
  const none = await post(
    "/api/query",
    { path: "auth:getUserByEmail", args: { email: "nobody@demo.test" } },
    admin,
  );
  assert.equal(none.text, '{"status":"success","value":null}');
});

test("identity: bearer JWT claims, acting-as, anonymous", async () => {
  const refs = await reset();
  const me = await post(
    "/api/query",
    { path: "users:me", args: {} },
    bearer({ iss: "https://gw.test", sub: refs.member, aud: "convex" }),
  );
  assert.equal(me.json.status, "success", me.text);
  assert.equal(me.json.value.email, "member@demo.test");
  assert.equal(me.json.value.passwordHash, undefined);
  const me2 = await post(
    "/api/query",
    { path: "users:me", args: {} },
    acting(refs.manager),
  );
  assert.equal(me2.json.value.role, "manager");
  const anon = await post("/api/query", { path: "users:me", args: {} }, rid);
  fnError(anon, 'Uncaught ConvexError: {"code":"UNAUTHENTICATED"}');
  assert.equal(anon.json.errorData.code, "UNAUTHENTICATED");
  const inactive = await post(
    "/api/query",
    { path: "users:me", args: {} },
    acting(refs.inactive),
  );
  assert.equal(inactive.json.errorData.code, "UNAUTHENTICATED");
  const noIss = await post(
    "/api/query",
    { path: "users:me", args: {} },
    bearer({ sub: refs.member }),
  );
  assert.equal(noIss.status, 401);
  assert.equal(noIss.json.code, "InvalidAuthHeader");
  const badKey = await post(
    "/api/query",
    { path: "users:me", args: {} },
    { Authorization: "Convex nope" },
  );
  assert.equal(badKey.status, 401);
  assert.equal(badKey.json.code, "BadAdminKey");
  const basic = await post(
    "/api/query",
    { path: "users:me", args: {} },
    { Authorization: "Basic abcdef" },
  );
  assert.equal(basic.status, 400);
  assert.equal(basic.json.code, "InvalidAdminKey");
});

test("task completion schedules a notification visible to the next call", async () => {
  const refs = await reset();
  const who = acting(refs.member);
  const before = await post(
    "/api/query",
    { path: "notifications:list", args: { unreadOnly: true } },
    who,
  );
  const created = await post(
    "/api/mutation",
    {
      path: "tasks:create",
      args: { title: "  Write report  ", priority: "high" },
    },
    who,
  );
  assert.equal(created.json.status, "success", created.text);
  const id = created.json.value;
  const upd = await post(
    "/api/mutation",
    { path: "tasks:update", args: { id, status: "completed" } },
    who,
  );
  assert.equal(upd.text, '{"status":"success","value":null}');
  const afterList = await post(
    "/api/query",
    { path: "notifications:list", args: { unreadOnly: true } },
    who,
  );
  assert.equal(afterList.json.value.length, before.json.value.length + 1);
  const n = afterList.json.value[0];
  assert.equal(n.title, "Task completed");
  assert.equal(n.body, 'You completed "Write report".');
  assert.equal(n.read, false);
  const tasks = await post(
    "/api/query",
    { path: "tasks:list", args: { status: "completed" } },
    who,
  );
  assert.equal(tasks.json.value[0]._id, id);
  assert.equal(tasks.json.value[0].title, "Write report");
  const other = await post(
    "/api/mutation",
    { path: "tasks:remove", args: { id } },
    { ...acting(refs.manager), ...rid },
  );
  fnError(other, 'Uncaught ConvexError: {"code":"FORBIDDEN"}');
  const mark = await post(
    "/api/mutation",
    { path: "notifications:markRead", args: { id: n._id } },
    who,
  );
  assert.equal(mark.json.status, "success");
});

test("pagination spans pages; members are FORBIDDEN from staff functions", async () => {
  const refs = await reset();
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 10; i++) {
    const r = await post(
      "/api/query",
      {
        path: "beneficiaries:list",
        args: { paginationOpts: { numItems: 2, cursor } },
      },
      acting(refs.member),
    );
    assert.equal(r.json.status, "success", r.text);
    assert.deepEqual(Object.keys(r.json.value).sort(), [
      "continueCursor",
      "isDone",
      "page",
    ]);
    seen.push(...r.json.value.page.map((d: any) => d._id));
    if (r.json.value.isDone) break;
    cursor = r.json.value.continueCursor;
  }
  assert.equal(new Set(seen).size, seen.length);
  assert.ok(seen.length >= 3, `saw ${seen.length}`);
  const bad = await post(
    "/api/query",
    {
      path: "beneficiaries:list",
      args: { paginationOpts: { numItems: 0, cursor: null } },
    },
    { ...acting(refs.member), ...rid },
  );
  fnError(
    bad,
    'Uncaught ConvexError: {"code":"INVALID","field":"paginationOpts.numItems","message":"numItems must be an integer between 1 and 100"}',
  );
  const forb = await post(
    "/api/mutation",
    { path: "beneficiaries:create", args: { fullName: "X" } },
    acting(refs.member),
  );
  assert.equal(forb.json.errorData.code, "FORBIDDEN");
});

test("donations:stats count is an int64; json format prints it as a string", async () => {
  const refs = await reset();
  const enc = await post(
    "/api/query",
    { path: "donations:stats", args: {}, format: "convex_encoded_json" },
    acting(refs.admin),
  );
  assert.equal(enc.json.status, "success", enc.text);
  assert.match(enc.text, /"count":\{"\$integer":"[A-Za-z0-9+/]{11}="\}/);
  const clean = await post(
    "/api/query",
    { path: "donations:stats", args: {} },
    acting(refs.admin),
  );
  assert.match(clean.text, /"count":"\d+"/);
  const inv = await post(
    "/api/query",
    { path: "donations:stats", args: { from: 10, to: 5 } },
    acting(refs.admin),
  );
  assert.equal(inv.json.errorData.field, "to");
});

test("function-level errors: validator, kind, missing, NOT_FOUND, INVALID", async () => {
  const refs = await reset();
  const who = { ...acting(refs.admin), ...rid };
  fnError(
    await post(
      "/api/mutation",
      { path: "tasks:create", args: { title: "x" } },
      who,
    ),
    "ArgumentValidationError: Missing required field `priority` in object",
  );
  fnError(
    await post("/api/query", { path: "tasks:create", args: {} }, who),
    "Trying to execute tasks.js:create as Query, but it is defined as Mutation.",
  );
  fnError(
    await post("/api/query", { path: "tasks:nope", args: {} }, who),
    "Could not find public function for 'tasks:nope'.",
  );
  fnError(
    await post("/api/run/tasks/nope", { args: {} }, who),
    "Could not find function for 'tasks:nope'. Did you forget to run `npx convex dev`?",
  );
  const gone = await post(
    "/api/query",
    { path: "beneficiaries:get", args: { id: refs.b1 } },
    who,
  );
  assert.equal(gone.json.status, "success");
  await post(
    "/api/mutation",
    { path: "beneficiaries:remove", args: { id: refs.b1 } },
    who,
  );
  fnError(
    await post(
      "/api/query",
      { path: "beneficiaries:get", args: { id: refs.b1 } },
      who,
    ),
    'Uncaught ConvexError: {"code":"NOT_FOUND"}',
  );
  const m = await post(
    "/api/mutation",
    {
      path: "meetings:create",
      args: { title: "M", startsAt: 10, endsAt: 10, attendeeIds: [] },
    },
    who,
  );
  assert.equal(m.json.errorData.message, "endsAt must be after startsAt");
  const run = await post("/api/run/users/me", { args: {} }, who);
  assert.equal(run.json.value.email, "admin@demo.test");
});

test("HTTP-level errors", async () => {
  const ct = await fetch(base + "/api/query", {
    method: "POST",
    body: "{}",
    headers: { "Content-Type": "text/plain" },
  });
  assert.equal(ct.status, 400);
  assert.equal(
    await ct.text(),
    '{"code":"BadJsonBody","message":"Expected request with `Content-Type: application/json`"}',
  );
  assert.equal(
    (await post("/api/query", "{not json")).json.code,
    "BadJsonBody",
  );
  assert.equal(
    (await post("/api/query", { args: {} })).json.code,
    "BadJsonBody",
  );
  assert.equal(
    (await post("/api/query", { path: "a b:c", args: {} })).json.code,
    "BadConvexFunctionIdentifier",
  );
  const fmt = await post("/api/query", {
    path: "users:me",
    args: {},
    format: "yaml",
  });
  assert.equal(fmt.status, 400);
  assert.equal(fmt.json.code, "BadFormat");
  assert.equal(
    (await post("/api/function", { path: "users:me", args: {} })).status,
    403,
  );
  assert.equal(
    (await post("/api/run/users", { args: {} })).json.code,
    "MissingIdentifier",
  );
  assert.equal(
    (await post("/api/run/tasks/%zz", { args: {} })).json.code,
    "BadConvexFunctionIdentifier",
  );
  assert.equal((await post("/nope", {})).status, 404);
  assert.equal((await post("/__reset", "")).status, 403);
});
