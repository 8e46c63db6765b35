// Pure helpers: no DOM, no network, so node's test runner checks them
// (examples/demo/browsertest/format.test.mjs).

// CSRF cookie names: "__Host-cgw_csrf" with Secure cookies (production),
// "cgw_csrf" on plain http (dev mode). See auth/cookie.go.
export const CSRF_COOKIES = ["__Host-cgw_csrf", "cgw_csrf"];

// readCookie returns the value of cookie name in a document.cookie string,
// or "" when it is absent.
export function readCookie(cookies, name) {
  for (const part of (cookies || "").split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return part.slice(eq + 1).trim();
      }
    }
  }
  return "";
}

// csrfFromCookies returns the CSRF token the gateway set, whichever name it
// uses, or "".
export function csrfFromCookies(cookies) {
  for (const name of CSRF_COOKIES) {
    const v = readCookie(cookies, name);
    if (v) return v;
  }
  return "";
}

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP
// date. It returns whole seconds (≥ 0), or null when absent or unreadable.
export function parseRetryAfter(value, nowMs = Date.now()) {
  if (value == null) return null;
  const v = String(value).trim();
  if (v === "") return null;
  if (/^\d+$/.test(v)) return Number(v);
  if (!/GMT$/.test(v)) return null; // an HTTP date, IMF-fixdate form
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

// formatWait says how long to wait, for people: "1 second", "45 seconds",
// "2 minutes" (rounded up), "1 hour 5 minutes".
export function formatWait(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  const plural = (n, unit) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  if (s < 60) return plural(s, "second");
  if (s < 3600) return plural(Math.ceil(s / 60), "minute");
  const h = Math.floor(s / 3600);
  const m = Math.ceil((s - h * 3600) / 60);
  return m === 0 ? plural(h, "hour") : `${plural(h, "hour")} ${plural(m, "minute")}`;
}

// safeRedirect returns raw when it is a path on this origin ("/x?y"), else
// fallback: a sign-in link must never send anyone to another site
// ("//evil", "/\\evil", "https://evil", "javascript:").
export function safeRedirect(raw, fallback) {
  if (typeof raw !== "string" || !raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) {
    return fallback;
  }
  let u;
  try {
    u = new URL(raw, "http://origin.invalid");
  } catch {
    return fallback;
  }
  if (u.origin !== "http://origin.invalid") return fallback;
  if (u.pathname === "/sign-in") return fallback;
  return u.pathname + u.search + u.hash;
}

// formatDate renders epoch milliseconds as a short local date and time.
export function formatDate(ms, locale) {
  if (typeof ms !== "number" || !Number.isFinite(ms)) return "";
  return new Date(ms).toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" });
}

// toMillis reads a time from the API: epoch milliseconds (Convex
// documents) or an RFC 3339 string (the gateway's own JSON). It returns NaN
// when unreadable.
export function toMillis(v) {
  if (typeof v === "number") return v;
  if (typeof v !== "string" || v === "") return NaN;
  return Date.parse(v);
}

// formatRelative says when ms (epoch milliseconds) is from nowMs, for
// people: "just now", "5 minutes ago", "yesterday", "in 7 days". Within 45
// seconds either way it is "just now" (the gateway records use at most once
// a minute or so), and "" for an unreadable time.
export function formatRelative(ms, nowMs = Date.now(), locale) {
  if (typeof ms !== "number" || !Number.isFinite(ms)) return "";
  const s = (ms - nowMs) / 1000;
  const abs = Math.abs(s);
  if (abs < 45) return "just now";
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  const steps = [[45 * 60, 60, "minute"], [22 * 3600, 3600, "hour"], [26 * 86400, 86400, "day"],
    [320 * 86400, 30 * 86400, "month"], [Infinity, 365 * 86400, "year"]];
  for (const [below, size, unit] of steps) {
    if (abs < below) return rtf.format(Math.sign(s) * Math.max(1, Math.round(abs / size)), unit);
  }
  return "";
}

// BROWSERS are matched in order: browsers built on Chromium or Safari name
// those too, so the more specific token comes first.
const BROWSERS = [
  [/\bEdg(?:e|A|iOS)?\/(\d+)/, "Edge"],
  [/\bOPR\/(\d+)/, "Opera"],
  [/\bSamsungBrowser\/(\d+)/, "Samsung Internet"],
  [/\b(?:Firefox|FxiOS)\/(\d+)/, "Firefox"],
  [/\bHeadlessChrome\/(\d+)/, "Headless Chrome"],
  [/\bCriOS\/(\d+)/, "Chrome"],
  [/\bChromium\/(\d+)/, "Chromium"],
  [/\bChrome\/(\d+)/, "Chrome"],
  [/\bVersion\/(\d+)(?:\.\d+)*(?: Mobile\/\w+)? Safari\//, "Safari"],
];
const SYSTEMS = [
  [/\bWindows\b/, "Windows"],
  [/\biPhone\b/, "iPhone"],
  [/\biPad\b/, "iPad"],
  [/\bAndroid\b/, "Android"],
  [/\bCrOS\b/, "ChromeOS"],
  [/\bMac OS X\b|\bMacintosh\b/, "macOS"],
  [/\bLinux\b|\bX11\b/, "Linux"],
];

// describeUserAgent names the browser and system of a User-Agent header for
// people: "Chrome 126 on Windows", "Safari 17 on iPhone", "curl 8.5.0". An
// unknown agent is named by its first product token (at most 40
// characters); an empty one is "Unknown device".
export function describeUserAgent(ua) {
  const s = typeof ua === "string" ? ua.trim() : "";
  if (s === "") return "Unknown device";
  let browser = "";
  for (const [re, name] of BROWSERS) {
    const m = s.match(re);
    if (m) {
      const major = m.slice(1).find(Boolean);
      browser = major ? `${name} ${major}` : name;
      break;
    }
  }
  const system = SYSTEMS.find(([re]) => re.test(s))?.[1] ?? "";
  if (browser && system) return `${browser} on ${system}`;
  if (browser) return browser;
  if (!s.startsWith("Mozilla/")) {
    const [product, version] = s.split(/\s/, 1)[0].split("/", 2);
    const named = version ? `${product} ${version}` : product;
    return named.length > 40 ? `${named.slice(0, 39)}…` : named;
  }
  return system ? `A browser on ${system}` : "Unknown browser";
}

// formatMoney renders an amount in an ISO currency; an unknown code falls
// back to "12.50 XYZ".
export function formatMoney(amount, currency, locale) {
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency }).format(amount);
  } catch {
    return `${Number(amount).toFixed(2)} ${currency}`;
  }
}

