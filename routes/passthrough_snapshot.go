package routes

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/backend"
)

// queryTS serves /api/query_ts, the first half of the official client's
// consistentQuery: the backend's latest timestamp, {"ts":"<base64>"}. Like
// the backend it reads neither credentials nor a body; only the
// client-version check applies.
func (p *passthrough) queryTS(c echo.Context) error {
	if err := clientVersion(c, c.Request().Header.Get("Convex-Client")); err != nil {
		return err
	}
	ctx := convexclient.WithRequestID(c.Request().Context(), passthroughRequestID(c))
	out, err := p.a.d.Convex.QueryTSRaw(ctx)
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, out)
}

// queryAtTS serves /api/query_at_ts, a query read at a timestamp from
// /api/query_ts, through the same path, identity and exposure gates as
// /api/query. A timestamp that is not base64 of 8 bytes is refused here
// with the backend's 500, without calling it; one out of retention gets
// its 503 (convexclient.ErrOutOfRetention, answered as the backend sent it).
func (p *passthrough) queryAtTS(c echo.Context) error {
	req, err := p.begin(c, backend.EndpointQueryAtTS)
	if err != nil {
		return err
	}
	fp, perr := backend.ParsePath(req.body.Path)
	if perr != nil {
		return backend.BadPathError(req.body.Path, perr)
	}
	ctx, err := p.identity(c, req)
	if err != nil {
		return err
	}
	if _, err := convexclient.ParseTimestamp(req.body.TS); err != nil {
		return backend.ErrInternal()
	}
	if !p.a.d.Exposure.Allows(fp.String()) {
		return p.missing(c, req, backend.EndpointQueryAtTS, fp)
	}
	out, err := p.a.d.Convex.QueryAtRaw(ctx, fp.String(), req.body.Args, req.body.TS)
	if err != nil {
		return err
	}
	return p.result(c, out, backend.EndpointQueryAtTS, req.body.Format, req.body.HasFormat, req.client)
}
