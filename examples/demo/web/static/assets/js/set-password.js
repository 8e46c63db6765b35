// The pages that set a password with an emailed link's token: reset
// (/reset-password) and accepting an invitation (/accept-invitation). The
// token comes from ?token=; the new password is typed twice and checked
// here for what the page can know (length, the two match), then posted
// with the token. The gateway's password policy answers 400 with a
// field-level reason (too common, contains your name...), shown next to the
// field; the link stays usable then. An unknown, used or expired token
// (400 invalid_token) replaces the form with the page's "this link does not
// work" section. Success goes to sign-in with a notice and the account's
// email filled in. The pages never sign the user in themselves.
import { api } from "./api.js";
import { fieldError, hideAlert, holdButton, rememberEmail, setBusy, showAlert, showPasswords } from "./form.js";
import { errorText, fieldSentence, linkToken, newPasswordProblem } from "./format.js";

// setPasswordPage wires the page: endpoint is the gateway route, notice the
// sign-in page's ?notice= on success, label the submit button's text.
export function setPasswordPage({ endpoint, notice, label }) {
  const token = linkToken(location.search);
  const choose = document.getElementById("choose");
  const form = document.getElementById("set-password");
  const password = document.getElementById("password");
  const confirm = document.getElementById("confirm");
  const submit = document.getElementById("submit");
  const formError = document.getElementById("form-error");
  const invalid = document.getElementById("invalid");

  function linkFails(message) {
    if (message) document.getElementById("invalid-message").textContent = message;
    choose.hidden = true;
    invalid.hidden = false;
    document.getElementById("invalid-title").focus();
  }

  showPasswords(document.getElementById("show-passwords"), password, confirm);

  if (!token) {
    linkFails("This link is incomplete: it has no token. Open the link from the email again; if your email app " +
      "split it over two lines, copy all of it.");
    return;
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    hideAlert(formError);
    fieldError(password, "");
    fieldError(confirm, "");
    const problem = newPasswordProblem(password.value);
    if (problem) {
      fieldError(password, problem);
      password.focus();
      return;
    }
    if (confirm.value !== password.value) {
      fieldError(confirm, confirm.value ? "The two passwords do not match." : "Type the password again.");
      confirm.focus();
      return;
    }
    setBusy(submit, true);
    let res;
    try {
      res = await api("POST", endpoint, { body: { token, password: password.value }, on401: "throw" });
    } catch (err) {
      setBusy(submit, false);
      if (err.code === "invalid_token" || (err.code === "invalid_request" && err.fields?.token)) {
        linkFails();
        return;
      }
      if (err.code === "invalid_request" && err.fields?.password) {
        fieldError(password, fieldSentence("Password", err.fields.password));
        password.focus();
        return;
      }
      showAlert(formError, errorText(err));
      if ((err.status === 429 || err.status === 503) && err.retryAfter > 0) holdButton(submit, err.retryAfter, label);
      return;
    }
    rememberEmail(res?.email || "");
    const q = new URLSearchParams({ notice });
    if (res?.revokedSessions > 0) q.set("signedOut", String(res.revokedSessions));
    location.replace(`/sign-in?${q}`);
  });
  // The button is disabled in the HTML until now, so a form sent before
  // this script ran cannot go out as a plain GET with the password in the
  // URL.
  submit.disabled = false;
}
