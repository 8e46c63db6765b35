// Live: the caller's tasks through the official Convex browser client
// (ConvexHttpClient from convex/browser) pointed at the gateway's
// Convex-compatible passthrough (POST /api/query), authenticated with a
// short-lived token from GET /api/auth/token. The passthrough has no
// WebSocket, so the page polls. The client bundle is not committed: it is
// served from /vendor/convex-browser.js when the gateway runs with
// DEMO_WEB_VENDOR_DIR (see examples/demo/web/README.md).
import { api } from "../api.js";
import { busy, h } from "../dom.js";
import { formatDate } from "../format.js";

const BUNDLE = "/vendor/convex-browser.js";
const POLL_MS = 1500;
const TOKEN_MARGIN_MS = 60_000;

export async function render({ root, setTitle, showError, toast }) {
  setTitle("Live tasks");
  const state = h("p", { className: "muted", id: "live-state" }, "Loading the Convex client…");
  const list = h("ul", { className: "items", id: "live-list" });
  const announce = h("p", { className: "visually-hidden", "aria-live": "polite" });
  root.replaceChildren(
    h("p", {}, "This list comes from the official Convex browser client (ConvexHttpClient) calling ",
      h("code", {}, "tasks:list"), " through the gateway's passthrough, with a token from ",
      h("code", {}, "/api/auth/token"), ". It refreshes every few seconds: change a task on the ",
      h("a", { href: "/dashboard/tasks" }, "Tasks"), " page, in another tab, or here."),
    state, announce, list);

  let convex;
  try {
    convex = await import(BUNDLE);
  } catch {
    state.textContent = "";
    state.append(
      h("strong", {}, "The Convex client bundle is not served. "),
      "Build it from the pinned npm package and restart the gateway with it: ",
      h("code", {}, "(cd examples/demo/browsertest && npm ci && npm run bundle) && " +
        "DEMO_WEB_VENDOR_DIR=examples/demo/browsertest/vendor go run ./cmd/gateway -dev"));
    state.className = "notice";
    return;
  }
  const { ConvexHttpClient, makeFunctionReference } = convex;
  const client = new ConvexHttpClient(location.origin, { logger: false });
  const listTasks = makeFunctionReference("tasks:list");
  const createTask = makeFunctionReference("tasks:create");
  let tokenExpires = 0;

  async function refreshToken(force) {
    if (!force && Date.now() < tokenExpires - TOKEN_MARGIN_MS) return;
    const { token, expiresAt } = await api("GET", "/api/auth/token");
    client.setAuth(token);
    tokenExpires = Date.parse(expiresAt);
  }

  // Quick add through the client's mutation, so both directions use it.
  const input = h("input", { id: "live-title", autocomplete: "off", maxlength: 200, required: true });
  const add = h("button", { type: "submit" }, "Add through Convex");
  const form = h("form", { className: "inline-form", "aria-label": "Add a task through the Convex client" },
    h("div", { className: "field grow" }, h("label", { for: "live-title" }, "New task"), input), add);
  root.insertBefore(form, state);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const title = input.value.trim();
    if (!title) return input.focus();
    await busy(add, async () => {
      try {
        await refreshToken(false);
        await client.mutation(createTask, { title, priority: "medium" });
        input.value = "";
        toast(`Added "${title}" through the Convex client.`);
        await poll();
      } catch (err) {
        state.textContent = `Could not add the task: ${err.message}`;
      }
    });
  });

  let lastKey = "";
  let timer = 0;
  let failures = 0;

  async function poll() {
    clearTimeout(timer);
    try {
      await refreshToken(false);
      let tasks;
      try {
        tasks = await client.query(listTasks, {});
      } catch (err) {
        // A token refused (expired, or its session revoked): try a fresh one
        // once; /api/auth/token answers 401 when the session is gone.
        if (!/Unauthenticated|InvalidAuthHeader|UNAUTHENTICATED/.test(String(err?.message ?? err))) throw err;
        await refreshToken(true);
        tasks = await client.query(listTasks, {});
      }
      failures = 0;
      const key = tasks.map((t) => `${t._id}:${t.status}:${t.title}`).join("|");
      if (key !== lastKey) {
        if (lastKey) announce.textContent = `Tasks changed: ${tasks.length} now.`;
        lastKey = key;
        list.replaceChildren(...tasks.map((t) =>
          h("li", { className: `item status-${t.status.replace(" ", "-")}`, "data-id": t._id },
            h("div", { className: "item-main" },
              h("span", { className: "item-title" }, t.title),
              h("span", { className: "meta" }, h("span", { className: "tag status" }, t.status), " ",
                formatDate(t.updatedAt))))));
        if (!tasks.length) list.replaceChildren(h("li", { className: "empty" }, "No tasks."));
      }
      state.className = "muted";
      state.textContent = `${tasks.length} task${tasks.length === 1 ? "" : "s"} · updated ${new Date().toLocaleTimeString()}`;
    } catch (err) {
      if (err?.status === 401) return; // api.js is taking the user to sign-in
      failures++;
      state.className = "notice";
      state.textContent = `Live updates paused (${err?.message ?? err}); retrying.`;
      if (err?.name === "ApiError") showError(err);
    }
    if (!document.hidden) timer = setTimeout(poll, Math.min(POLL_MS * 2 ** failures, 30_000));
  }

  document.addEventListener("visibilitychange", () => {
    if (document.hidden) clearTimeout(timer);
    else poll();
  });
  await poll();
}
