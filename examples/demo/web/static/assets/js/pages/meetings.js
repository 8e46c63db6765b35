// Meetings (staff): GET /api/meetings, paged.
import { h } from "../dom.js";
import { formatDate } from "../format.js";
import { pagedTable } from "../table.js";

export async function render({ root, setTitle, showError }) {
  setTitle("Meetings");
  const table = pagedTable({
    path: "/api/meetings",
    label: "Meetings",
    showError,
    columns: [
      { label: "Title", value: (m) => m.title },
      { label: "Starts", value: (m) => formatDate(m.startsAt) },
      { label: "Ends", value: (m) => formatDate(m.endsAt) },
      { label: "Location", value: (m) => m.location ?? "" },
      { label: "Attendees", value: (m) => String(m.attendeeIds?.length ?? 0) },
      { label: "Status", value: (m) => h("span", { className: `tag ${m.status}` }, m.status) },
    ],
  });
  root.replaceChildren(table.element);
  await table.load(true);
}
