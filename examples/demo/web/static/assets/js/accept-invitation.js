// /accept-invitation?token=: an invited user's first password, through
// the invitation email's link (POST /api/auth/accept-invitation {token,
// password}: the account exists already, without a password; accepting
// also confirms the address); see set-password.js.
import { setPasswordPage } from "./set-password.js";

setPasswordPage({ endpoint: "/api/auth/accept-invitation", notice: "invitation-accepted", label: "Create my account" });
