// The forgot-password page: one email field, POST
// /api/auth/forgot-password {email}. The gateway answers the same 202 for
// every address, at the same speed, and mails a link only to an account
// that has it; so the page says the same thing whatever the address: "if
// an account uses it, we sent it a link". In dev mode it points to the dev
// mailbox, where the email is. Errors: an invalid address next to the
// field; a rate limit or an unavailable server with the wait; a server
// that cannot send email says so.
import { api } from "./api.js";
import { h } from "./dom.js";
import { devMailboxHint, fieldError, hideAlert, holdButton, setBusy, showAlert, takeEmail } from "./form.js";
import { errorText, looksLikeEmail } from "./format.js";

const LABEL = "Send me a link";
const ask = document.getElementById("ask");
const form = document.getElementById("forgot");
const email = document.getElementById("email");
const submit = document.getElementById("submit");
const formError = document.getElementById("form-error");
const sent = document.getElementById("sent");
const sentTitle = document.getElementById("sent-title");
const sentMessage = document.getElementById("sent-message");
const sentHint = document.getElementById("sent-hint");

const handed = takeEmail();
if (handed && !email.value) email.value = handed;

form.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  if (submit.disabled) return;
  hideAlert(formError);
  fieldError(email, "");
  const address = email.value.trim();
  if (!address) {
    fieldError(email, "Enter your email address.");
    email.focus();
    return;
  }
  if (!looksLikeEmail(address)) {
    fieldError(email, "Enter an email address like name@example.org.");
    email.focus();
    return;
  }
  setBusy(submit, true);
  try {
    await api("POST", "/api/auth/forgot-password", { body: { email: address }, on401: "throw" });
  } catch (err) {
    setBusy(submit, false);
    if (err.code === "invalid_request" && err.fields?.email) {
      fieldError(email, `Email ${err.fields.email}.`);
      email.focus();
      return;
    }
    showAlert(formError, errorText(err));
    if ((err.status === 429 || err.status === 503) && err.retryAfter > 0) holdButton(submit, err.retryAfter, LABEL);
    return;
  }
  setBusy(submit, false);
  sentMessage.replaceChildren("If an account uses ", h("strong", {}, address),
    ", we sent it a link to choose a new password.");
  const hint = await devMailboxHint();
  sentHint.replaceChildren(...(hint ? [hint] : []));
  ask.hidden = true;
  sent.hidden = false;
  sentTitle.focus();
});

// The button is disabled in the HTML until now, so a form sent before this
// script ran cannot go out as a plain GET with the address in the URL.
submit.disabled = false;

document.getElementById("again").addEventListener("click", () => {
  sent.hidden = true;
  ask.hidden = false;
  email.select();
  email.focus();
});
