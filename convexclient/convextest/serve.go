package convextest

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"

	"github.com/convexgw/convexgw/convexclient"
)

// maxBodyBytes is the backend's public API request body limit (16 MiB + 2000).
const maxBodyBytes = 16<<20 + 2000

// ServeHTTP serves the Convex HTTP API: POST /api/query, /api/mutation,
// /api/action, /api/function and /api/run/{module...}/{function}. HTTP-level
// checks (Convex-Client, Authorization syntax, Content-Type, body size and
// JSON) happen here, the rest in Do.
func (d *Deployment) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req := Request{RequestID: r.Header.Get("Convex-Request-Id")}
	if req.RequestID == "" {
		req.RequestID = newRequestID()
	}
	p := r.URL.Path
	var runPath string
	switch {
	case p == EndpointQuery, p == EndpointMutation, p == EndpointAction, p == EndpointFunction:
		req.Endpoint = p
	case strings.HasPrefix(p, EndpointRun+"/"):
		req.Endpoint = EndpointRun
		runPath = strings.TrimPrefix(r.URL.EscapedPath(), EndpointRun+"/")
	default:
		writeResponse(w, codeResponse(http.StatusNotFound, "NotFound", "No route for "+p))
		return
	}
	if r.Method != http.MethodPost {
		writeResponse(w, codeResponse(http.StatusMethodNotAllowed, "MethodNotAllowed", "Use POST for "+p))
		return
	}
	fail := func(status int, code, msg string) {
		d.record(RecordedCall{Kind: req.kind(), Auth: AuthNone, RequestID: req.RequestID, Status: status})
		writeResponse(w, codeResponse(status, code, msg))
	}
	if e := checkClientVersion(r.Header.Get("Convex-Client")); e != nil {
		fail(e.status(), e.Code, e.Message)
		return
	}
	req.Authorization = r.Header.Get("Authorization")
	if req.Authorization == "" {
		if k := r.URL.Query().Get("adminKey"); k != "" {
			req.Authorization = "Convex " + k
		}
	}
	if _, e := parseAuthHeader(req.Authorization); e != nil {
		fail(e.status(), e.Code, e.Message)
		return
	}
	if !jsonContentType(r.Header.Get("Content-Type")) {
		fail(http.StatusBadRequest, "BadJsonBody", "Expected request with `Content-Type: application/json`")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		fail(http.StatusBadRequest, "BadJsonBody", "Failed to read the request body: "+err.Error())
		return
	}
	if len(body) > maxBodyBytes {
		fail(http.StatusBadRequest, "BadJsonBody", "Request body is too large (limit: 16 MiB + 2000 bytes)")
		return
	}
	if err := parseBody(body, req.Endpoint == EndpointRun, &req); err != nil {
		fail(http.StatusBadRequest, "BadJsonBody", "Failed to deserialize the JSON body into the target type: "+err.Error())
		return
	}
	if req.Endpoint == EndpointRun {
		path, ok := convexclient.RunPath(runPath)
		if !ok {
			fail(http.StatusBadRequest, "MissingIdentifier", "Function path must have a module and a function name: "+p)
			return
		}
		req.Path = path
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

// parseBody reads {"path","args","format"?} (no "path" for /api/run) with
// case-sensitive field names, like serde.
func parseBody(body []byte, run bool, req *Request) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return err
	}
	if fields == nil {
		return errors.New("expected an object")
	}
	if !run {
		raw, ok := fields["path"]
		if !ok {
			return errors.New("missing field `path`")
		}
		if err := json.Unmarshal(raw, &req.Path); err != nil || string(raw) == "null" {
			return errors.New("invalid type for `path`, expected a string")
		}
	}
	args, ok := fields["args"]
	if !ok {
		return errors.New("missing field `args`")
	}
	req.Args = args
	if raw, ok := fields["format"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &req.Format); err != nil {
			return errors.New("invalid type for `format`, expected a string")
		}
		req.HasFormat = true
	}
	return nil
}

func writeResponse(w http.ResponseWriter, resp Response) {
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
