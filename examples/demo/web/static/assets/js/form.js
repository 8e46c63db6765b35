// Pieces shared by the public pages (sign-in and the account pages the
// gateway's emails link to): field errors next to their fields, the form's
// alert, a button held back for a Retry-After wait, the dev-mailbox hint,
// and the email handed from one page to the next.
import { h } from "./dom.js";
import { formatWait } from "./format.js";

// fieldError shows message under input (in the element #<input.id>-error,
// which the input names in aria-describedby) and marks the input invalid;
// an empty message clears both.
export function fieldError(input, message) {
  const p = document.getElementById(`${input.id}-error`);
  p.textContent = message || "";
  p.hidden = !message;
  if (message) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

// showAlert puts content (strings or nodes) in the form's alert (role
// "alert", tabindex -1) and moves focus to it, so screen readers and
// keyboard users land on what went wrong.
export function showAlert(el, ...content) {
  el.replaceChildren(...content.map((c) => (c instanceof Node ? c : document.createTextNode(String(c)))));
  el.hidden = false;
  el.focus();
}

// hideAlert empties and hides the form's alert.
export function hideAlert(el) {
  el.hidden = true;
  el.replaceChildren();
}

const holds = new WeakMap();

// holdButton keeps button disabled for seconds, its text counting down
// ("Send link (wait 3 seconds)"), then restores label. A new hold replaces
// the previous one.
export function holdButton(button, seconds, label) {
  clearInterval(holds.get(button));
  let left = Math.ceil(seconds);
  const tick = () => {
    if (left > 0) {
      button.disabled = true;
      button.textContent = `${label} (wait ${formatWait(left)})`;
      left--;
      return;
    }
    clearInterval(holds.get(button));
    button.disabled = false;
    button.textContent = label;
  };
  tick();
  holds.set(button, setInterval(tick, 1000));
}

// setBusy marks a submit button busy (disabled, aria-busy) or not.
export function setBusy(button, on) {
  button.disabled = on;
  if (on) button.setAttribute("aria-busy", "true");
  else button.removeAttribute("aria-busy");
}

let mailbox = null;

// devMailbox resolves to true when the gateway runs in dev mode, where it
// sends no email and keeps every message at /dev/mailbox (it answers that
// page only then). Asked once per page.
export function devMailbox() {
  mailbox ??= fetch("/dev/mailbox?format=json", { headers: { Accept: "application/json" }, cache: "no-store" })
    .then((res) => res.ok && (res.headers.get("Content-Type") || "").startsWith("application/json"))
    .catch(() => false);
  return mailbox;
}

// devMailboxHint returns, in dev mode, a paragraph saying where the email
// is (a link to the dev mailbox), else null.
export async function devMailboxHint() {
  if (!(await devMailbox())) return null;
  return h("p", { className: "dev-hint" },
    h("strong", {}, "Dev mode: "), "no email leaves this machine. The message is in the ",
    h("a", { href: "/dev/mailbox", id: "dev-mailbox-link" }, "dev mailbox"), ".");
}

const EMAIL_KEY = "convexgw.email";

// rememberEmail hands an email address to the next page of this tab (the
// sign-in page after a reset, the forgot-password page from sign-in),
// without putting it in a URL.
export function rememberEmail(email) {
  try {
    if (email) sessionStorage.setItem(EMAIL_KEY, email);
  } catch {
    // Storage may be off; the user types the address again.
  }
}

// takeEmail returns the email rememberEmail left, once, or "".
export function takeEmail() {
  try {
    const v = sessionStorage.getItem(EMAIL_KEY) || "";
    sessionStorage.removeItem(EMAIL_KEY);
    return v;
  } catch {
    return "";
  }
}

// showPasswords wires a "Show passwords" checkbox to the password inputs.
export function showPasswords(checkbox, ...inputs) {
  checkbox.addEventListener("change", () => {
    for (const i of inputs) i.type = checkbox.checked ? "text" : "password";
  });
}
