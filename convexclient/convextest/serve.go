package convextest

import (
	"encoding/json"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"
)

// maxBodyBytes is the backend's public API request body limit (16 MiB + 2000).
const maxBodyBytes = 16<<20 + 2000

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
	cs := checkClientVersion(req.ClientVersion)
	cs.setHeaders(w.Header())
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
	case cs.err != nil:
		fail(cs.err.response())
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
	if !jsonContentType(r.Header.Get("Content-Type")) {
		fail(codeResponse(http.StatusBadRequest, "BadJsonBody", "Expected request with `Content-Type: application/json`"))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil || len(body) > maxBodyBytes {
		fail(codeResponse(http.StatusBadRequest, "BadJsonBody", "Failed to buffer the request body: length limit exceeded"))
		return
	}
	if err := parseBody(body, &req); err != nil {
		fail(codeResponse(http.StatusBadRequest, "BadJsonBody", err.Error()))
		return
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

// jsonContentType accepts application/json and application/*+json.
func jsonContentType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

var (
	argsField   = bodyField{name: "args"}
	pathField   = bodyField{name: "path", isString: true}
	formatField = bodyField{name: "format", optional: true, isString: true}
)

// parseBody reads the endpoint's body struct into req.
func parseBody(body []byte, req *Request) *bodyError {
	var (
		target string
		fields []bodyField
	)
	switch req.Endpoint {
	case EndpointRun:
		target, fields = "UdfPostRequestArgsOnly", []bodyField{argsField, formatField}
	case EndpointFunction:
		target, fields = "UdfPostRequestWithComponent", []bodyField{{name: "componentPath", optional: true, isString: true}, pathField, argsField, formatField}
	case EndpointQueryAtTS:
		target, fields = "UdfPostWithTsRequest", []bodyField{pathField, argsField, {name: "ts", isString: true}, formatField}
	case EndpointQueryBatch:
		return parseBatchBody(body, req)
	default:
		target, fields = "UdfPostRequest", []bodyField{pathField, argsField, formatField}
	}
	got, err := decodeStruct(body, target, fields)
	if err != nil {
		return err
	}
	req.Path = got["path"].str()
	req.Args = got["args"].raw
	if f, ok := got["format"]; ok {
		req.Format, req.HasFormat = f.str(), true
	}
	if c, ok := got["componentPath"]; ok {
		req.ComponentPath, req.HasComponentPath = c.str(), true
	}
	req.TS = got["ts"].str()
	return nil
}

// parseBatchBody reads {"queries":[{path,args,format?},...]}.
func parseBatchBody(body []byte, req *Request) *bodyError {
	got, err := decodeStruct(body, "QueryBatchArgs", []bodyField{{name: "queries"}})
	if err != nil {
		return err
	}
	q := got["queries"]
	var items []json.RawMessage
	if q.raw[0] != '[' || json.Unmarshal(q.raw, &items) != nil {
		return &bodyError{msg: "invalid type: " + unexpectedRaw(q.raw) + ", expected a sequence at " + position(body, q.end)}
	}
	for _, item := range items {
		f, err := decodeStruct(item, "UdfPostRequest", []bodyField{pathField, argsField, formatField})
		if err != nil {
			err.syntax = false
			return err
		}
		bq := BatchQuery{Path: f["path"].str(), Args: f["args"].raw}
		if fv, ok := f["format"]; ok {
			bq.Format, bq.HasFormat = fv.str(), true
		}
		req.Queries = append(req.Queries, bq)
	}
	return nil
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
