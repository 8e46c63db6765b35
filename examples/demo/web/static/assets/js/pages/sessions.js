// Sessions: where the user is signed in (GET /api/auth/sessions), this
// device first and marked; sign out one other session (DELETE
// /api/auth/sessions/:id) or every other one (POST
// /api/auth/sessions/revoke-others). A session signed out here is refused
// on its next request, which sends that browser to the sign-in page.
import { api } from "../api.js";
import { busy, h } from "../dom.js";
import { describeUserAgent, formatDate, formatRelative, toMillis } from "../format.js";

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

// when is a <time> saying relative (for people) and, in full, the date.
function when(iso, now, { relative = true } = {}) {
  const ms = toMillis(iso);
  if (!Number.isFinite(ms)) return h("span", {}, "unknown");
  const full = formatDate(ms);
  return h("time", { datetime: new Date(ms).toISOString(), title: full },
    relative ? `${formatRelative(ms, now)} (${full})` : full);
}

export async function render({ root, setTitle, showError, toast }) {
  setTitle("Sessions");
  const others = h("button", { type: "button", id: "revoke-others", className: "danger", disabled: true },
    "Sign out everywhere else");
  const refresh = h("button", { type: "button", id: "refresh-sessions" }, "Refresh");
  const summary = h("p", { className: "muted", id: "session-count", "aria-live": "polite" });
  const list = h("ul", { className: "items sessions", id: "session-list", "aria-label": "Your sessions" });
  root.replaceChildren(
    h("p", { className: "lead-wide" }, "The browsers and devices signed in to your account. Sign out any you do not ",
      "recognise or no longer use: they must sign in again."),
    h("div", { className: "toolbar" }, others, refresh),
    summary,
    list,
  );

  let otherCount = 0;

  function counted() {
    otherCount = list.querySelectorAll("li.session:not(.current)").length;
    others.disabled = otherCount === 0;
    summary.textContent = otherCount === 0
      ? "Only this device is signed in."
      : `Signed in on this device and ${plural(otherCount, "other session")}.`;
  }

  function row(s, now) {
    const device = describeUserAgent(s.userAgent);
    const li = h("li", { className: `item session${s.current ? " current" : ""}`, "data-id": s.id });
    const fact = (label, value) => h("div", {}, h("dt", {}, label), h("dd", {}, value));
    li.append(h("div", { className: "item-main" },
      h("h2", { className: "item-title" }, device,
        s.current ? h("span", { className: "tag this-device" }, "This device") : null),
      h("dl", { className: "facts" },
        fact("Signed in", when(s.createdAt, now)),
        fact("Last active", s.current ? h("span", {}, "now") : when(s.lastSeenAt, now)),
        fact("IP address", s.clientIp || "unknown"),
        fact("Expires if unused", when(s.expiresAt, now))),
      s.userAgent ? h("details", { className: "meta ua" }, h("summary", {}, "Full user agent"), h("p", {}, s.userAgent)) : null));
    if (!s.current) {
      const created = toMillis(s.createdAt);
      const label = `Sign out ${device}, signed in ${Number.isFinite(created) ? formatDate(created) : "at an unknown time"}`;
      const button = h("button", { type: "button", className: "danger", "aria-label": label,
        onclick: () => revoke(s, device, li, button) }, "Sign out");
      li.append(h("div", { className: "actions" }, button));
    }
    return li;
  }

  async function load() {
    try {
      const res = await api("GET", "/api/auth/sessions");
      const now = Date.now();
      // This device first; the rest as the gateway orders them (most
      // recently active first).
      const sessions = [...res.sessions].sort((a, b) => Number(b.current) - Number(a.current));
      list.replaceChildren(...sessions.map((s) => row(s, now)));
      counted();
    } catch (err) {
      showError(err, load);
    }
  }

  async function revoke(s, device, li, button) {
    let gone = false;
    await busy(button, async () => {
      try {
        await api("DELETE", `/api/auth/sessions/${encodeURIComponent(s.id)}`);
      } catch (err) {
        // 404: it ended meanwhile (expired, or signed out elsewhere).
        if (err.status !== 404) {
          showError(err);
          return;
        }
      }
      gone = true;
    });
    if (!gone) return;
    const next = li.nextElementSibling || li.previousElementSibling;
    li.remove();
    counted();
    toast(`Signed out ${device}. It must sign in again.`);
    (next?.querySelector("button") || refresh).focus();
  }

  others.addEventListener("click", async () => {
    if (!confirm(`Sign out ${plural(otherCount, "other session")}? They must sign in again; this device stays signed in.`)) {
      return;
    }
    let res = null;
    await busy(others, async () => {
      try {
        res = await api("POST", "/api/auth/sessions/revoke-others");
      } catch (err) {
        showError(err);
      }
    });
    if (!res) return;
    toast(res.revoked === 0 ? "No other session was signed in." : `Signed out ${plural(res.revoked, "other session")}.`);
    await load();
    refresh.focus();
  });
  refresh.addEventListener("click", () => busy(refresh, load));

  await load();
}
