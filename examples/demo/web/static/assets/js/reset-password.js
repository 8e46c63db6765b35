// /reset-password?token=: a new password through the link of a reset email
// (POST /api/auth/reset-password {token, password}); see set-password.js.
// The gateway ends every session of the account (revokedSessions), which
// the sign-in page's notice mentions.
import { setPasswordPage } from "./set-password.js";

setPasswordPage({ endpoint: "/api/auth/reset-password", notice: "password-reset", label: "Set new password" });
