package routes

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// The demo app's REST routes that are not plain CRUD, and the handlers of its
// resources for the route table. Every handler needs a signed-in caller and
// runs the Convex function as that caller; the function enforces roles and
// ownership, and its ConvexError codes become 401/403/404/422 in the error
// handler.

// DomainHandlers are the handlers of the demo app's REST routes, for the
// route table (see the route list in domainHandlers).
type DomainHandlers struct {
	Users, Tasks, Notifications, Beneficiaries, Donations, Meetings ResourceHandlers

	Me            echo.HandlerFunc // GET  /api/users/me
	MarkRead      echo.HandlerFunc // POST /api/notifications/:id/read
	DonationStats echo.HandlerFunc // GET  /api/donations/stats
}

// domainHandlers builds the handlers of the demo app's routes on bindings b,
// once, for the route table:
//
//	GET    /api/users/me                  Me
//	GET    /api/users                     Users.List (admin; Convex decides)
//	GET    /api/tasks                     Tasks.List    (?limit=&cursor=&status=)
//	POST   /api/tasks                     Tasks.Create
//	PATCH  /api/tasks/:id                 Tasks.Update
//	DELETE /api/tasks/:id                 Tasks.Remove
//	GET    /api/notifications             Notifications.List (?unreadOnly=)
//	POST   /api/notifications/:id/read    MarkRead
//	GET    /api/beneficiaries             Beneficiaries.List (?status=)
//	POST   /api/beneficiaries             Beneficiaries.Create
//	GET    /api/beneficiaries/:id         Beneficiaries.Get
//	PATCH  /api/beneficiaries/:id         Beneficiaries.Update
//	DELETE /api/beneficiaries/:id         Beneficiaries.Remove
//	GET    /api/donations/stats           DonationStats (?from=&to=), before /:id
//	...    /api/donations[/:id]           Donations.*   (as beneficiaries)
//	...    /api/meetings[/:id]            Meetings.*    (as beneficiaries)
func (a *API) domainHandlers(b *Bindings) DomainHandlers {
	return DomainHandlers{
		Users:         resourceHandlers(a, b.Users),
		Tasks:         resourceHandlers(a, b.Tasks),
		Notifications: resourceHandlers(a, b.Notifications),
		Beneficiaries: resourceHandlers(a, b.Beneficiaries),
		Donations:     resourceHandlers(a, b.Donations),
		Meetings:      resourceHandlers(a, b.Meetings),
		Me:            func(c echo.Context) error { return a.getMe(c, b) },
		MarkRead:      func(c echo.Context) error { return a.markNotificationRead(c, b) },
		DonationStats: func(c echo.Context) error { return a.donationStats(c, b) },
	}
}

// getMe serves GET /api/users/me: the caller as users:me returns it.
func (a *API) getMe(c echo.Context, b *Bindings) error {
	if a.principal(c) == nil {
		return errUnauthenticated()
	}
	if err := newQueryParams(c.QueryParams()).err(); err != nil {
		return err
	}
	u, err := b.UsersMe.Call(a.convexCtx(c), a.d.Convex, struct{}{})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

// markNotificationRead serves POST /api/notifications/:id/read → 204.
func (a *API) markNotificationRead(c echo.Context, b *Bindings) error {
	id, err := a.docID(c)
	if err != nil {
		return err
	}
	if _, err := b.MarkRead.Call(a.convexCtx(c), a.d.Convex, IDArgs{ID: id}); err != nil {
		return callError(err)
	}
	return c.NoContent(http.StatusNoContent)
}

// donationStats serves GET /api/donations/stats?from=&to= (epoch ms,
// receivedAt in [from, to)): {byMethod: {bank, card, cash}, count, total}.
func (a *API) donationStats(c echo.Context, b *Bindings) error {
	if a.principal(c) == nil {
		return errUnauthenticated()
	}
	q := newQueryParams(c.QueryParams(), "from", "to")
	args := StatsArgs{From: q.number("from"), To: q.number("to")}
	if args.From != nil && args.To != nil && *args.To < *args.From {
		q.add("to", "to must not be before from")
	}
	if err := q.err(); err != nil {
		return err
	}
	stats, err := b.DonationStats.Call(a.convexCtx(c), a.d.Convex, args)
	if err != nil {
		return callError(err)
	}
	return c.JSON(http.StatusOK, stats)
}
