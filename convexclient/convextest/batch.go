package convextest

import (
	"context"
	"net/http"

	"github.com/convexgw/convexgw/convexclient/backend"
)

// batch answers POST /api/query_batch as public_query_batch_post does
// (convex-backend crates/local_backend/src/public_api.rs): one timestamp
// for all queries, then authentication, then per query in order: its
// format, its path, its execution. A bad format or path in any query fails
// the whole batch with 400; otherwise the answer is
// {"results":[<function response>,...]}. The batch reads with writes held
// off, so its results agree. One call is recorded per query (or one for a
// batch refused before its queries).
func (d *Deployment) batch(ctx context.Context, req Request) Response {
	ts := d.latestTS()
	rec := RecordedCall{Endpoint: EndpointQueryBatch, RequestID: req.RequestID, Auth: AuthNone}
	fail := func(resp Response) Response {
		rec.Status = resp.Status
		d.record(rec)
		return resp
	}
	h, aerr := d.parseAuthHeader(req.Authorization)
	if aerr != nil {
		return fail(aerr.response())
	}
	rec.Auth = h.kind
	who, aerr := d.authenticate(h)
	if aerr != nil {
		return fail(aerr.response())
	}
	rec.Auth = who.kind
	if who.identity != nil {
		rec.Subject = who.identity.Subject
	}
	d.writeMu.Lock()
	defer d.writeMu.Unlock()
	recs := make([]RecordedCall, 0, len(req.Queries))
	body := append(make([]byte, 0, 256), `{"results":[`...)
	for i, q := range req.Queries {
		qr := Request{Endpoint: EndpointQueryBatch, Path: q.Path, Args: q.Args, Format: q.Format, HasFormat: q.HasFormat,
			ClientVersion: req.ClientVersion, RequestID: req.RequestID}
		if q.HasFormat {
			if _, ok := backend.ParseFormat(q.Format); !ok {
				return d.batchFailed(recs, rec, errResponse(backend.BadFormatError(q.Format)))
			}
		}
		fp, err := backend.ParsePath(q.Path)
		if err != nil {
			return d.batchFailed(recs, rec, errResponse(backend.BadPathError(q.Path, err)))
		}
		r := rec
		r.Kind, r.Path = qr.kind(), fp.String()
		if args, err := canonicalArgs(q.Args); err == nil {
			r.Args = args
		}
		if resp, done := d.applyFault(ctx, fp.String()); done {
			return d.batchFailed(recs, r, resp)
		}
		resp := d.execute(ctx, qr, fp, "", who, ts, true).finish(q.Format, q.HasFormat, defaultFormat(qr))
		r.Status = resp.Status
		recs = append(recs, r)
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, resp.Body...)
	}
	for _, r := range recs {
		d.record(r)
	}
	return Response{Status: http.StatusOK, Body: append(body, "]}"...)}
}

// batchFailed records the queries run so far and the failing one, and
// answers resp for the whole batch.
func (d *Deployment) batchFailed(done []RecordedCall, failing RecordedCall, resp Response) Response {
	for _, r := range done {
		d.record(r)
	}
	failing.Status = resp.Status
	d.record(failing)
	return resp
}
