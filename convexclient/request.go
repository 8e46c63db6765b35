package convexclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"go.uber.org/zap"
)

// maxErrorBody caps how much of a non-2xx body is read.
const maxErrorBody = 64 << 10

var jsonContentType = []string{"application/json"}

// attempt is the outcome of the last HTTP exchange of a call.
type attempt struct {
	status int
	body   []byte  // 2xx/560: the whole body (in buf); else the first maxErrorBody bytes
	buf    *[]byte // pooled buffer holding body, or nil
	err    error   // *NetworkError, a context error, or a body read/size error
	// sent: some attempt of the call may have reached the backend (any
	// attempt but a failed dial). Only then can a mutation have taken effect.
	sent bool
}

// attempts sends the request, retrying per the policy, and returns the last attempt.
func (e *engine) attempts(ctx context.Context, s *callSpec, payload []byte, auth []string, rid string, ev *CallEvent) attempt {
	sent := false
	for n := 1; ; n++ {
		ev.Attempts = n
		a := e.send(ctx, s, payload, auth, rid)
		ev.Status = a.status
		sent = sent || !dialFailed(a.err)
		a.sent = sent
		if ctx.Err() != nil || !e.retryable(s.kind, a) || s.permanent(a) || n >= e.cfg.Retry.MaxAttempts {
			return a
		}
		e.putBuf(a.buf)
		if err := e.sleep(ctx, e.backoff(n)); err != nil {
			return attempt{status: a.status, err: err, sent: sent}
		}
	}
}

// retryable: queries on network errors, 429 and 503; mutations and actions
// only when the connection was never established.
func (e *engine) retryable(kind Kind, a attempt) bool {
	if ne, ok := a.err.(*NetworkError); ok {
		return kind == KindQuery || ne.Op == "dial"
	}
	return a.err == nil && kind == KindQuery && (a.status == 429 || a.status == 503)
}

// dialFailed reports whether err (as set in attempt.err) is a connection
// that was never made: the request surely did not reach the backend.
func dialFailed(err error) bool {
	ne, ok := err.(*NetworkError)
	return ok && ne.Op == "dial"
}

// isNetworkError reports whether err (as set in attempt.err) is a *NetworkError.
func isNetworkError(err error) bool {
	_, ok := err.(*NetworkError)
	return ok
}

// backoff returns the full-jitter delay before retry n (1-based).
func (e *engine) backoff(n int) time.Duration {
	ceil := e.cfg.Retry.MaxDelay
	if shift := n - 1; shift < 30 {
		if d := e.cfg.Retry.BaseDelay << shift; d > 0 && d < ceil {
			ceil = d
		}
	}
	if ceil <= 0 {
		return 0
	}
	return time.Duration(e.jitter(int64(ceil)))
}

// overloadRetryAfter is the Retry-After hint after 429/503 (Convex sends none).
func (e *engine) overloadRetryAfter() time.Duration {
	if d := e.cfg.Retry.MaxDelay.Round(time.Second); d > time.Second {
		return d
	}
	return time.Second
}

