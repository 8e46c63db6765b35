package routes

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/backend"
)

// queryBatch serves /api/query_batch: several queries read at one
// timestamp. As the backend does, the caller is authenticated first, then
// each entry is checked in order, a bad format or path failing the whole
// batch with 400; an entry the Exposure does not allow answers, inside the
// results, as Convex answers a missing function. The allowed entries go to
// the backend in one BatchRaw call, and each result is converted to its
// entry's format.
func (p *passthrough) queryBatch(c echo.Context) error {
	req, err := p.begin(c, backend.EndpointQueryBatch)
	if err != nil {
		return err
	}
	ctx, err := p.identity(c, req)
	if err != nil {
		return err
	}
	qs := req.body.Queries
	formats := make([]backend.Format, len(qs))
	paths := make([]backend.Path, len(qs))
	exposed := make([]bool, len(qs))
	allowed := make([]convexclient.RawQuery, 0, len(qs))
	for i, q := range qs {
		f, bad := format(backend.EndpointQueryBatch, q.Format, q.HasFormat, req.client)
		if bad != nil {
			return bad
		}
		fp, perr := backend.ParsePath(q.Path)
		if perr != nil {
			return backend.BadPathError(q.Path, perr)
		}
		formats[i], paths[i], exposed[i] = f, fp, p.a.d.Exposure.Allows(fp.String())
		if exposed[i] {
			allowed = append(allowed, convexclient.RawQuery{Path: fp.String(), Args: q.Args})
		}
	}
	var results [][]byte
	if len(allowed) > 0 {
		raw, err := p.a.d.Convex.BatchRaw(ctx, allowed)
		if err != nil {
			return err
		}
		results = make([][]byte, len(raw))
		for i, r := range raw {
			results[i] = r
		}
	}
	out := append(make([]byte, 0, 64+32*len(qs)), `{"results":[`...)
	next := 0
	for i := range qs {
		if i > 0 {
			out = append(out, ',')
		}
		if !exposed[i] {
			out = appendMissingFunction(out, req.rid, paths[i], false)
			continue
		}
		r := results[next]
		next++
		if formats[i] == backend.FormatEncoded {
			out = append(out, r...)
			continue
		}
		if out, err = convertResult(out, r, formats[i]); err != nil {
			return badGateway()
		}
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, append(out, "]}"...))
}
