// A table of a paged list route ({items, nextCursor}, ?limit=&cursor=):
// Previous / Next walk the gateway's cursors (a stack of the cursors that
// opened each page), and the caption says which page is shown.
import { api } from "./api.js";
import { h } from "./dom.js";

// pagedTable returns {element, load}: element holds the table and its
// pager; load(true) starts again from the first page (after a filter
// change). columns are {label, value(doc) → string | Node}; query() returns
// the filters to send.
export function pagedTable({ path, label, columns, query = () => ({}), pageSize = 10, showError }) {
  const id = `table-${path.replace(/[^a-z]/g, "")}`;
  const caption = h("caption", {}, label);
  const body = h("tbody");
  const table = h("table", { id },
    caption,
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c.label)))),
    body);
  const prev = h("button", { type: "button", disabled: true }, "Previous page");
  const next = h("button", { type: "button", disabled: true }, "Next page");
  const status = h("span", { className: "muted", "aria-live": "polite" });
  const element = h("div", { className: "paged" },
    h("div", { className: "table-wrap", role: "region", "aria-labelledby": `${id}-label`, tabindex: "0" },
      table),
    h("div", { className: "pager" }, prev, status, next));
  caption.id = `${id}-label`;

  const starts = [null]; // starts[i]: the cursor that opens page i+1
  let page = 0;
  let nextCursor = null;

  function notice(text) {
    body.replaceChildren(h("tr", {}, h("td", { colspan: columns.length, className: "empty" }, text)));
  }

  async function show(i) {
    try {
      const res = await api("GET", path, { query: { ...query(), limit: pageSize, cursor: starts[i] } });
      page = i;
      nextCursor = res.nextCursor ?? null;
      if (nextCursor && starts.length === i + 1) starts.push(nextCursor);
      body.replaceChildren(...res.items.map((d) => h("tr", {}, columns.map((c, j) =>
        h(j === 0 ? "th" : "td", j === 0 ? { scope: "row" } : {}, c.value(d) ?? "")))));
      if (!res.items.length) notice("Nothing here.");
      status.textContent = `Page ${page + 1}`;
      prev.disabled = page === 0;
      next.disabled = !nextCursor;
    } catch (err) {
      if (err.status === 403) {
        notice("This list is for staff (admin or manager).");
        status.textContent = "";
        prev.disabled = next.disabled = true;
        return;
      }
      prev.disabled = page === 0;
      next.disabled = !nextCursor;
      showError(err, () => show(i));
    }
  }

  // go shows page i; the buttons stay disabled while it loads, then show()
  // sets them from the page it got.
  function go(i) {
    prev.disabled = next.disabled = true;
    return show(i);
  }
  prev.addEventListener("click", () => go(page - 1));
  next.addEventListener("click", () => go(page + 1));

  return {
    element,
    load(reset) {
      if (reset) starts.length = 1;
      return go(reset ? 0 : page);
    },
  };
}
