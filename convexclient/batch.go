package convexclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"go.uber.org/zap/zapcore"
)

// Batch runs several queries in one request (POST /api/query_batch), all
// at the same database timestamp, so their results agree with each other.
// Add queries with Add (typed bindings) or Query, then call Run once; each
// entry's result is then available from its handle.
//
// A Batch is not safe for concurrent use; its handles may be read from any
// goroutine after Run returns. The zero value is unusable: use
// Client.NewBatch.
type Batch struct {
	c        *Client
	entries  []*batchEntry
	internal bool // some entry is an Internal binding
	ran      bool
}

// batchEntry is one query of a batch and, after Run, its outcome.
type batchEntry struct {
	path string
	args any
	out  any   // decode target, nil to discard
	err  error // after Run: nil, *FunctionError, or the batch's error
	ran  bool
}

// errNotRun is the error of a handle read before its batch ran.
var errNotRun = fmt.Errorf("convexclient: %w: the batch has not run yet", ErrInvalidRequest)

// NewBatch returns an empty batch of queries for c.
func (c *Client) NewBatch() *Batch { return &Batch{c: c} }

// Pending is the outcome of one untyped query of a batch (Batch.Query).
type Pending struct{ e *batchEntry }

// Err returns the query's error once the batch ran: nil (its value was
// decoded into the out given to Batch.Query), a *FunctionError when the
// query threw, an error matching ErrBadResponse when its value did not
// decode, or the batch's own error when the batch failed as a whole. Before
// Run it returns an error matching ErrInvalidRequest.
func (p *Pending) Err() error {
	if !p.e.ran {
		return errNotRun
	}
	return p.e.err
}

// Result is the typed outcome of one query of a batch (Add).
type Result[R any] struct {
	e batchEntry
	v R
}

// Get returns the query's decoded value, or its error as Pending.Err
// describes (with the zero R).
func (r *Result[R]) Get() (R, error) {
	if !r.e.ran {
		var zero R
		return zero, errNotRun
	}
	if r.e.err != nil {
		var zero R
		return zero, r.e.err
	}
	return r.v, nil
}

// Add adds the query q with args to batch b and returns the handle of its
// result, valid after b.Run. A query declared Internal makes the batch run
// with Admin() when the context of Run carries no credential (one request
// has one Authorization header). Adding to a batch that already ran fails
// at Get with ErrInvalidRequest.
func Add[A, R any](b *Batch, q Query[A, R], args A) *Result[R] {
	r := &Result[R]{e: batchEntry{path: q.info.Path, args: args}}
	r.e.out = &r.v
	if q.info.Visibility == Internal {
		b.internal = true
	}
	b.add(&r.e)
	return r
}

// Query adds the query at path with args (encoded with MarshalArgs; nil
// means {}) to the batch; after Run its value is decoded into out with
// Unmarshal (out may be nil to discard it).
func (b *Batch) Query(path string, args, out any) *Pending {
	e := &batchEntry{path: path, args: args, out: out}
	b.add(e)
	return &Pending{e: e}
}

func (b *Batch) add(e *batchEntry) {
	if b.ran {
		e.ran, e.err = true, fmt.Errorf("convexclient: %s: %w: added to a batch that already ran", e.path, ErrInvalidRequest)
		return
	}
	b.entries = append(b.entries, e)
}

// Len returns the number of queries added.
func (b *Batch) Len() int { return len(b.entries) }

// Run sends the batch once and fills every handle. It returns nil when the
// backend answered the batch, even if some queries threw (their handles
// hold a *FunctionError); otherwise the batch's error, which every handle
// then holds too: an *HTTPError for a whole-batch refusal (a malformed path
// or format in any entry, authentication), ErrInvalidRequest for an entry
// refused before any I/O (its index is named), or any error of a single
// query call (ErrTimeout, ErrUnavailable, *NetworkError, ...). The batch is
// retried like a query. An empty batch runs without I/O. Run may be called
// once.
func (b *Batch) Run(ctx context.Context) error {
	if b.ran {
		return fmt.Errorf("convexclient: query_batch: %w: the batch already ran", ErrInvalidRequest)
	}
	b.ran = true
	if len(b.entries) == 0 {
		return nil
	}
	s := &callSpec{kind: KindQuery, path: "query_batch", internal: b.internal, api: &apiCall{
		endpoint: "/api/query_batch",
		noPath:   true,
		body:     func() ([]byte, error) { return b.body() },
		decode: func(e *engine, s *callSpec, a attempt, ev *CallEvent, rd redactor) ([]byte, error) {
			return nil, b.decode(e, a, ev, rd)
		},
	}}
	_, err := b.c.do(ctx, s)
	if err != nil {
		for _, e := range b.entries {
			if !e.ran {
				e.ran, e.err = true, err
			}
		}
	}
	return err
}

