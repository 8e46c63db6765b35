package convextest

import (
	"github.com/convexgw/convexgw/convexclient/backend"
	"io"
	"net"
	"net/http"
	"strings"
)

// ServeHTTP serves the Convex HTTP API: POST /api/query, /api/mutation,
// /api/action, /api/function, /api/run/{module...}/{function},
// /api/query_ts, /api/query_at_ts and /api/query_batch. The checks made
// here happen in the backend's order: the client-version middleware
// (Convex-Client; deprecation headers), the route and method, the
// Authorization header's syntax, the Content-Type, size and JSON of the
// body; the rest happens in Do.
func (d *Deployment) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req := Request{RequestID: r.Header.Get("Convex-Request-Id"), ClientVersion: r.Header.Get("Convex-Client")}
	if req.RequestID == "" {
		req.RequestID = newRequestID()
	}
	cs := backend.CheckClientVersion(req.ClientVersion)
	cs.SetHeaders(w.Header())
	p := r.URL.Path
	switch {
	case p == EndpointQuery, p == EndpointMutation, p == EndpointAction, p == EndpointFunction,
		p == EndpointQueryTS, p == EndpointQueryAtTS, p == EndpointQueryBatch:
		req.Endpoint = p
	case strings.HasPrefix(p, EndpointRun+"/") && len(p) > len(EndpointRun)+1: // the router's {*path} needs one byte
		req.Endpoint = EndpointRun
		req.RunPath = strings.TrimPrefix(r.URL.EscapedPath(), EndpointRun+"/")
	}
	fail := func(resp Response) {
		if req.Endpoint != "" && req.Endpoint != EndpointQueryTS {
			d.record(RecordedCall{Endpoint: req.Endpoint, Kind: req.kind(), Auth: AuthNone, RequestID: req.RequestID, Status: resp.Status})
		}
		writeResponse(w, resp)
	}
	switch {
	case cs.Err != nil:
		fail(errResponse(cs.Err))
		return
	case req.Endpoint == "":
		writeResponse(w, codeResponse(http.StatusNotFound, "NotFound", "No route for "+p))
		return
	case r.Method != http.MethodPost:
		writeResponse(w, codeResponse(http.StatusMethodNotAllowed, "MethodNotAllowed", "Use POST for "+p))
		return
	case req.Endpoint == EndpointQueryTS: // no credentials, no body
		writeResponse(w, d.Do(r.Context(), req))
		return
	}
	req.Authorization = r.Header.Get("Authorization")
	if req.Authorization == "" {
		if k := r.URL.Query().Get("adminKey"); k != "" {
			req.Authorization = "Convex " + k
		}
	}
	if _, e := d.parseAuthHeader(req.Authorization); e != nil {
		fail(e.response())
		return
	}
	if !backend.JSONContentType(r.Header.Get("Content-Type")) {
		fail(errResponse(backend.ErrBadContentType()))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, backend.MaxBodyBytes+1))
	if err != nil || len(body) > backend.MaxBodyBytes {
		fail(errResponse(backend.ErrBodyTooLarge()))
		return
	}
	b, berr := backend.DecodeBody(req.Endpoint, body)
	if berr != nil {
		fail(errResponse(berr))
		return
	}
	req.Path, req.Args, req.Format, req.HasFormat = b.Path, b.Args, b.Format, b.HasFormat
	req.ComponentPath, req.HasComponentPath, req.TS = b.ComponentPath, b.HasComponentPath, b.TS
	for _, q := range b.Queries {
		req.Queries = append(req.Queries, BatchQuery{Path: q.Path, Args: q.Args, Format: q.Format, HasFormat: q.HasFormat})
	}
	resp := d.Do(r.Context(), req)
	if resp.Reset {
		resetConnection(w)
		return
	}
	if resp.Status == 0 {
		// Hung until the request ended (client gone or server closing):
		// drop the connection rather than let net/http answer 200.
		panic(http.ErrAbortHandler)
	}
	writeResponse(w, resp)
}

func writeResponse(w http.ResponseWriter, resp Response) {
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(resp.Status)
	_, _ = w.Write(resp.Body)
}

// resetConnection drops the client connection abruptly (TCP RST when possible).
func resetConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
