// The gateway's JSON API from the page: same-origin fetch with the session
// cookie (HttpOnly: the page never sees it), X-CSRF-Token from the CSRF
// cookie on unsafe methods, and one error type for every failure.
import { csrfFromCookies, parseRetryAfter, safeRedirect } from "./format.js";

// ApiError is a failed call: status 0 and code "network" when the gateway
// was not reached, else the gateway's {"error":{code, message, requestId,
// fields}} with Retry-After in whole seconds (or null).
export class ApiError extends Error {
  constructor(status, code, message, { retryAfter = null, fields = null, requestId = "" } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
    this.fields = fields;
    this.requestId = requestId;
  }
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

// signInURL is the sign-in page with ?redirect= back to the current page.
export function signInURL() {
  const back = safeRedirect(location.pathname + location.search, "");
  return back ? `/sign-in?redirect=${encodeURIComponent(back)}` : "/sign-in";
}

// toSignIn leaves for the sign-in page, coming back here afterwards.
export function toSignIn() {
  location.assign(signInURL());
}

// api calls the gateway. query is an object of query parameters (null and
// undefined values are left out); body is sent as JSON. A 401
// "unauthenticated" sends the user to the sign-in page (redirect= back)
// unless opts.on401 is "throw". Resolves to the parsed JSON, or null for
// 204; rejects with ApiError.
export async function api(method, path, { query, body, on401 = "sign-in", signal } = {}) {
  let url = path;
  if (query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v != null && v !== "") qs.set(k, String(v));
    const s = qs.toString();
    if (s) url += (url.includes("?") ? "&" : "?") + s;
  }
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (!SAFE.has(method)) {
    const token = csrfFromCookies(document.cookie);
    if (token) headers["X-CSRF-Token"] = token;
  }
  let res;
  try {
    res = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
      signal,
    });
  } catch (e) {
    if (e?.name === "AbortError") throw e;
    throw new ApiError(0, "network", "Could not reach the gateway.");
  }
  if (res.status === 204) return null;
  let data = null;
  const text = await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (res.ok) return data;
  const e = data?.error ?? {};
  const err = new ApiError(res.status, e.code || `http_${res.status}`, e.message || res.statusText, {
    retryAfter: parseRetryAfter(res.headers.get("Retry-After")),
    fields: e.fields ?? null,
    requestId: e.requestId || res.headers.get("X-Request-Id") || "",
  });
  if (res.status === 401 && err.code === "unauthenticated" && on401 === "sign-in") {
    toSignIn();
  }
  throw err;
}
