package convexclient

import "errors"

// ErrOutcomeUnknown: a mutation or action failed after its request was sent
// (the client's timeout, the caller's deadline or cancellation, or a
// connection broken before the answer), so it may or may not have taken
// effect. Never retry it blindly: retry only what is idempotent (see
// TemporaryIdempotent). Concrete type *OutcomeUnknownError; the error also
// matches what happened (ErrTimeout, context.Canceled, *NetworkError).
var ErrOutcomeUnknown = errors.New("convexclient: outcome unknown")

// OutcomeUnknownError is a mutation or action whose outcome is unknown. It
// matches ErrOutcomeUnknown and unwraps to the failure itself: ErrTimeout
// (plus context.DeadlineExceeded for the caller's deadline),
// context.Canceled, or a *NetworkError.
type OutcomeUnknownError struct {
	Kind Kind
	Path string
	Err  error
}

// Error is the failure's text, marked as of unknown outcome.
func (e *OutcomeUnknownError) Error() string {
	if e.Err == nil {
		return "convexclient: " + e.Kind.String() + " " + e.Path + ": outcome unknown"
	}
	return e.Err.Error() + " (outcome unknown: it may have taken effect)"
}

// Is reports whether target is ErrOutcomeUnknown.
func (e *OutcomeUnknownError) Is(target error) bool { return target == ErrOutcomeUnknown }

// Unwrap returns the failure.
func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// mayHaveEffect reports whether a call of kind k can change data: queries
// cannot, so their outcome is never unknown.
func mayHaveEffect(k Kind) bool { return k != KindQuery }
