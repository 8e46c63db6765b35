// Unit tests of the front end's pure helpers: node --test format.test.mjs
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  csrfFromCookies, errorText, formatWait, parseRetryAfter, readCookie, safeRedirect,
} from "../web/static/assets/js/format.js";

test("readCookie and csrfFromCookies", () => {
  const cases = [
    ["cgw_csrf=abc", "abc"],
    ["a=1; cgw_csrf=x%2By; b=2", "x+y"],
    ["__Host-cgw_csrf=prod; cgw_csrf=dev", "prod"],
    ["xcgw_csrf=no", ""],
    ["", ""],
    ["cgw_csrf=%E0%A4%A", "%E0%A4%A"],
  ];
  for (const [cookies, want] of cases) assert.equal(csrfFromCookies(cookies), want, cookies);
  assert.equal(readCookie("a=1;  b = 2 ", "b"), "2");
});

test("parseRetryAfter", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  const cases = [
    [null, null], ["", null], ["12", 12], [" 3 ", 3], ["0", 0], ["-1", null], ["soon", null],
    ["Thu, 01 Jan 2026 00:00:30 GMT", 30], ["Wed, 31 Dec 2025 23:00:00 GMT", 0],
  ];
  for (const [v, want] of cases) assert.equal(parseRetryAfter(v, now), want, String(v));
});

test("formatWait", () => {
  const cases = [[0, "0 seconds"], [1, "1 second"], [59, "59 seconds"], [60, "1 minute"], [61, "2 minutes"],
    [900, "15 minutes"], [3600, "1 hour"], [3660, "1 hour 1 minute"], [7300, "2 hours 2 minutes"], [1.2, "2 seconds"]];
  for (const [s, want] of cases) assert.equal(formatWait(s), want, String(s));
});

test("safeRedirect keeps same-origin paths only", () => {
  const home = "/dashboard/tasks";
  const cases = [
    ["/dashboard/notifications?x=1#y", "/dashboard/notifications?x=1#y"],
    ["/dashboard/live", "/dashboard/live"],
    [null, home], ["", home], ["dashboard", home], ["//evil.test/x", home], ["/\\evil.test", home],
    ["https://evil.test/", home], ["javascript:alert(1)", home], ["/sign-in?redirect=/x", home],
    ["/%2F%2Fevil.test", "/%2F%2Fevil.test"], ["/\t/evil.test", home],
  ];
  for (const [raw, want] of cases) assert.equal(safeRedirect(raw, home), want, String(raw));
});

test("errorText: generic sign-in failure and waits", () => {
  assert.equal(errorText({ status: 401, code: "invalid_credentials" }), "Invalid email or password.");
  assert.equal(errorText({ status: 429, code: "account_locked", retryAfter: 900 }),
    "Too many failed sign-ins for this account. Try again in 15 minutes.");
  assert.equal(errorText({ status: 429, code: "rate_limited", retryAfter: 2 }), "Too many requests. Try again in 2 seconds.");
  assert.equal(errorText({ status: 503, code: "backend_unavailable", retryAfter: 3 }),
    "The service is unavailable right now. Try again in 3 seconds.");
  assert.equal(errorText({ status: 503, code: "state_unavailable", retryAfter: null }),
    "The service is unavailable right now. Try again later.");
  assert.match(errorText({ status: 500, code: "internal_error", requestId: "abc" }), /request abc/);
  // A server message is shown only for validation and ConvexError answers.
  assert.equal(errorText({ status: 403, code: "forbidden", message: "internal detail" }), "You do not have access to this.");
  assert.equal(errorText({ status: 422, code: "INVALID", message: "Title is too long." }), "Title is too long.");
});