// UNAVAILABLE are the codes of a gateway that cannot serve now, with a
// Retry-After worth waiting for.
const UNAVAILABLE = new Set(["backend_unavailable", "state_unavailable", "busy", "backend_not_configured"]);

// errorText turns an API error ({status, code, message, retryAfter}) into a
// sentence for people. Server messages are used only where the design
// promises they are for people (ConvexError data, validation).
export function errorText(err) {
  const wait = err.retryAfter != null ? ` Try again in ${formatWait(err.retryAfter)}.` : " Try again later.";
  switch (true) {
    case err.code === "network":
      return "Could not reach the gateway. Check your connection and try again.";
    case err.code === "invalid_credentials":
      return "Invalid email or password.";
    case err.code === "email_unverified":
      return "Confirm your email address to sign in: open the link we sent you, or send a new one.";
    case err.code === "invalid_token":
      return "This link is invalid or has expired, or it was used already.";
    case err.code === "mail_not_configured":
      return "This server cannot send email, so this is unavailable. Ask the site's administrator.";
    case err.code === "not_enabled":
      return "This is not enabled on this server.";
    case err.code === "account_locked":
      return `Too many failed sign-ins for this account.${wait}`;
    case err.code === "rate_limited" || err.status === 429:
      return `Too many requests.${wait}`;
    case err.status === 503 || UNAVAILABLE.has(err.code):
      return `The service is unavailable right now.${wait}`;
    case err.status === 504:
      return "The backend took too long to answer. Try again.";
    case err.code === "csrf_failed":
      return "The page's security token is missing or out of date. Reload the page and try again.";
    case err.status === 403:
      return "You do not have access to this.";
    case err.status === 404:
      return "Not found: it may have been deleted.";
    case err.status === 400 || err.status === 422:
      return err.message || "The request is invalid.";
    case err.status === 401:
      return "Your session has ended. Sign in again.";
    default:
      return `Something went wrong${err.requestId ? ` (request ${err.requestId})` : ""}. Try again.`;
  }
}

