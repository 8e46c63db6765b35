// DOM helpers. Data from the API only ever becomes text nodes or attribute
// values (never HTML), so a task titled "<img onerror=...>" stays text.
import { errorText, formatWait } from "./format.js";

// h builds an element: attrs sets properties for on* handlers and
// className/hidden/disabled/value, attributes otherwise (false and null
// leave an attribute out); children are nodes or strings.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "className" || k === "hidden" || k === "disabled" || k === "value" || k === "checked") el[k] = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

let toastTimer = 0;

// toast shows a short status message in the polite live region.
export function toast(...content) {
  const el = document.getElementById("toast");
  if (!el) return;
  clearTimeout(toastTimer);
  el.replaceChildren(...content.map((c) => (c instanceof Node ? c : document.createTextNode(String(c)))));
  el.classList.add("shown");
  toastTimer = setTimeout(() => el.classList.remove("shown"), 8000);
}

let bannerTimer = 0;

// showError puts err (an ApiError) in the page's alert banner. When retry
// is given, the banner has a Retry button, held back for the Retry-After
// wait with a countdown (503, 429).
export function showError(err, retry) {
  const el = document.getElementById("banner");
  if (!el) return;
  clearInterval(bannerTimer);
  const text = h("p", {}, errorText(err));
  const parts = [text];
  if (retry) {
    const button = h("button", {
      type: "button",
      onclick: () => {
        hideError();
        retry();
      },
    }, "Retry");
    let left = err.retryAfter ?? 0;
    const tick = () => {
      if (left > 0) {
        button.disabled = true;
        button.textContent = `Retry (in ${formatWait(left)})`;
        left--;
      } else {
        clearInterval(bannerTimer);
        button.disabled = false;
        button.textContent = "Retry";
      }
    };
    tick();
    if (err.retryAfter > 0) bannerTimer = setInterval(tick, 1000);
    parts.push(button);
  }
  el.replaceChildren(...parts);
  el.hidden = false;
}

// hideError clears the alert banner.
export function hideError() {
  const el = document.getElementById("banner");
  if (!el) return;
  clearInterval(bannerTimer);
  el.hidden = true;
  el.replaceChildren();
}

// busy disables a control while work runs and restores it after.
export async function busy(control, work) {
  control.disabled = true;
  control.setAttribute("aria-busy", "true");
  try {
    return await work();
  } finally {
    control.disabled = false;
    control.removeAttribute("aria-busy");
  }
}

// sleep waits ms milliseconds (for short client-side retries).
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
