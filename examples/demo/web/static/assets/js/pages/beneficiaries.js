// Beneficiaries (staff): GET /api/beneficiaries?status=, paged.
import { h } from "../dom.js";
import { formatDate } from "../format.js";
import { pagedTable } from "../table.js";

export async function render({ root, setTitle, showError }) {
  setTitle("Beneficiaries");
  const filter = h("select", { id: "beneficiary-status" },
    h("option", { value: "" }, "All"), h("option", { value: "active" }, "active"), h("option", { value: "inactive" }, "inactive"));
  const table = pagedTable({
    path: "/api/beneficiaries",
    label: "Beneficiaries, newest first",
    showError,
    query: () => ({ status: filter.value }),
    columns: [
      { label: "Name", value: (b) => b.fullName },
      { label: "City", value: (b) => b.city ?? "" },
      { label: "Phone", value: (b) => b.phone ?? "" },
      { label: "Status", value: (b) => h("span", { className: `tag ${b.status}` }, b.status) },
      { label: "Added", value: (b) => formatDate(b.createdAt) },
    ],
  });
  filter.addEventListener("change", () => table.load(true));
  root.replaceChildren(h("div", { className: "toolbar" }, h("label", { for: "beneficiary-status" }, "Status"), filter), table.element);
  await table.load(true);
}
