// Notifications: the caller's notifications, newest first (GET
// /api/notifications?unreadOnly=), marked read one by one (POST
// /api/notifications/:id/read); the navigation's badge follows.
import { api } from "../api.js";
import { busy, h } from "../dom.js";
import { formatDate } from "../format.js";

const PAGE_SIZE = 50;

export async function render({ root, setTitle, showError, refreshBadge, toast }) {
  setTitle("Notifications");
  const unreadOnly = h("input", { type: "checkbox", id: "unread-only" });
  const list = h("ul", { className: "items", id: "notification-list" });
  const more = h("button", { type: "button", hidden: true }, "Load more");
  root.replaceChildren(
    h("div", { className: "toolbar" }, h("label", { className: "check" }, unreadOnly, " Unread only")),
    list,
    more,
  );
  let cursor = null;

  function row(n) {
    const li = h("li", { className: `item${n.read ? "" : " unread"}`, "data-id": n._id });
    const main = h("div", { className: "item-main" },
      h("span", { className: "item-title" }, n.title, n.read ? null : h("span", { className: "tag unread-tag" }, "unread")),
      h("span", { className: "item-body" }, n.body),
      h("span", { className: "meta" }, h("time", { datetime: new Date(n.createdAt).toISOString() }, formatDate(n.createdAt))));
    li.append(main);
    if (!n.read) {
      const button = h("button", { type: "button", "aria-label": `Mark read ${n.title}`,
        onclick: () => markRead(n, li, button) }, "Mark read");
      li.append(h("div", { className: "actions" }, button));
    }
    return li;
  }

  async function markRead(n, li, button) {
    await busy(button, async () => {
      try {
        await api("POST", `/api/notifications/${encodeURIComponent(n._id)}/read`);
      } catch (err) {
        showError(err);
        return;
      }
      const next = row({ ...n, read: true });
      li.replaceWith(next);
      if (unreadOnly.checked) next.remove();
      toast(`Marked "${n.title}" read.`);
      refreshBadge();
      (list.querySelector(".unread button") || unreadOnly).focus();
    });
  }

  async function load(reset) {
    if (reset) cursor = null;
    try {
      const res = await api("GET", "/api/notifications", {
        query: { unreadOnly: unreadOnly.checked || null, limit: PAGE_SIZE, cursor },
      });
      if (reset) list.replaceChildren();
      for (const n of res.items) list.append(row(n));
      cursor = res.nextCursor ?? null;
      more.hidden = !cursor;
      if (!list.children.length) {
        list.append(h("li", { className: "empty" }, unreadOnly.checked ? "Nothing unread." : "No notifications."));
      }
    } catch (err) {
      showError(err, () => load(reset));
    }
  }

  unreadOnly.addEventListener("change", () => load(true));
  more.addEventListener("click", () => busy(more, () => load(false)));
  await load(true);
}
