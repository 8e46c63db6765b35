package demo

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/examples/demo/web"
	"github.com/convexgw/convexgw/routes"
)

// App is the demo app: tasks and notifications (the task app seed) and the
// association panel's users, beneficiaries, donations and meetings. It
// implements the gateway's app seam (gateway.App). Every handler needs a
// signed-in caller and runs its Convex function as that caller; the
// functions enforce roles and ownership, and their ConvexError codes become
// 401/403/404/422 in the error handler.
type App struct {
	reg *convexclient.Registry
	b   *Bindings
	ui  *web.UI
}

// Options configure the demo app. The zero value is the app with its web
// front end and no Convex client bundle for the live page.
type Options struct {
	// WebVendorDir, if set, is served at /vendor/: the directory holding
	// convex-browser.js, the official Convex browser client bundled by
	// examples/demo/browsertest/bundle.mjs, which the live page imports.
	WebVendorDir string
}

// New returns the demo app with its generated bindings (bindings.go) in a
// registry of their own, and default Options.
func New() *App { return NewWith(Options{}) }

// NewWith returns the demo app with its generated bindings, configured by
// opts.
func NewWith(opts Options) *App {
	r := convexclient.NewRegistry()
	return &App{reg: r, b: NewBindings(r), ui: web.New(web.Options{VendorDir: opts.WebVendorDir})}
}

// Bindings returns the app's typed Convex functions.
func (app *App) Bindings() *Bindings { return app.b }

// Registry returns every binding of the app (gateway.App): the passthrough
// consults it (only Exposed bindings are reachable through it) and the
// start-up check compares it with `npx convex function-spec` output.
func (app *App) Registry() *convexclient.Registry { return app.reg }

// Routes is the demo's route table: every path, method and middleware
// (gateway.App). Convex enforces roles and ownership. Filters such as
// ?status= take their allowed values from the generated enum types.
func (app *App) Routes(r *routes.Router) {
	limit, authn, maybe := r.RateLimit(), r.RequireSession(), r.LoadSession()
	b, ui := app.b, app.ui
	tasks := routes.MustResource(routes.ResourceFunctions{List: b.TasksList, Create: b.TasksCreate,
		Update: b.TasksUpdate, Remove: b.TasksRemove})
	notifications := routes.MustResource(routes.ResourceFunctions{List: b.NotificationsList})
	users := routes.MustResource(routes.ResourceFunctions{List: b.UsersList})
	beneficiaries := routes.MustResource(routes.ResourceFunctions{List: b.BeneficiariesList, Get: b.BeneficiariesGet,
		Create: b.BeneficiariesCreate, Update: b.BeneficiariesUpdate, Remove: b.BeneficiariesRemove})
	donations := routes.MustResource(routes.ResourceFunctions{List: b.DonationsList, Get: b.DonationsGet,
		Create: b.DonationsCreate, Update: b.DonationsUpdate, Remove: b.DonationsRemove})
	meetings := routes.MustResource(routes.ResourceFunctions{List: b.MeetingsList, Get: b.MeetingsGet,
		Create: b.MeetingsCreate, Update: b.MeetingsUpdate, Remove: b.MeetingsRemove})

	r.GET("/api/users/me", app.me, limit, authn)
	users.Mount(r, "/api/users", limit, authn)                 // GET (admin; Convex decides)
	tasks.Mount(r, "/api/tasks", limit, authn)                 // GET ?status=, POST, PATCH/DELETE /:id
	notifications.Mount(r, "/api/notifications", limit, authn) // GET ?unreadOnly=
	r.POST("/api/notifications/:id/read", app.markRead, limit, authn)
	beneficiaries.Mount(r, "/api/beneficiaries", limit, authn) // GET ?status=, POST, GET/PATCH/DELETE /:id
	r.GET("/api/donations/stats", app.donationStats, limit, authn)
	donations.Mount(r, "/api/donations", limit, authn)
	meetings.Mount(r, "/api/meetings", limit, authn)

	// The web front end (package web): pages, their assets, and the
	// optional Convex client bundle. A /dashboard page without a session
	// redirects to /sign-in?redirect=<the page>. The account pages are
	// public, at the paths the gateway's emails link to (?token=).
	r.GET("/", ui.Home)
	r.GET(web.SignInPath, ui.SignIn)
	r.GET(web.ForgotPasswordPath, ui.ForgotPassword)
	r.GET(web.ResetPasswordPath, ui.ResetPassword)
	r.GET(web.VerifyEmailPath, ui.VerifyEmail)
	r.GET(web.AcceptInvitationPath, ui.AcceptInvitation)
	for _, p := range []string{"tasks", "notifications", "beneficiaries", "donations", "meetings", "live", "sessions"} {
		r.GET("/dashboard/"+p, ui.App, maybe)
	}
	r.GET("/dashboard", ui.Home)
	r.GET("/assets/*", ui.Asset)
	r.GET("/vendor/*", ui.Vendor)
}

// me serves GET /api/users/me: the caller as users:me returns it.
func (app *App) me(c echo.Context) error {
	if err := routes.NewParams(c.QueryParams()).Err(); err != nil {
		return err
	}
	u, err := app.b.UsersMe.Call(routes.CallContext(c), routes.ConvexFrom(c), UsersMeArgs{})
	if err != nil {
		return err
	}
	return routes.JSON(c, http.StatusOK, u)
}

// markRead serves POST /api/notifications/:id/read → 204.
func (app *App) markRead(c echo.Context) error {
	id, err := routes.DocumentID(c)
	if err != nil {
		return err
	}
	args := NotificationsMarkReadArgs{ID: NotificationsID(id)}
	if _, err := app.b.NotificationsMarkRead.Call(routes.CallContext(c), routes.ConvexFrom(c), args); err != nil {
		return routes.CallError(err)
	}
	return c.NoContent(http.StatusNoContent)
}

// donationStats serves GET /api/donations/stats?from=&to= (epoch ms,
// receivedAt in [from, to)): {byMethod: {bank, card, cash}, count, total}.
func (app *App) donationStats(c echo.Context) error {
	q := routes.NewParams(c.QueryParams(), "from", "to")
	from, to := q.Number("from"), q.Number("to")
	if from != nil && to != nil && *to < *from {
		q.Add("to", "to must not be before from")
	}
	if err := q.Err(); err != nil {
		return err
	}
	args := DonationsStatsArgs{From: optional(from), To: optional(to)}
	stats, err := app.b.DonationsStats.Call(routes.CallContext(c), routes.ConvexFrom(c), args)
	if err != nil {
		return routes.CallError(err)
	}
	return routes.JSON(c, http.StatusOK, stats)
}
