// Donations (staff): the totals (GET /api/donations/stats) and the list
// (GET /api/donations), paged.
import { api } from "../api.js";
import { h } from "../dom.js";
import { formatDate, formatMoney } from "../format.js";
import { pagedTable } from "../table.js";

export async function render({ root, setTitle, showError }) {
  setTitle("Donations");
  const stats = h("section", { className: "stats", "aria-labelledby": "stats-title" },
    h("h2", { id: "stats-title" }, "Totals"), h("p", { className: "muted" }, "Loading…"));
  const table = pagedTable({
    path: "/api/donations",
    label: "Donations, newest first",
    showError,
    columns: [
      { label: "Donor", value: (d) => d.donorName },
      { label: "Amount", value: (d) => formatMoney(d.amount, d.currency) },
      { label: "Method", value: (d) => d.method },
      { label: "Received", value: (d) => formatDate(d.receivedAt) },
    ],
  });
  root.replaceChildren(stats, table.element);

  async function loadStats() {
    try {
      const s = await api("GET", "/api/donations/stats");
      const amount = (n) => new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n);
      const cell = (label, value) => h("div", { className: "stat" }, h("dt", {}, label), h("dd", {}, value));
      stats.replaceChildren(stats.firstChild, h("dl", { id: "donation-stats" },
        cell("Total", amount(s.total)),
        cell("Donations", String(s.count)),
        cell("Bank", amount(s.byMethod.bank)),
        cell("Card", amount(s.byMethod.card)),
        cell("Cash", amount(s.byMethod.cash))),
        h("p", { className: "muted" }, "Amounts are summed as donations:stats sums them, across currencies."));
    } catch (err) {
      if (err.status === 403) {
        stats.replaceChildren(stats.firstChild, h("p", {}, "The totals are for staff (admin or manager)."));
        return;
      }
      showError(err, loadStats);
    }
  }
  await Promise.all([loadStats(), table.load(true)]);
}
