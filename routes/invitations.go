package routes

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"go.uber.org/zap"

	"github.com/convexgw/convexgw/accounts"
	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/mail"
)

// maxRoleBytes bounds a role name.
const maxRoleBytes = 64

// invitationJSON is the body of POST /api/admin/invitations.
type invitationJSON struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
}

// Validate normalises the email, the name and the role (trimmed) and
// checks them; which roles exist is the app's to say (AuthorizeInvitation).
func (b *invitationJSON) Validate(errs FieldErrors) {
	b.Email = normEmail(b.Email)
	checkMailEmail(errs, "email", b.Email)
	b.Name = checkName(errs, "name", b.Name)
	b.Role = strings.TrimSpace(b.Role)
	switch {
	case b.Role == "":
		errs.Add("role", "is required")
	case len(b.Role) > maxRoleBytes || strings.ContainsFunc(b.Role, func(r rune) bool { return r < 0x21 || r == 0x7f }):
		errs.Add("role", fmt.Sprintf("must be a role name (at most %d bytes, no spaces)", maxRoleBytes))
	}
}

var invitationBody = mustBodySpec[invitationJSON]()

// invitationResponse answers an invitation.
type invitationResponse struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Role      string    `json:"role"`
	ExpiresAt time.Time `json:"expiresAt"`
	// Resent is true when the address had a pending invitation (an
	// account without a password, never confirmed): a new link was sent
	// for it, and its role was left as it was.
	Resent bool `json:"resent"`
}

// invite implements POST /api/admin/invitations {email, name, role} for a
// signed-in user (RequireSession: the session, the CSRF token, the origin
// policy) whom the app allows to invite: Convex decides, through the
// accounts contract's authorizeInvitation function called with the
// caller's own identity (so a FORBIDDEN answers 403, an unknown role 422,
// as the app's functions do), never the gateway from the session's role
// claim, which may be a refresh old. Then the per-inviter and per-address
// limits; the account created without a password (createUser, address not
// verified); an invitation token (INVITE_TOKEN_TTL) mailed as a link to
// choose the password (POST /api/auth/accept-invitation). An address with
// a pending invitation gets a new link (200, resent); any other known
// address answers 409 email_taken (the caller is an administrator: no
// enumeration to guard against). 201 with the new account's id.
func (a *API) invite(c echo.Context) error {
	f := a.d.Flows
	lc := a.lifecycle()
	inviter, ok := a.d.Accounts.(accounts.Inviter)
	if lc == nil || !ok || f.Tokens == nil {
		return errNotEnabled("Invitations")
	}
	if f.Mailer == nil {
		return errMailNotConfigured("Invitations")
	}
	sess := a.session(c)
	in, err := readBody[invitationJSON](c, invitationBody)
	if err != nil {
		return err
	}
	ctx := contractContext(c) // the internal functions: the deploy key alone
	rid := zap.String("request_id", RequestIDFrom(ctx))
	// authorizeInvitation runs as the caller (callContext: their identity).
	if err := inviter.AuthorizeInvitation(a.callContext(c), accounts.Invitation{Email: in.Email, Role: in.Role}); err != nil {
		if errors.Is(err, accounts.ErrNotSupported) {
			return errNotEnabled("Invitations")
		}
		a.log.Info("invitation refused", rid, zap.String("user_id", sess.UserID), zap.String("role", in.Role), zap.Error(err))
		return err
	}
	if err := a.limit(ctx, PolicyInvitationUser, subjectKey("user", sess.UserID)); err != nil {
		return err
	}
	if err := a.limit(ctx, PolicyInvitationEmail, subjectKey("email", in.Email)); err != nil {
		return err
	}
	resp := invitationResponse{Email: in.Email, Role: in.Role}
	name := in.Name
	id, err := lc.CreateUser(ctx, accounts.NewUser{Email: in.Email, Name: in.Name, Role: in.Role})
	switch {
	case errors.Is(err, accounts.ErrEmailTaken):
		acct, err := a.d.Accounts.FindByEmail(ctx, in.Email)
		if err != nil {
			return err
		}
		if acct == nil || acct.PasswordHash != "" || acct.EmailVerified || !acct.Active {
			return &Error{Status: http.StatusConflict, Code: CodeEmailTaken, Message: "An account with this email exists."}
		}
		id, name, resp.Role, resp.Resent = acct.ID, acct.Name, acct.Role, true
	case errors.Is(err, accounts.ErrNotSupported):
		return errNotEnabled("Invitations")
	case err != nil:
		return err
	}
	resp.ID = id
	tok, exp, err := f.Tokens.Issue(ctx, auth.PurposeInvitation, id, in.Email)
	if err != nil {
		return err
	}
	resp.ExpiresAt = exp.UTC()
	err = a.sendMail(ctx, mail.Message{To: in.Email, Template: mail.Invitation, Data: mail.Data{Name: name,
		Link: f.Links.Invitation(tok.Reveal()), ExpiresAt: exp, InvitedBy: sess.Name, Role: resp.Role}})
	if err != nil {
		return err // the account exists: inviting again sends a new link
	}
	a.flowLog(ctx, "invitation", "sent", in.Email, zap.String("user_id", id), zap.String("invited_by", sess.UserID),
		zap.Bool("resent", resp.Resent))
	status := http.StatusCreated
	if resp.Resent {
		status = http.StatusOK
	}
	return c.JSON(status, resp)
}
