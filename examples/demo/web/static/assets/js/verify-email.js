// /verify-email?token=: confirms an address with the link of a
// verification email. On load it posts the token (POST
// /api/auth/verify-email {token}) and shows the outcome: confirmed (with
// the address, and the way to sign in), or a link that does not work
// (unknown, used, expired: 400 invalid_token) with a form asking for a new
// one (POST /api/auth/verify-email/resend {email}: the same 202 for every
// address). A rate limit or an unavailable server shows the wait and a
// Try again button held back until then. Reloading the page after a
// success posts the used token again and shows "does not work", which is
// why that text tells a confirmed user to just sign in.
import { api } from "./api.js";
import { h } from "./dom.js";
import { devMailboxHint, fieldError, holdButton, rememberEmail, setBusy, showAlert, takeEmail } from "./form.js";
import { errorText, linkToken, looksLikeEmail } from "./format.js";

const token = linkToken(location.search);
const checking = document.getElementById("checking");
const sections = ["verified", "retry", "failed"].map((id) => document.getElementById(id));
const [verified, retry, failed] = sections;
const retryButton = document.getElementById("retry-button");
const email = document.getElementById("email");
const resendButton = document.getElementById("resend-button");
const resendStatus = document.getElementById("resend-status");

function show(section) {
  checking.hidden = true;
  for (const s of sections) s.hidden = s !== section;
  document.getElementById("footer-links").hidden = section === verified; // its own Sign in button
}

function linkFails(message) {
  if (message) document.getElementById("failed-message").textContent = message;
  email.value ||= takeEmail();
  show(failed);
  document.getElementById("failed-title").focus();
}

async function confirm() {
  checking.hidden = false;
  for (const s of sections) s.hidden = true;
  let res;
  try {
    res = await api("POST", "/api/auth/verify-email", { body: { token }, on401: "throw" });
  } catch (err) {
    if (err.code === "invalid_token" || (err.code === "invalid_request" && err.fields?.token)) {
      linkFails();
      return;
    }
    show(retry);
    showAlert(document.getElementById("retry-error"), errorText(err));
    if (err.retryAfter > 0) holdButton(retryButton, err.retryAfter, "Try again");
    return;
  }
  document.getElementById("verified-message").replaceChildren(
    h("strong", {}, res?.email || "Your address"), " is confirmed: you can sign in with it.");
  rememberEmail(res?.email || "");
  show(verified);
  document.getElementById("verified-title").focus();
}

retryButton.addEventListener("click", () => {
  if (!retryButton.disabled) confirm();
});

document.getElementById("resend").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  if (resendButton.disabled) return;
  fieldError(email, "");
  resendStatus.replaceChildren();
  const address = email.value.trim();
  if (!looksLikeEmail(address)) {
    fieldError(email, address ? "Enter an email address like name@example.org." : "Enter your email address.");
    email.focus();
    return;
  }
  setBusy(resendButton, true);
  try {
    await api("POST", "/api/auth/verify-email/resend", { body: { email: address }, on401: "throw" });
  } catch (err) {
    setBusy(resendButton, false);
    if (err.code === "invalid_request" && err.fields?.email) {
      fieldError(email, `Email ${err.fields.email}.`);
      email.focus();
      return;
    }
    resendStatus.replaceChildren(h("p", { className: "field-error" }, errorText(err)));
    if (err.status === 429 && err.retryAfter > 0) holdButton(resendButton, err.retryAfter, "Send a new link");
    return;
  }
  setBusy(resendButton, false);
  const hint = await devMailboxHint();
  resendStatus.replaceChildren(
    h("p", {}, `If ${address} has an account waiting for confirmation, we sent it a new link.`),
    ...(hint ? [hint] : []));
});

if (token) {
  confirm();
} else {
  linkFails("This link is incomplete: it has no token. Open the link from the email again; if your email app " +
    "split it over two lines, copy all of it.");
}
