import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { functionSpec } from "./spec";

const here = dirname(fileURLToPath(import.meta.url));

test("function-spec.json is up to date (npm run spec > function-spec.json)", async () => {
  const committed = JSON.parse(
    readFileSync(join(here, "..", "function-spec.json"), "utf8"),
  );
  const fresh = await functionSpec(
    resolve(here, "..", "convex"),
    committed.url,
  );
  assert.deepEqual(fresh, committed);
  const byId = new Map(
    (fresh.functions as any[]).map((f) => [f.identifier, f]),
  );
  assert.equal(byId.get("auth.js:getUserByEmail").visibility.kind, "internal");
  assert.equal(byId.get("notifications.js:create").visibility.kind, "internal");
  assert.equal(byId.get("users.js:me").visibility.kind, "public");
  assert.equal(
    byId.get("donations.js:stats").returns.value.count.fieldType.type,
    "bigint",
  );
  for (const f of fresh.functions as any[]) {
    assert.notEqual(
      f.returns,
      null,
      `${f.identifier} has no returns validator`,
    );
    assert.equal(
      f.args.type,
      "object",
      `${f.identifier} has no args validator`,
    );
  }
});
