// The sign-in page: POST /api/auth/login, then back to ?redirect= (a path
// on this origin) or the tasks page. Error states: wrong credentials (one
// generic message), account locked and rate limited (with the wait from
// Retry-After, the button held back until then), backend unavailable (503
// with its wait), invalid fields, and an email not confirmed yet (403
// email_unverified, which the gateway answers only to the right password:
// the page offers to send a new confirmation link). A ?notice= from the
// account pages (a reset, an accepted invitation, a confirmed address)
// shows above the form, and the email they leave is filled in.
import { api } from "./api.js";
import { h } from "./dom.js";
import { devMailboxHint, fieldError, hideAlert, holdButton, rememberEmail, setBusy, showAlert, takeEmail } from "./form.js";
import { errorText, looksLikeEmail, safeRedirect, signInNotice } from "./format.js";

const HOME = "/dashboard/tasks";
const target = safeRedirect(new URLSearchParams(location.search).get("redirect"), HOME);

const form = document.getElementById("signin");
const email = document.getElementById("email");
const password = document.getElementById("password");
const submit = document.getElementById("submit");
const formError = document.getElementById("form-error");
const notice = document.getElementById("notice");
const unverified = document.getElementById("unverified");
const resend = document.getElementById("resend");
const resendStatus = document.getElementById("resend-status");

const noticeText = signInNotice(location.search);
if (noticeText) {
  notice.textContent = noticeText;
  notice.hidden = false;
}
const handed = takeEmail();
if (handed && !email.value) {
  email.value = handed;
  password.focus();
}

function clearErrors() {
  hideAlert(formError);
  fieldError(email, "");
  fieldError(password, "");
  unverified.hidden = true;
  resendStatus.replaceChildren();
}

form.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  if (submit.disabled) return;
  clearErrors();
  const body = { email: email.value.trim(), password: password.value };
  let invalid = null;
  if (!body.password) {
    fieldError(password, "Enter your password.");
    invalid = password;
  }
  if (!body.email) {
    fieldError(email, "Enter your email address.");
    invalid = email;
  } else if (!looksLikeEmail(body.email)) {
    fieldError(email, "Enter an email address like name@example.org.");
    invalid = email;
  }
  if (invalid) {
    invalid.focus();
    return;
  }
  setBusy(submit, true);
  try {
    await api("POST", "/api/auth/login", { body, on401: "throw" });
    location.replace(target);
    return;
  } catch (err) {
    setBusy(submit, false);
    if (err.code === "invalid_request" && err.fields) {
      if (err.fields.email) fieldError(email, `Email ${err.fields.email}.`);
      if (err.fields.password) fieldError(password, `Password ${err.fields.password}.`);
      (err.fields.email ? email : password).focus();
      return;
    }
    if (err.code === "invalid_credentials") password.value = "";
    showAlert(formError, errorText(err));
    if (err.code === "email_unverified") unverified.hidden = false;
    if ((err.status === 429 || err.status === 503) && err.retryAfter > 0) holdButton(submit, err.retryAfter, "Sign in");
  }
});

// A new confirmation link, to the address in the form (the one whose
// password was just accepted): the gateway answers the same 202 whatever
// the address, and mails a link only to an account waiting for one.
resend.addEventListener("click", async () => {
  const address = email.value.trim();
  if (!looksLikeEmail(address)) {
    fieldError(email, "Enter an email address like name@example.org.");
    email.focus();
    return;
  }
  setBusy(resend, true);
  resendStatus.replaceChildren();
  try {
    await api("POST", "/api/auth/verify-email/resend", { body: { email: address }, on401: "throw" });
    setBusy(resend, false);
    const hint = await devMailboxHint();
    resendStatus.replaceChildren(
      h("p", {}, `If ${address} has an account waiting for confirmation, we sent it a new link. Open it, then sign in.`),
      ...(hint ? [hint] : []),
    );
  } catch (err) {
    setBusy(resend, false);
    resendStatus.textContent = errorText(err);
    if (err.status === 429 && err.retryAfter > 0) holdButton(resend, err.retryAfter, "Send a new confirmation link");
  }
});

// The button is disabled in the HTML until now, so a form sent before this
// script ran cannot go out as a plain GET with the password in the URL.
submit.disabled = false;

// The forgot-password page starts with the address typed here.
document.getElementById("forgot-link").addEventListener("click", () => {
  const address = email.value.trim();
  if (looksLikeEmail(address)) rememberEmail(address);
});

// A signed-in visitor goes straight on.
api("GET", "/api/auth/session", { on401: "throw" }).then(
  () => location.replace(target),
  () => {},
);
