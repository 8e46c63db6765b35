package convextest

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/convexgw/convexgw/convexclient"
)

// Call is one function invocation as a handler sees it. A Call may be built
// directly (as a literal) to unit-test a handler without HTTP.
type Call struct {
	Kind      convexclient.Kind
	Path      string // canonical "module:function", no ".js"
	Component string // component path, "" for the root app
	Args      []byte // the args object, Convex-encoded JSON
	Auth      AuthKind
	Identity  *convexclient.Identity // nil when the caller has no user identity
	RequestID string
	// Timestamp is the database timestamp the call reads at: the snapshot's
	// for /api/query_at_ts and /api/query_batch, the latest otherwise. A
	// handler keeping versioned state can answer as of it; others see the
	// current state (the deployment memoises snapshot reads per query, so
	// repeating one at the same timestamp answers the same).
	Timestamp convexclient.Timestamp

	mu   sync.Mutex
	logs []string
}

// Bind decodes the call's args into v with convexclient.UnmarshalPartial
// (fields absent from the args keep their values: requiring them is the
// handler's check). A decoding error is returned as a ValidationError, so a
// handler can return it as is to answer "ArgumentValidationError: ...".
func (c *Call) Bind(v any) error {
	if err := convexclient.UnmarshalPartial(c.Args, v); err != nil {
		return &validationError{msg: err.Error(), err: err}
	}
	return nil
}

// Logf adds a log line "[LOG] <formatted>" to the response's logLines. Safe
// for concurrent use.
func (c *Call) Logf(format string, args ...any) {
	c.mu.Lock()
	c.logs = append(c.logs, strings.ToValidUTF8("[LOG] "+fmt.Sprintf(format, args...), "\uFFFD"))
	c.mu.Unlock()
}

// LogLines returns the log lines added so far.
func (c *Call) LogLines() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.logs...)
}

// Error is a ConvexError thrown by a handler.
type Error struct{ Data any }

// Error implements error.
func (e *Error) Error() string { return "ConvexError" }

// ConvexError returns an error that the deployment answers as a thrown
// ConvexError carrying data (errorData in the response).
func ConvexError(data any) error { return &Error{Data: data} }

// validationError is an argument validation failure.
type validationError struct {
	msg string
	err error
}

func (e *validationError) Error() string { return "ArgumentValidationError: " + e.msg }
func (e *validationError) Unwrap() error { return e.err }

// ValidationError returns an error the deployment answers like a failed
// args validator: errorMessage "... ArgumentValidationError: <formatted>".
func ValidationError(format string, args ...any) error {
	return &validationError{msg: fmt.Sprintf(format, args...)}
}

// IsValidationError reports whether err is (or wraps) a ValidationError.
func IsValidationError(err error) bool {
	var ve *validationError
	return errors.As(err, &ve)
}

// innerMessage is the text after "Server Error\n" for a handler error, and
// the canonical errorData for a ConvexError (nil otherwise).
func innerMessage(err error) (msg string, data []byte) {
	var ce *Error
	if errors.As(err, &ce) {
		raw, merr := convexclient.Marshal(ce.Data)
		if merr == nil {
			data, merr = convexclient.AppendCanonical(nil, raw)
		}
		if merr != nil {
			return "Uncaught Error: ConvexError data is not a Convex value: " + merr.Error(), nil
		}
		if s, ok := ce.Data.(string); ok {
			return "Uncaught ConvexError: " + s, data
		}
		return "Uncaught ConvexError: " + jsStringify(raw), data
	}
	var ve *validationError
	if errors.As(err, &ve) {
		return ve.Error(), nil
	}
	return "Uncaught Error: " + err.Error(), nil
}