// body builds {"queries":[{"path","format","args"},...]}.
func (b *Batch) body() ([]byte, error) {
	buf := append(make([]byte, 0, 64*len(b.entries)), `{"queries":[`...)
	for i, e := range b.entries {
		if !ValidPath(e.path) {
			return nil, fmt.Errorf("convexclient: query_batch: entry %d: %w: invalid function path %q", i, ErrInvalidRequest, e.path)
		}
		args, err := argsJSON(e.path, e.args, nil, false)
		if err != nil {
			return nil, fmt.Errorf("convexclient: query_batch: entry %d: %w", i, err)
		}
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendQuery(buf, e.path, args)
	}
	return append(buf, "]}"...), nil
}

// appendQuery appends one batch entry {"path","format","args"}.
func appendQuery(buf []byte, path string, args []byte) []byte {
	buf = append(buf, `{"path":`...)
	buf = appendJSONString(buf, path)
	buf = append(buf, `,"format":"`+encodedFormat+`","args":`...)
	buf = append(buf, args...)
	return append(buf, '}')
}

// decode fills the entries from {"results":[...]}.
func (b *Batch) decode(e *engine, a attempt, ev *CallEvent, rd redactor) error {
	results, err := parseBatchResponse(a.body, len(b.entries))
	if err != nil {
		ev.Outcome = OutcomeBadResponse
		return fmt.Errorf("convexclient: query_batch: %w: %w", ErrBadResponse, err)
	}
	ev.Outcome = OutcomeSuccess
	debug := e.log.Core().Enabled(zapcore.DebugLevel)
	for i, entry := range b.entries {
		entry.ran = true
		r := results[i]
		if r.logLines != nil && debug {
			e.logLines(&callSpec{kind: KindQuery, path: entry.path}, &r, rd)
		}
		if !r.success {
			fe, err := r.functionError(entry.path, rd)
			if err != nil {
				entry.err = fmt.Errorf("convexclient: %s: %w: %w", entry.path, ErrBadResponse, err)
			} else {
				entry.err = fe
			}
			ev.Outcome = OutcomeFunctionError
			continue
		}
		if entry.out != nil {
			if err := Unmarshal(r.value, entry.out); err != nil {
				entry.err = fmt.Errorf("convexclient: %s: result does not decode: %w: %w", entry.path, ErrBadResponse, err)
			}
		}
	}
	return nil
}

// parseBatchResponse splits {"results":[<function response>,...]} into
// its n responses (sub-slices of body). Other top-level keys are ignored.
func parseBatchResponse(body []byte, n int) ([]response, error) {
	raw, err := batchResults(body)
	if err != nil {
		return nil, err
	}
	if len(raw) != n {
		return nil, errors.New("batch response has " + strconv.Itoa(len(raw)) + " results for " + strconv.Itoa(n) + " queries")
	}
	out := make([]response, n)
	for i, r := range raw {
		if out[i], err = parseResponse(r); err != nil {
			return nil, fmt.Errorf("result %d: %w", i, err)
		}
	}
	return out, nil
}

// batchResults returns the elements of the "results" array of body, each
// a sub-slice of body, structurally checked (see skipValue).
func batchResults(body []byte) ([][]byte, error) {
	i := skipSpace(body, 0)
	if i >= len(body) || body[i] != '{' {
		return nil, errors.New("batch response is not an object")
	}
	var results [][]byte
	found := false
	i = skipSpace(body, i+1)
	for first := true; ; first = false {
		if first && i < len(body) && body[i] == '}' {
			break
		}
		if i >= len(body) || body[i] != '"' {
			return nil, errMalformed
		}
		end, err := skipString(body, i)
		if err != nil {
			return nil, err
		}
		key := body[i+1 : end-1]
		if bytes.IndexByte(key, '\\') >= 0 { // an escaped key: compare its text
			var k string
			if json.Unmarshal(body[i:end], &k) != nil {
				return nil, errMalformed
			}
			key = []byte(k)
		}
		i = skipSpace(body, end)
		if i >= len(body) || body[i] != ':' {
			return nil, errMalformed
		}
		i = skipSpace(body, i+1)
		if string(key) == "results" {
			if found {
				return nil, errors.New(`batch response has two "results"`)
			}
			found = true
			if results, i, err = arrayElements(body, i); err != nil {
				return nil, err
			}
		} else if i, err = skipValue(body, i); err != nil {
			return nil, err
		}
		i = skipSpace(body, i)
		if i < len(body) && body[i] == ',' {
			i = skipSpace(body, i+1)
			continue
		}
		if i < len(body) && body[i] == '}' {
			break
		}
		return nil, errMalformed
	}
	if skipSpace(body, i+1) != len(body) {
		return nil, errMalformed
	}
	if !found {
		return nil, errors.New(`batch response has no "results"`)
	}
	return results, nil
}

