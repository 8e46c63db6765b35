// Unit tests of the front end's pure helpers: node --test format.test.mjs
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  csrfFromCookies, describeUserAgent, errorText, fieldSentence, formatRelative, formatWait, linkToken, looksLikeEmail,
  newPasswordProblem, parseRetryAfter, readCookie, safeRedirect, signInNotice, toMillis,
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

test("describeUserAgent names browser and system", () => {
  const cases = [
    ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", "Chrome 126 on Linux"],
    ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.7339.80 Safari/537.36",
      "Headless Chrome 140 on Linux"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87",
      "Edge 126 on Windows"],
    ["Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36 EdgA/126.0.0.0",
      "Edge 126 on Android"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 OPR/111.0.0.0",
      "Opera 111 on Windows"],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0", "Firefox 127 on macOS"],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
      "Safari 17 on macOS"],
    ["Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
      "Safari 17 on iPhone"],
    ["Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1",
      "Chrome 126 on iPad"],
    ["Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
      "Samsung Internet 25 on Android"],
    ["Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", "Chrome 126 on ChromeOS"],
    ["curl/8.5.0", "curl 8.5.0"],
    ["Go-http-client/1.1", "Go-http-client 1.1"],
    ["node", "node"],
    [`${"x".repeat(60)}/1`, `${"x".repeat(39)}…`],
    ["Mozilla/5.0 (X11; Linux x86_64) SomethingNew/1", "A browser on Linux"],
    ["Mozilla/5.0", "Unknown browser"],
    ["", "Unknown device"], ["   ", "Unknown device"], [null, "Unknown device"], [undefined, "Unknown device"],
  ];
  for (const [ua, want] of cases) assert.equal(describeUserAgent(ua), want, String(ua));
});

test("formatRelative and toMillis", () => {
  const now = Date.parse("2026-06-15T12:00:00Z");
  const min = 60_000;
  const hour = 60 * min;
  const day = 24 * hour;
  const cases = [
    [now, "just now"], [now - 44_000, "just now"], [now + 44_000, "just now"],
    [now - 50_000, "1 minute ago"], [now - 5 * min, "5 minutes ago"], [now - 44 * min, "44 minutes ago"],
    [now - 45 * min, "1 hour ago"], [now - 3 * hour, "3 hours ago"], [now - 21 * hour, "21 hours ago"],
    [now - 23 * hour, "yesterday"], [now - 3 * day, "3 days ago"], [now + 7 * day, "in 7 days"],
    [now + 2 * hour, "in 2 hours"], [now - 40 * day, "last month"], [now - 400 * day, "last year"],
    [NaN, ""], ["2026-06-15T12:00:00Z", ""],
  ];
  for (const [ms, want] of cases) assert.equal(formatRelative(ms, now, "en"), want, String(ms));
  assert.equal(toMillis("2026-06-15T12:00:00Z"), now);
  assert.equal(toMillis("2026-06-15T12:00:00.5Z"), now + 500);
  assert.equal(toMillis(now), now);
  for (const bad of ["", "soon", null, undefined, {}]) assert.ok(Number.isNaN(toMillis(bad)), String(bad));
});

test("errorText: the account flows' codes", () => {
  assert.equal(errorText({ status: 403, code: "email_unverified", message: "server words" }),
    "Confirm your email address to sign in: open the link we sent you, or send a new one.");
  assert.equal(errorText({ status: 400, code: "invalid_token" }), "This link is invalid or has expired, or it was used already.");
  // Permanent: no "try again in" wait, unlike the 503s that are.
  assert.equal(errorText({ status: 503, code: "mail_not_configured", retryAfter: null }),
    "This server cannot send email, so this is unavailable. Ask the site's administrator.");
  assert.equal(errorText({ status: 404, code: "not_enabled" }), "This is not enabled on this server.");
  assert.equal(errorText({ status: 503, code: "busy", retryAfter: 2 }), "The service is unavailable right now. Try again in 2 seconds.");
});

test("newPasswordProblem checks what the page can: presence and the policy's lengths", () => {
  const cases = [
    ["", "Enter a new password."], [undefined, "Enter a new password."],
    ["seven77", "Use at least 8 characters."],
    ["éééééééé", ""], // 8 characters, 16 bytes
    ["😀😀😀😀😀😀😀", "Use at least 8 characters."], // 7 code points (14 UTF-16 units)
    ["a".repeat(72), ""],
    ["a".repeat(73), "Use at most 72 bytes: fewer characters (accented letters and emoji count as 2 to 4)."],
    ["é".repeat(37), "Use at most 72 bytes: fewer characters (accented letters and emoji count as 2 to 4)."], // 74 bytes
    ["correct horse battery staple", ""],
  ];
  for (const [pw, want] of cases) assert.equal(newPasswordProblem(pw), want, String(pw));
});

test("fieldSentence turns the gateway's field reasons into sentences", () => {
  assert.equal(fieldSentence("Password", "is too common or too easy to guess; try a longer phrase of unrelated words"),
    "Password is too common or too easy to guess; try a longer phrase of unrelated words.");
  assert.equal(fieldSentence("Password", "must be at least 8 characters"), "Password must be at least 8 characters.");
  assert.equal(fieldSentence("Password", "is required."), "Password is required.");
  assert.equal(fieldSentence("Password", "Choose another one"), "Choose another one.");
  assert.equal(fieldSentence("Password", ""), "");
  assert.equal(fieldSentence("Password", undefined), "");
});

test("linkToken reads ?token=", () => {
  const cases = [
    ["?token=abc-DEF_123", "abc-DEF_123"], ["?x=1&token=%20abc%20", "abc"], ["", ""], ["?token=", ""],
    ["?tok=abc", ""], [`?token=${"a".repeat(257)}`, ""], [`?token=${"a".repeat(256)}`, "a".repeat(256)],
    ["?token=a%20b", ""],
  ];
  for (const [search, want] of cases) assert.equal(linkToken(search), want, search);
});

test("signInNotice shows only its own texts", () => {
  const cases = [
    ["?notice=password-reset", "Your new password is set: sign in with it."],
    ["?notice=password-reset&signedOut=1", "Your new password is set: sign in with it. Your account was signed out everywhere (1 session)."],
    ["?notice=password-reset&signedOut=3", "Your new password is set: sign in with it. Your account was signed out everywhere (3 sessions)."],
    ["?notice=password-reset&signedOut=-2", "Your new password is set: sign in with it."],
    ["?notice=password-reset&signedOut=<b>x</b>", "Your new password is set: sign in with it."],
    ["?notice=invitation-accepted", "Your password is set and your account is ready: sign in."],
    ["?notice=email-verified&redirect=%2Fx", "Your email address is confirmed: sign in."],
    ["?notice=Your+account+is+closed", ""], ["?notice=", ""], ["", ""], ["?redirect=%2Fdashboard", ""],
  ];
  for (const [search, want] of cases) assert.equal(signInNotice(search), want, search);
});

test("looksLikeEmail", () => {
  for (const ok of ["a@b", "name@example.org", "x.y+z@sub.example.org"]) assert.ok(looksLikeEmail(ok), ok);
  for (const bad of ["", "a", "@b", "a@", "a b@c", "a@b c", null, undefined, 3]) assert.ok(!looksLikeEmail(bad), String(bad));
});
