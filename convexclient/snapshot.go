package convexclient

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// ErrOutOfRetention: a snapshot's timestamp is older than the backend keeps
// (about 10 s on a self-hosted backend: MAX_TRANSACTION_WINDOW). Take a new
// Snapshot and read again. The backend answers 503 with the generic
// {"code":"InternalServerError"} body; the error also unwraps to that
// *HTTPError. It is neither retried nor counted as an outage.
var ErrOutOfRetention = errors.New("convexclient: snapshot timestamp is out of retention")

// Timestamp is a Convex database timestamp as /api/query_ts returns it.
// The zero value is the beginning of time (always out of retention).
type Timestamp uint64

// String returns the wire form: standard base64 of the 8 little-endian bytes.
func (t Timestamp) String() string {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(t))
	return base64.StdEncoding.EncodeToString(b[:])
}

// ParseTimestamp parses the wire form made by String (the backend's
// SerializedTs: base64 of exactly 8 bytes).
func ParseTimestamp(s string) (Timestamp, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != 8 {
		return 0, fmt.Errorf("convexclient: %w: timestamp %q is not base64 of 8 bytes", ErrInvalidRequest, s)
	}
	return Timestamp(binary.LittleEndian.Uint64(b)), nil
}

// Snapshot is a point in the deployment's history: queries run through it
// (Query, Query.CallAt) all read the database as of its timestamp, so they
// agree with each other even across several requests, unlike independent
// calls. The backend keeps recent history only: a query made after the
// timestamp fell out of retention fails with ErrOutOfRetention.
//
// A Snapshot is immutable and safe for concurrent use.
type Snapshot struct {
	c  *Client
	ts Timestamp
}

// Snapshot asks the backend for its latest timestamp (POST /api/query_ts,
// sent without credentials, as the endpoint takes none). Errors are those of
// a query call.
func (c *Client) Snapshot(ctx context.Context) (*Snapshot, error) {
	var ts Timestamp
	s := &callSpec{kind: KindQuery, path: "query_ts", api: &apiCall{
		endpoint: "/api/query_ts",
		noPath:   true,
		body:     func() ([]byte, error) { return []byte("{}"), nil },
		decode: func(e *engine, s *callSpec, a attempt, ev *CallEvent, rd redactor) ([]byte, error) {
			var err error
			if ts, err = parseQueryTS(a.body); err != nil {
				ev.Outcome = OutcomeBadResponse
				return nil, fmt.Errorf("convexclient: query_ts: %w: %w", ErrBadResponse, err)
			}
			ev.Outcome = OutcomeSuccess
			return nil, nil
		},
	}}
	if _, err := c.do(WithCredential(ctx, Anonymous()), s); err != nil {
		return nil, err
	}
	return &Snapshot{c: c, ts: ts}, nil
}

// SnapshotAt returns a snapshot at a timestamp obtained earlier, without I/O.
func (c *Client) SnapshotAt(ts Timestamp) *Snapshot { return &Snapshot{c: c, ts: ts} }

// Timestamp returns the snapshot's timestamp.
func (s *Snapshot) Timestamp() Timestamp { return s.ts }

// Query runs the query at path with args at the snapshot's timestamp (POST
// /api/query_at_ts) and decodes its result into out; see Client.Call. An
// out-of-retention timestamp fails with ErrOutOfRetention.
func (s *Snapshot) Query(ctx context.Context, path string, args, out any) error {
	_, err := s.c.do(ctx, s.spec(path, args, out, nil, false, false))
	return outOfRetention(path, s.ts.String(), err)
}

// CallAt runs the query with args at the snapshot's timestamp; see
// Snapshot.Query. An Internal binding runs with Admin() unless ctx carries
// a credential.
func (q Query[A, R]) CallAt(ctx context.Context, snap *Snapshot, args A) (R, error) {
	var out R
	if _, err := snap.c.do(ctx, snap.spec(q.info.Path, args, &out, nil, false, q.info.Visibility == Internal)); err != nil {
		var zero R
		return zero, outOfRetention(q.info.Path, snap.ts.String(), err)
	}
	return out, nil
}

// spec builds the query_at_ts call.
func (s *Snapshot) spec(path string, args, out any, raw []byte, isRaw, internal bool) *callSpec {
	return atSpec(path, args, out, raw, isRaw, internal, s.ts.String())
}

