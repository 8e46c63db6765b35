package convexclient

import (
	"reflect"
	"strconv"
)

// Convex's limits on values, checked by the backend when it reads function
// arguments (convex-backend crates/value/src/array.rs MAX_ARRAY_LEN,
// object.rs MAX_OBJECT_FIELDS, size.rs MAX_NESTING). Nesting counts arrays
// and objects: a scalar has nesting 0, [1] and {"a":1} have 1.
const (
	MaxArrayLen     = 8192
	MaxObjectFields = 1024
	MaxNesting      = 64
	// MaxArgsNesting is the deepest an args object may be: the backend
	// wraps args in an array before checking MaxNesting.
	MaxArgsNesting = MaxNesting - 1
)

// LimitError is a value beyond one of Convex's limits. It is the cause
// (errors.As) of a *ValueError, whose Path says where, so it matches
// ErrInvalidValue.
type LimitError struct {
	// Limit names the limit: "array length", "object fields" or "nesting".
	Limit  string
	Max    int // the limit
	Actual int // the value's length, field count or nesting (at least Max+1)
}

// Error describes the limit, e.g. "array has 8193 elements, more than
// Convex's limit of 8192".
func (e *LimitError) Error() string {
	switch e.Limit {
	case "array length":
		return "array has " + strconv.Itoa(e.Actual) + " elements, more than Convex's limit of " + strconv.Itoa(e.Max)
	case "object fields":
		return "object has " + strconv.Itoa(e.Actual) + " fields, more than Convex's limit of " + strconv.Itoa(e.Max)
	}
	return "value is nested " + strconv.Itoa(e.Actual) + " levels deep, more than Convex's limit of " + strconv.Itoa(e.Max) + " for function arguments"
}

func limitErr(limit string, max, actual int) error {
	le := &LimitError{Limit: limit, Max: max, Actual: actual}
	return &ValueError{Reason: le.Error(), err: le}
}

// limits is the encoder's limit-checking state; the zero value checks
// nothing (Marshal), MarshalArgs turns it on.
type limits struct {
	on      bool
	maxNest int
	nest    int   // arrays and objects open now
	recount []int // e.buf offsets of open struct objects whose fields must be counted at close (0 = no)
}

// open starts an array (array) or object with n members: the cycle guard
// of enter plus, when limits are on, Convex's length and nesting limits.
// A struct passes its declared field count; structs declaring more than
// MaxObjectFields fields are counted as written, at close.
func (e *encoder) open(n int, array bool) error {
	if err := e.enter(); err != nil {
		return err
	}
	l := &e.lim
	if !l.on {
		return nil
	}
	l.nest++
	switch {
	case l.nest > l.maxNest:
		return limitErr("nesting", l.maxNest, l.nest)
	case array && n > MaxArrayLen:
		return limitErr("array length", MaxArrayLen, n)
	case !array && n > MaxObjectFields && n != structRecount:
		return limitErr("object fields", MaxObjectFields, n)
	}
	if n == structRecount {
		l.recount = append(l.recount, len(e.buf))
	}
	return nil
}

// structRecount is what structValue passes to open for a struct with more
// declared fields than Convex allows (omitempty may drop enough of them).
const structRecount = -1

// structFields is the n open passes for a struct with n declared fields.
func structFields(n int) int {
	if n > MaxObjectFields {
		return structRecount
	}
	return n
}

// close ends what open started. For a recounted struct it counts the
// members written since its '{'.
func (e *encoder) close(recounted bool) error {
	e.depth--
	l := &e.lim
	if !l.on {
		return nil
	}
	l.nest--
	if !recounted {
		return nil
	}
	start := l.recount[len(l.recount)-1]
	l.recount = l.recount[:len(l.recount)-1]
	if n := countMembers(e.buf[start:]); n > MaxObjectFields {
		return limitErr("object fields", MaxObjectFields, n)
	}
	return nil
}

// countMembers counts the top-level members of the compact JSON object or
// array b, which the encoder produced (so it is valid and b[0] opens it).
func countMembers(b []byte) int {
	if len(b) < 2 || b[1] == '}' || b[1] == ']' {
		return 0
	}
	n, depth := 1, 0
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"':
			i = skipQuoted(b, i)
		case '{', '[':
			depth++
		case '}', ']':
			if depth--; depth == 0 {
				return n
			}
		case ',':
			if depth == 1 {
				n++
			}
		}
	}
	return n
}

// skipQuoted returns the index of the quote closing the string that opens
// at b[i].
func skipQuoted(b []byte, i int) int {
	for i++; i < len(b) && b[i] != '"'; i++ {
		if b[i] == '\\' {
			i++
		}
	}
	return i
}

// appendChecked appends the validated output of a json.Marshaler and, when
// limits are on, checks the JSON it contributed.
func (e *encoder) appendChecked(out []byte) error {
	start := len(e.buf)
	e.buf = out
	if !e.lim.on || start >= len(e.buf) || (e.buf[start] != '[' && e.buf[start] != '{') {
		return nil
	}
	return checkLimits(e.buf[start:], e.lim.nest, e.lim.maxNest)
}

// checkLimits checks compact, valid JSON (as the printer writes it) for
// Convex's limits, its outermost container at nesting base+1.
func checkLimits(b []byte, base, maxNest int) error {
	type frame struct {
		n     int // members so far
		array bool
	}
	stack := make([]frame, 0, 8)
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '"':
			i = skipQuoted(b, i)
		case '{', '[':
			f := frame{n: 1, array: c == '['}
			if i+1 < len(b) && (b[i+1] == '}' || b[i+1] == ']') {
				f.n = 0
			}
			stack = append(stack, f)
			if base+len(stack) > maxNest {
				return limitErr("nesting", maxNest, base+len(stack))
			}
		case ',':
			stack[len(stack)-1].n++
		case '}', ']':
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if f.array && f.n > MaxArrayLen {
				return limitErr("array length", MaxArrayLen, f.n)
			}
			if !f.array && f.n > MaxObjectFields {
				return limitErr("object fields", MaxObjectFields, f.n)
			}
		}
	}
	return nil
}

// MarshalArgs encodes function arguments: v encoded as by Marshal, which
// must be an object (nil, a nil map or a nil pointer give {}), checked
// against Convex's limits during encoding: arrays of at most MaxArrayLen
// elements, objects of at most MaxObjectFields fields, nesting at most
// MaxArgsNesting. Errors match ErrInvalidValue; a limit error is a
// *ValueError (Path says where) wrapping a *LimitError (which limit).
func MarshalArgs(v any) ([]byte, error) {
	if v == nil {
		return []byte("{}"), nil
	}
	e := encoderPool.Get().(*encoder)
	e.buf, e.depth = e.buf[:0], 0
	e.lim = limits{on: true, maxNest: MaxArgsNesting, recount: e.lim.recount[:0]}
	err := e.value(reflect.ValueOf(v))
	var out []byte
	switch {
	case err != nil:
	case string(e.buf) == "null":
		out = []byte("{}")
	case len(e.buf) == 0 || e.buf[0] != '{' || isSpecialObject(e.buf):
		err = valueErr("function arguments must encode to an object")
	default:
		out = append(make([]byte, 0, len(e.buf)), e.buf...)
	}
	e.lim = limits{recount: e.lim.recount[:0]}
	if cap(e.buf) <= 64<<10 {
		encoderPool.Put(e)
	}
	return out, err
}

// isSpecialObject reports whether b starts a Convex special object such as
// {"$integer":...} (object keys of plain objects never start with '$').
func isSpecialObject(b []byte) bool { return len(b) > 2 && b[1] == '"' && b[2] == '$' }
