// Command messagesgateway is a Convex app's own gateway, built on
// github.com/convexgw/convexgw as a Go library: two typed bindings, two REST
// routes behind the gateway's session, CSRF and rate-limit middleware, and
// the gateway's command (every setting as an environment variable and a
// flag). Run it like cmd/gateway:
//
//	CONVEX_URL=... CONVEX_DEPLOY_KEY=... SESSION_SECRET=... CSRF_SECRET=... \
//	SIGNING_KEY_FILE=key.pem ACCOUNTS_FIND_BY_EMAIL=users:byEmail \
//	ACCOUNTS_RECORD_LOGIN=off ACCOUNTS_SET_PASSWORD_HASH=off go run .
package main

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/convexgw/convexgw/cmd/gatewaycmd"
	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/routes"
)

// Message is a messages document.
type Message struct {
	ID           string  `json:"_id"`
	CreationTime float64 `json:"_creationTime"`
	Author       string  `json:"author"`
	Body         string  `json:"body"`
}

// SendArgs are the args of messages:send, and the body of POST /api/messages.
type SendArgs struct {
	Body string `json:"body"`
}

// App is the messages app: its bindings (cmd/convexgen can generate them
// from `npx convex function-spec`) and its routes.
type App struct {
	reg  *convexclient.Registry
	list convexclient.Query[struct{}, []Message]
	send convexclient.Mutation[SendArgs, string]
}

// NewApp declares the bindings; messages:list may also be called through
// the Convex-compatible passthrough (Exposed).
func NewApp() *App {
	r := convexclient.NewRegistry()
	return &App{reg: r,
		list: convexclient.NewQuery[struct{}, []Message](r, "messages:list", convexclient.Exposed()),
		send: convexclient.NewMutation[SendArgs, string](r, "messages:send"),
	}
}

// Registry lists the app's bindings (gateway.App).
func (a *App) Registry() *convexclient.Registry { return a.reg }

// Routes registers the app's REST routes (gateway.App).
func (a *App) Routes(r *routes.Router) {
	limit, session := r.RateLimit(), r.RequireSession()
	r.GET("/api/messages", a.listMessages, limit, session)
	r.POST("/api/messages", a.sendMessage, limit, session) // CSRF + origin checked on POST
}

func (a *App) listMessages(c echo.Context) error {
	msgs, err := a.list.Call(routes.CallContext(c), routes.ConvexFrom(c), struct{}{})
	if err != nil {
		return err // the gateway's error handler: 401/403/404/422 from ConvexError, 503, 504...
	}
	return c.JSON(http.StatusOK, msgs)
}

func (a *App) sendMessage(c echo.Context) error {
	args, err := routes.Bind[SendArgs](c) // strict JSON: 400 naming each bad field
	if err != nil {
		return err
	}
	id, err := a.send.Call(routes.CallContext(c), routes.ConvexFrom(c), args)
	if err != nil {
		return routes.CallError(err)
	}
	return c.JSON(http.StatusCreated, map[string]string{"id": id})
}

func main() {
	gatewaycmd.Main(gatewaycmd.Options{Name: "messagesgateway", App: NewApp()})
}
