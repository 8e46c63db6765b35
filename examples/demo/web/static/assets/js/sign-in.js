// The sign-in page: POST /api/auth/login, then back to ?redirect= (a path
// on this origin) or the tasks page. Error states: wrong credentials (one
// generic message), account locked and rate limited (with the wait from
// Retry-After, the button held back until then), backend unavailable (503
// with its wait), invalid fields.
import { api } from "./api.js";
import { errorText, formatWait, safeRedirect } from "./format.js";

const HOME = "/dashboard/tasks";
const target = safeRedirect(new URLSearchParams(location.search).get("redirect"), HOME);

const form = document.getElementById("signin");
const email = document.getElementById("email");
const password = document.getElementById("password");
const submit = document.getElementById("submit");
const formError = document.getElementById("form-error");

function fieldError(input, message) {
  const p = document.getElementById(`${input.id}-error`);
  p.textContent = message || "";
  p.hidden = !message;
  if (message) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

function clearErrors() {
  formError.hidden = true;
  formError.textContent = "";
  fieldError(email, "");
  fieldError(password, "");
}

let holdTimer = 0;

// holdSubmit keeps the button disabled for seconds, with a countdown.
function holdSubmit(seconds) {
  clearInterval(holdTimer);
  let left = seconds;
  const tick = () => {
    if (left > 0) {
      submit.disabled = true;
      submit.textContent = `Sign in (wait ${formatWait(left)})`;
      left--;
      return;
    }
    clearInterval(holdTimer);
    submit.disabled = false;
    submit.textContent = "Sign in";
  };
  tick();
  holdTimer = setInterval(tick, 1000);
}

function showFormError(text) {
  formError.textContent = text;
  formError.hidden = false;
  formError.focus();
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
  } else if (!/^[^\s@]+@[^\s@]+$/.test(body.email)) {
    fieldError(email, "Enter an email address like name@example.org.");
    invalid = email;
  }
  if (invalid) {
    invalid.focus();
    return;
  }
  submit.disabled = true;
  submit.setAttribute("aria-busy", "true");
  try {
    await api("POST", "/api/auth/login", { body, on401: "throw" });
    location.replace(target);
    return;
  } catch (err) {
    submit.disabled = false;
    submit.removeAttribute("aria-busy");
    if (err.code === "invalid_request" && err.fields) {
      if (err.fields.email) fieldError(email, `Email ${err.fields.email}.`);
      if (err.fields.password) fieldError(password, `Password ${err.fields.password}.`);
      (err.fields.email ? email : password).focus();
      return;
    }
    if (err.code === "invalid_credentials") password.value = "";
    showFormError(errorText(err));
    if ((err.status === 429 || err.status === 503) && err.retryAfter > 0) holdSubmit(err.retryAfter);
  }
});

// A signed-in visitor goes straight on.
api("GET", "/api/auth/session", { on401: "throw" }).then(
  () => location.replace(target),
  () => {},
);