// looksLikeEmail is the pages' check of an email field before sending it:
// something@something, no spaces. The gateway checks properly.
export function looksLikeEmail(s) {
  return typeof s === "string" && /^[^\s@]+@[^\s@]+$/.test(s);
}

// MIN_PASSWORD_CHARS and MAX_PASSWORD_BYTES are the password policy's
// length rules (auth.MinPasswordRunes, auth.MaxPasswordBytes: what bcrypt
// reads). The gateway also refuses common and guessable passwords, and
// ones with the account's name or email; only it can say so.
export const MIN_PASSWORD_CHARS = 8;
export const MAX_PASSWORD_BYTES = 72;

// newPasswordProblem says what is wrong with a new password before it is
// sent ("" when nothing the page can check): empty, shorter than
// MIN_PASSWORD_CHARS characters (code points, as the gateway counts), or
// longer than MAX_PASSWORD_BYTES bytes of UTF-8.
export function newPasswordProblem(password) {
  const pw = typeof password === "string" ? password : "";
  if (pw === "") return "Enter a new password.";
  if ([...pw].length < MIN_PASSWORD_CHARS) return `Use at least ${MIN_PASSWORD_CHARS} characters.`;
  if (new TextEncoder().encode(pw).length > MAX_PASSWORD_BYTES) {
    return `Use at most ${MAX_PASSWORD_BYTES} bytes: fewer characters (accented letters and emoji count as 2 to 4).`;
  }
  return "";
}

// fieldSentence turns a gateway field error ("is too common ...", "must be
// at least 8 characters") into a sentence about label: "Password is too
// common ...". A reason that is already a sentence is kept.
export function fieldSentence(label, reason) {
  const r = String(reason ?? "").trim();
  if (r === "") return "";
  if (/^[A-Z]/.test(r)) return /[.!?]$/.test(r) ? r : `${r}.`;
  return `${label} ${r}${/[.!?]$/.test(r) ? "" : "."}`;
}

// linkToken returns the ?token= of an emailed link's page (a location.search
// string), or "" when there is none or it cannot be one (over 256 bytes,
// the gateway's bound; whitespace inside).
export function linkToken(search) {
  const t = (new URLSearchParams(search || "").get("token") || "").trim();
  return t.length > 256 || /\s/.test(t) ? "" : t;
}

// signInNotice is the sign-in page's notice for its ?notice= (and
// ?signedOut= for a reset: how many sessions the reset ended), from a
// fixed list: "" for anything else, so a link cannot put its own words on
// the page.
export function signInNotice(search) {
  const q = new URLSearchParams(search || "");
  switch (q.get("notice")) {
    case "password-reset": {
      const n = Number(q.get("signedOut"));
      const out = Number.isInteger(n) && n > 0
        ? ` Your account was signed out everywhere (${n} ${n === 1 ? "session" : "sessions"}).`
        : "";
      return `Your new password is set: sign in with it.${out}`;
    }
    case "invitation-accepted":
      return "Your password is set and your account is ready: sign in.";
    case "email-verified":
      return "Your email address is confirmed: sign in.";
    default:
      return "";
  }
}