// arrayElements returns the elements of the array at body[i] and the index
// after it.
func arrayElements(body []byte, i int) ([][]byte, int, error) {
	if i >= len(body) || body[i] != '[' {
		return nil, 0, errors.New(`batch "results" is not an array`)
	}
	var out [][]byte
	i = skipSpace(body, i+1)
	if i < len(body) && body[i] == ']' {
		return out, i + 1, nil
	}
	for {
		end, err := skipValue(body, i)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, body[i:end])
		i = skipSpace(body, end)
		if i < len(body) && body[i] == ',' {
			i = skipSpace(body, i+1)
			continue
		}
		if i < len(body) && body[i] == ']' {
			return out, i + 1, nil
		}
		return nil, 0, errMalformed
	}
}

// RawQuery is one query of BatchRaw: a function path and its args as
// Convex-encoded JSON (an object, or a legacy positional array).
type RawQuery struct {
	Path string
	Args json.RawMessage
}

// BatchRaw runs queries in one POST /api/query_batch, each asking for
// convex_encoded_json, and returns the backend's results verbatim, one
// function response ({"status":"success"|"error",...}) per query, in
// order, for the gateway's passthrough: the backend's body is
// {"results":[r0,r1,...]} with exactly these bytes. A query that threw is
// not an error here. A malformed path or args fails with ErrInvalidRequest
// before any I/O; other errors are as for Batch.Run. The credential comes
// from ctx or Config.Credential.
func (c *Client) BatchRaw(ctx context.Context, queries []RawQuery) ([]json.RawMessage, error) {
	if len(queries) == 0 {
		return []json.RawMessage{}, nil
	}
	var out []json.RawMessage
	s := &callSpec{kind: KindQuery, path: "query_batch", api: &apiCall{
		endpoint: "/api/query_batch",
		noPath:   true,
		body: func() ([]byte, error) {
			buf := append(make([]byte, 0, 64*len(queries)), `{"queries":[`...)
			for i, q := range queries {
				if !ValidPath(q.Path) {
					return nil, fmt.Errorf("convexclient: query_batch: entry %d: %w: invalid function path %q", i, ErrInvalidRequest, q.Path)
				}
				args, err := argsJSON(q.Path, nil, q.Args, true)
				if err != nil {
					return nil, fmt.Errorf("convexclient: query_batch: entry %d: %w", i, err)
				}
				if i > 0 {
					buf = append(buf, ',')
				}
				buf = appendQuery(buf, q.Path, args)
			}
			return append(buf, "]}"...), nil
		},
		decode: func(e *engine, s *callSpec, a attempt, ev *CallEvent, rd redactor) ([]byte, error) {
			body := bytes.Clone(a.body)
			rs, err := batchResults(body)
			if err == nil && len(rs) != len(queries) {
				err = fmt.Errorf("batch response has %d results for %d queries", len(rs), len(queries))
			}
			for i := 0; err == nil && i < len(rs); i++ {
				if _, perr := parseResponse(rs[i]); perr != nil {
					err = fmt.Errorf("result %d: %w", i, perr)
				}
			}
			if err != nil {
				ev.Outcome = OutcomeBadResponse
				return nil, fmt.Errorf("convexclient: query_batch: %w: %w", ErrBadResponse, err)
			}
			ev.Outcome = OutcomeSuccess
			out = make([]json.RawMessage, len(rs))
			for i, r := range rs {
				out[i] = r
			}
			return nil, nil
		},
	}}
	if _, err := c.do(ctx, s); err != nil {
		return nil, err
	}
	return out, nil
}
