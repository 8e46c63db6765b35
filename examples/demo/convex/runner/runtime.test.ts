import assert from "node:assert/strict";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  CLOCK_START_MS,
  CLOCK_STEP_MS,
  parsePath,
  Runtime,
  type Caller,
} from "./runtime";

const here = dirname(fileURLToPath(import.meta.url));

function newRuntime(): Runtime {
  return new Runtime({
    functionsDir: resolve(here, "..", "convex"),
    seedPath: join(here, "seed.example.json"),
  });
}

test("scheduled functions finish before call() returns", async () => {
  const rt = newRuntime();
  const refs = await rt.reset();
  const who: Caller = {
    kind: "acting",
    identity: {
      subject: refs.member,
      issuer: "https://gw.test",
      tokenIdentifier: `https://gw.test|${refs.member}`,
    },
  };
  const list = { module: "notifications", name: "list" };
  const before = await rt.call(
    "typed",
    "query",
    list,
    { unreadOnly: true },
    who,
  );
  assert.ok(before.ok);
  const upd = await rt.call(
    "typed",
    "mutation",
    { module: "tasks", name: "update" },
    { id: refs.t4, status: "completed" },
    who,
  );
  assert.deepEqual(upd, { ok: true, value: null });
  // No macrotask between the two calls: only draining inside call() can
  // have run the scheduled notifications:create.
  const afterList = await rt.call(
    "typed",
    "query",
    list,
    { unreadOnly: true },
    who,
  );
  assert.ok(afterList.ok && before.ok);
  assert.equal(
    (afterList.value as unknown[]).length,
    (before.value as unknown[]).length + 1,
  );
});

test("clock: starts at CLOCK_START_MS and steps per call", async () => {
  const rt = newRuntime();
  const refs = await rt.reset();
  assert.equal(rt.now, CLOCK_START_MS);
  const who: Caller = {
    kind: "acting",
    identity: {
      subject: refs.admin,
      issuer: "i",
      tokenIdentifier: `i|${refs.admin}`,
    },
  };
  const id = await rt.call(
    "typed",
    "mutation",
    { module: "tasks", name: "create" },
    { title: "t", priority: "low" },
    who,
  );
  assert.ok(id.ok);
  const tasks = await rt.call(
    "typed",
    "query",
    { module: "tasks", name: "list" },
    {},
    who,
  );
  assert.ok(tasks.ok);
  const t = (tasks.value as any[])[0];
  assert.equal(t._id, id.value);
  assert.equal(t.createdAt, CLOCK_START_MS + CLOCK_STEP_MS);
  assert.equal(t._creationTime, CLOCK_START_MS + CLOCK_STEP_MS);
  assert.equal(rt.now, CLOCK_START_MS + 2 * CLOCK_STEP_MS);
});

test("parsePath", () => {
  assert.deepEqual(parsePath("tasks:list"), { module: "tasks", name: "list" });
  assert.deepEqual(parsePath("tasks.js:list"), {
    module: "tasks",
    name: "list",
  });
  assert.deepEqual(parsePath("admin/users:get"), {
    module: "admin/users",
    name: "get",
  });
  assert.deepEqual(parsePath("messages"), {
    module: "messages",
    name: "default",
  });
  for (const bad of [
    "",
    ":x",
    "tasks:",
    "tasks:1x",
    "tasks.ts:list",
    "/abs:x",
    "a b:c",
    "tasks:__",
  ]) {
    assert.equal(parsePath(bad), null, bad);
  }
});