// send makes one HTTP exchange.
func (e *engine) send(ctx context.Context, s *callSpec, payload []byte, auth []string, rid string) attempt {
	u := e.url(s)
	h := make(http.Header, 4)
	h["Content-Type"] = jsonContentType
	h["Convex-Client"] = e.clientHeader
	if auth != nil {
		h["Authorization"] = auth
	}
	if rid != "" {
		h["Convex-Request-Id"] = []string{rid}
	}
	// A *bytes.Reader (in an io.NopCloser) is a body net/http knows to be
	// in memory: headers and body then leave in one write. Any other
	// reader makes it flush the headers first: two syscalls, two packets.
	body := io.NopCloser(bytes.NewReader(payload))
	req := (&http.Request{
		Method:        http.MethodPost,
		URL:           u, // shared, never modified (RoundTrippers must not modify requests)
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          body,
		GetBody:       func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(payload)), nil },
		ContentLength: int64(len(payload)),
		Host:          u.Host,
	}).WithContext(ctx)
	var resp *http.Response
	var err error
	if e.rt != nil {
		resp, err = e.rt.RoundTrip(req)
	} else {
		resp, err = e.hc.Do(req)
	}
	if err != nil {
		return attempt{err: &NetworkError{Path: s.path, Op: netOp(err), Err: err}}
	}
	defer resp.Body.Close()
	a := attempt{status: resp.StatusCode}
	if a.status/100 != 2 && a.status != 560 {
		a.body, _ = io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return a
	}
	a.buf = e.getBuf()
	*a.buf, err = readLimited(*a.buf, resp.Body, e.cfg.MaxResponseBytes, resp.ContentLength)
	a.body = *a.buf
	switch {
	case errors.Is(err, errTooLarge):
		a.err = fmt.Errorf("%w (limit %d bytes)", err, e.cfg.MaxResponseBytes)
	case err != nil:
		a.err = &NetworkError{Path: s.path, Op: "read", Err: err}
	}
	return a
}

// netOp names the failed operation; "dial" means no connection was made.
func netOp(err error) string {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op != "" {
		return oe.Op
	}
	return "request"
}

func (e *engine) getBuf() *[]byte {
	if b, ok := e.bufs.Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, 0, 4096)
	return &b
}

// putBuf returns a buffer to the pool; huge ones are dropped.
func (e *engine) putBuf(b *[]byte) {
	if b != nil && cap(*b) <= 1<<20 {
		*b = (*b)[:0]
		e.bufs.Put(b)
	}
}

// requestBody builds {"path":..,"format":"convex_encoded_json","args":..}.
func (e *engine) requestBody(s *callSpec) ([]byte, error) {
	var args []byte
	switch {
	case s.rawMode:
		args = bytes.TrimSpace(s.raw)
		if len(args) == 0 || (args[0] != '{' && args[0] != '[') || !json.Valid(args) {
			return nil, fmt.Errorf("convexclient: %s: %w: args must be a JSON object or array", s.path, ErrInvalidRequest)
		}
	case s.args == nil:
		args = []byte("{}")
	default:
		var err error
		if args, err = MarshalArgs(s.args); err != nil {
			return nil, fmt.Errorf("convexclient: %s: %w: args: %w", s.path, ErrInvalidRequest, err)
		}
		if string(args) == "null" { // a nil pointer or map: no args
			args = []byte("{}")
		}
		if len(args) == 0 || args[0] != '{' {
			return nil, fmt.Errorf("convexclient: %s: %w: args must encode to an object", s.path, ErrInvalidRequest)
		}
	}
	const head, mid = `{"path":"`, `","format":"convex_encoded_json","args":`
	b := make([]byte, 0, len(head)+len(s.path)+len(mid)+len(args)+1)
	b = append(b, head...)
	b = append(b, s.path...) // ValidPath: nothing to escape
	b = append(b, mid...)
	b = append(b, args...)
	return append(b, '}'), nil
}

// redactor removes the deploy key and the user token from backend-provided
// text before it lands in an error or a log.
type redactor struct{ key, token string }

func (e *engine) redactor(cred Credential) redactor {
	r := redactor{key: e.cfg.DeployKey}
	if cred.kind == credUser {
		r.token = cred.secret
	}
	return r
}

func (r redactor) redact(s string) string {
	if r.key != "" {
		s = strings.ReplaceAll(s, r.key, "[redacted]")
	}
	if r.token != "" {
		s = strings.ReplaceAll(s, r.token, "[redacted]")
	}
	return s
}

// logLines writes the function's console output at debug level.
func (e *engine) logLines(s *callSpec, r *response, rd redactor) {
	lines, err := r.lines()
	if err != nil {
		return
	}
	for _, l := range lines {
		e.log.Debug("convex function log",
			zap.String("function", s.path), zap.String("kind", s.kind.String()), zap.String("line", rd.redact(l)))
	}
}
