// The signed-in shell: the user, the navigation (staff pages for admin and
// manager), the unread badge, the link to the user's sessions, sign-out, and
// the page the path names. The
// server only serves this shell with a session; any 401 later sends the user
// to the sign-in page with redirect= back (api.js).
import { api } from "./api.js";
import { h, hideError, showError, toast } from "./dom.js";

const PAGES = {
  tasks: () => import("./pages/tasks.js"),
  notifications: () => import("./pages/notifications.js"),
  beneficiaries: () => import("./pages/beneficiaries.js"),
  donations: () => import("./pages/donations.js"),
  meetings: () => import("./pages/meetings.js"),
  live: () => import("./pages/live.js"),
  sessions: () => import("./pages/sessions.js"),
};
const STAFF = new Set(["admin", "manager"]);

// A page restored from the back/forward cache after sign-out must not show
// what it showed: reload, and the server decides (redirect when signed out).
window.addEventListener("pageshow", (ev) => {
  if (ev.persisted) location.reload();
});

const title = document.getElementById("page-title");
const root = document.getElementById("page");

function setTitle(text) {
  title.textContent = text;
  document.title = `${text} · convexgw demo`;
}

// refreshBadge shows the number of unread notifications in the navigation.
async function refreshBadge() {
  const badge = document.getElementById("badge");
  try {
    const res = await api("GET", "/api/notifications", { query: { unreadOnly: true, limit: 100 } });
    const n = res.items.length;
    badge.replaceChildren(
      document.createTextNode(n > 99 ? "99+" : String(n)),
      h("span", { className: "visually-hidden" }, " unread"),
    );
    badge.hidden = n === 0;
  } catch {
    // The badge is a hint; the page itself reports errors.
  }
}

async function signOut(button) {
  button.disabled = true;
  try {
    await api("POST", "/api/auth/logout", { on401: "throw" });
  } catch (err) {
    if (err.status !== 401) {
      button.disabled = false;
      showError(err, () => signOut(button));
      return;
    }
  }
  // Nothing private stays in this document, whatever the browser keeps.
  root.replaceChildren();
  document.getElementById("user").replaceChildren();
  location.assign("/sign-in");
}

async function start() {
  hideError();
  let session;
  try {
    session = await api("GET", "/api/auth/session");
  } catch (err) {
    if (err.status !== 401) showError(err, start);
    return;
  }
  const { user } = session;
  const staff = STAFF.has(user.role);
  document.getElementById("user").replaceChildren(
    h("span", { className: "user-name" }, user.name || user.email),
    " ",
    h("span", { className: "role" }, user.role),
  );
  for (const li of document.querySelectorAll("[data-staff]")) li.hidden = !staff;
  const signOutButton = document.getElementById("sign-out");
  signOutButton.onclick = () => signOut(signOutButton);

  const name = location.pathname.split("/")[2] || "tasks";
  for (const a of document.querySelectorAll("a[data-page]")) {
    if (a.dataset.page === name) a.setAttribute("aria-current", "page");
  }
  const load = PAGES[name];
  if (!load) {
    setTitle("Not found");
    root.replaceChildren(h("p", {}, "There is no such page."));
    return;
  }
  const mod = await load();
  await mod.render({ root, user, staff, setTitle, refreshBadge, toast, showError });
  refreshBadge();
}

start();