// atSpec is a query_at_ts call at ts (wire form).
func atSpec(path string, args, out any, raw []byte, isRaw, internal bool, ts string) *callSpec {
	return &callSpec{kind: KindQuery, path: path, out: out, rawMode: isRaw, internal: internal, api: &apiCall{
		endpoint: "/api/query_at_ts",
		body: func() ([]byte, error) {
			a, err := argsJSON(path, args, raw, isRaw)
			if err != nil {
				return nil, err
			}
			b := make([]byte, 0, 64+len(path)+len(ts)+len(a))
			b = append(b, `{"path":`...)
			b = appendJSONString(b, path)
			b = append(b, `,"ts":`...)
			b = appendJSONString(b, ts)
			b = append(b, `,"format":"`+encodedFormat+`","args":`...)
			b = append(b, a...)
			return append(b, '}'), nil
		},
		permanent: isOutOfRetention,
	}}
}

// isOutOfRetention recognises the backend's answer to a query_at_ts whose
// timestamp is out of retention: 503 with the generic InternalServerError
// body (ErrorMetadata::out_of_retention in convex-backend
// crates/errors/src/lib.rs; other 503s carry their own codes).
func isOutOfRetention(status int, body []byte) bool {
	if status != http.StatusServiceUnavailable {
		return false
	}
	var b struct{ Code string }
	return json.Unmarshal(body, &b) == nil && b.Code == "InternalServerError"
}

// badTimestampAnswer recognises the backend's answers to a query_at_ts
// timestamp it refuses: out of retention (503), or malformed or newer than
// its latest (500; errors without metadata, both with the generic
// InternalServerError body).
func badTimestampAnswer(status int, body []byte) bool {
	if status != http.StatusInternalServerError && status != http.StatusServiceUnavailable {
		return false
	}
	var b struct{ Code string }
	return json.Unmarshal(body, &b) == nil && b.Code == "InternalServerError"
}

// outOfRetention turns the *HTTPError of an out-of-retention answer into an
// error matching ErrOutOfRetention; other errors pass unchanged.
func outOfRetention(path, ts string, err error) error {
	var he *HTTPError
	if errors.As(err, &he) && he.Status == http.StatusServiceUnavailable && he.Code == "InternalServerError" {
		return fmt.Errorf("convexclient: %s at %s: %w: %w", path, ts, ErrOutOfRetention, he)
	}
	return err
}

// parseQueryTS reads {"ts":"<base64 u64 LE>"}.
func parseQueryTS(body []byte) (Timestamp, error) {
	var r struct {
		TS *string `json:"ts"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return 0, err
	}
	if r.TS == nil {
		return 0, errors.New(`query_ts response has no "ts"`)
	}
	return ParseTimestamp(*r.TS)
}

// QueryTSRaw calls POST /api/query_ts (without credentials) and returns the
// backend's body verbatim ({"ts":"..."}), for the gateway's passthrough.
// Errors are those of a query call; a body without a valid ts is
// ErrBadResponse.
func (c *Client) QueryTSRaw(ctx context.Context) ([]byte, error) {
	s := &callSpec{kind: KindQuery, path: "query_ts", api: &apiCall{
		endpoint: "/api/query_ts",
		noPath:   true,
		body:     func() ([]byte, error) { return []byte("{}"), nil },
		decode: func(e *engine, s *callSpec, a attempt, ev *CallEvent, rd redactor) ([]byte, error) {
			if _, err := parseQueryTS(a.body); err != nil {
				ev.Outcome = OutcomeBadResponse
				return nil, fmt.Errorf("convexclient: query_ts: %w: %w", ErrBadResponse, err)
			}
			ev.Outcome = OutcomeSuccess
			return bytes.Clone(a.body), nil
		},
	}}
	return c.do(WithCredential(ctx, Anonymous()), s)
}

// QueryAtRaw runs the query at path with raw Convex-encoded args (as
// CallRaw) at the timestamp ts, given in its wire form and sent as is (the
// backend judges it: a malformed one is its 500, an expired one its 503),
// and returns the backend's HTTP-200 body verbatim, for the gateway's
// passthrough. An out-of-retention answer fails with ErrOutOfRetention
// (unwrapping to the *HTTPError holding the backend's code and message).
//
// The ts comes from the passthrough's caller, so the backend's answers to
// a bad one (500 for a malformed or future timestamp, 503 out of
// retention) are the caller's fault: they are neither retried nor counted
// toward the query breaker, so callers sending junk timestamps cannot open
// it for everyone.
func (c *Client) QueryAtRaw(ctx context.Context, path string, args json.RawMessage, ts string) ([]byte, error) {
	s := atSpec(path, nil, nil, args, true, false, ts)
	s.api.permanent = badTimestampAnswer
	body, err := c.do(ctx, s)
	if err != nil {
		return nil, outOfRetention(path, ts, err)
	}
	return body, nil
}
