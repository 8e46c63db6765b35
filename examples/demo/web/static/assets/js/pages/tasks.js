// Tasks: the caller's own tasks (GET /api/tasks?status=), create (POST),
// complete (PATCH status=completed, then the notification Convex creates
// for it is shown), delete (DELETE).
import { api } from "../api.js";
import { busy, h, sleep } from "../dom.js";
import { formatDate } from "../format.js";

const STATUSES = ["pending", "in progress", "completed", "cancelled"];
const PRIORITIES = ["low", "medium", "high"];
const PAGE_SIZE = 50;

export async function render(ctx) {
  const { root, setTitle, toast, showError, refreshBadge } = ctx;
  setTitle("Tasks");
  const params = new URLSearchParams(location.search);
  let status = STATUSES.includes(params.get("status")) ? params.get("status") : "";

  const titleInput = h("input", { id: "task-title", name: "title", required: true, maxlength: 200, autocomplete: "off" });
  const priority = h("select", { id: "task-priority", name: "priority" },
    PRIORITIES.map((p) => h("option", { value: p, selected: p === "medium" }, p)));
  const addButton = h("button", { type: "submit", className: "primary" }, "Add task");
  const titleError = h("p", { id: "task-title-error", className: "field-error", hidden: true });
  titleInput.setAttribute("aria-describedby", "task-title-error");
  const form = h("form", { className: "inline-form", "aria-label": "Add a task" },
    h("div", { className: "field grow" }, h("label", { for: "task-title" }, "New task"), titleInput, titleError),
    h("div", { className: "field" }, h("label", { for: "task-priority" }, "Priority"), priority),
    addButton);

  const filter = h("select", { id: "status-filter" },
    h("option", { value: "" }, "All"),
    STATUSES.map((s) => h("option", { value: s, selected: s === status }, s)));
  const list = h("ul", { className: "items", id: "task-list", "aria-live": "off" });
  const more = h("button", { type: "button", hidden: true }, "Load more");
  const summary = h("p", { className: "muted", id: "task-count" });

  root.replaceChildren(
    form,
    h("div", { className: "toolbar" }, h("label", { for: "status-filter" }, "Status"), filter, summary),
    list,
    more,
  );

  let cursor = null;
  let shown = 0;

  function row(task) {
    const li = h("li", { className: `item status-${task.status.replace(" ", "-")}`, "data-id": task._id });
    const actions = h("div", { className: "actions" });
    if (task.status !== "completed" && task.status !== "cancelled") {
      const done = h("button", { type: "button", "aria-label": `Complete ${task.title}`,
        onclick: () => complete(task, li, done) }, "Complete");
      actions.append(done);
    }
    const del = h("button", { type: "button", className: "danger", "aria-label": `Delete ${task.title}`,
      onclick: () => remove(task, li, del) }, "Delete");
    actions.append(del);
    li.append(
      h("div", { className: "item-main" },
        h("span", { className: "item-title" }, task.title),
        h("span", { className: "meta" },
          h("span", { className: `tag status` }, task.status), " ",
          h("span", { className: `tag priority-${task.priority}` }, `${task.priority} priority`), " ",
          h("time", { datetime: new Date(task.createdAt).toISOString() }, formatDate(task.createdAt)))),
      actions);
    return li;
  }

  function count() {
    summary.textContent = shown === 0 ? "" : `${shown} task${shown === 1 ? "" : "s"}${cursor ? " so far" : ""}`;
    if (shown === 0) {
      list.replaceChildren(h("li", { className: "empty" }, status ? `No ${status} tasks.` : "No tasks yet."));
    }
  }

  async function load(reset) {
    if (reset) {
      cursor = null;
      shown = 0;
    }
    try {
      const res = await api("GET", "/api/tasks", { query: { status, limit: PAGE_SIZE, cursor } });
      if (reset) list.replaceChildren();
      list.querySelector(".empty")?.remove();
      for (const t of res.items) list.append(row(t));
      shown += res.items.length;
      cursor = res.nextCursor ?? null;
      more.hidden = !cursor;
      count();
    } catch (err) {
      showError(err, () => load(reset));
    }
  }

  async function complete(task, li, button) {
    await busy(button, async () => {
      try {
        await api("PATCH", `/api/tasks/${encodeURIComponent(task._id)}`, { body: { status: "completed" } });
      } catch (err) {
        showError(err);
        return;
      }
      const updated = { ...task, status: "completed" };
      if (status && status !== "completed") {
        li.remove();
        shown--;
        count();
      } else {
        li.replaceWith(row(updated));
      }
      await announceNotification(task.title);
      refreshBadge();
    });
  }

  // announceNotification shows the notification completing a task creates
  // (Convex schedules it right after the mutation, so it may land a moment
  // later: look a few times).
  async function announceNotification(taskTitle) {
    const wanted = `You completed "${taskTitle}".`;
    for (let i = 0; i < 6; i++) {
      try {
        const res = await api("GET", "/api/notifications", { query: { unreadOnly: true, limit: 20 } });
        const n = res.items.find((x) => x.body === wanted);
        if (n) {
          toast(h("strong", {}, n.title), " ", n.body, " ", h("a", { href: "/dashboard/notifications" }, "See notifications"));
          return;
        }
      } catch {
        break;
      }
      await sleep(250 * (i + 1));
    }
    toast(`Completed "${taskTitle}".`);
  }

  async function remove(task, li, button) {
    if (!confirm(`Delete the task "${task.title}"?`)) return;
    await busy(button, async () => {
      try {
        await api("DELETE", `/api/tasks/${encodeURIComponent(task._id)}`);
      } catch (err) {
        showError(err);
        return;
      }
      const next = li.nextElementSibling || li.previousElementSibling;
      li.remove();
      shown--;
      count();
      toast(`Deleted "${task.title}".`);
      (next?.querySelector("button") || filter).focus();
    });
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const title = titleInput.value.trim();
    titleError.hidden = true;
    titleInput.removeAttribute("aria-invalid");
    if (!title) {
      titleError.textContent = "Enter a title.";
      titleError.hidden = false;
      titleInput.setAttribute("aria-invalid", "true");
      titleInput.focus();
      return;
    }
    await busy(addButton, async () => {
      try {
        await api("POST", "/api/tasks", { body: { title, priority: priority.value } });
      } catch (err) {
        if (err.fields?.title) {
          titleError.textContent = `Title ${err.fields.title}.`;
          titleError.hidden = false;
          titleInput.setAttribute("aria-invalid", "true");
        } else {
          showError(err);
        }
        return;
      }
      titleInput.value = "";
      toast(`Added "${title}".`);
      await load(true);
    });
    titleInput.focus();
  });

  filter.addEventListener("change", () => {
    status = filter.value;
    const url = new URL(location.href);
    if (status) url.searchParams.set("status", status);
    else url.searchParams.delete("status");
    history.replaceState(null, "", url);
    load(true);
  });
  more.addEventListener("click", () => busy(more, () => load(false)));

  await load(true);
}
