package routes

import (
	"math"
	"net/url"
	"strconv"
	"strings"
)

// Params reads a request's query parameters for a handler and collects
// their problems: parameters other than limit, cursor and the declared ones
// are errors, a parameter given twice is an error, and each reader records
// a message for a bad value. Err returns them all as one 400. The error map
// is made only when needed: the common valid request allocates nothing.
type Params struct {
	v    url.Values
	errs *FieldErrors
}

// NewParams checks v against the declared parameter names (limit and
// cursor are always allowed).
func NewParams(v url.Values, declared ...string) Params {
	q := Params{v: v, errs: new(FieldErrors)}
	for name := range v {
		if name != "limit" && name != "cursor" && !contains(declared, name) {
			q.Add(echoKey(name), "unknown parameter")
		}
	}
	return q
}

// Add records a problem with parameter name.
func (q Params) Add(name, msg string) {
	if *q.errs == nil {
		*q.errs = FieldErrors{}
	}
	q.errs.Add(name, msg)
}

// Err returns a 400 invalid_request naming every problem, or nil.
func (q Params) Err() error {
	if len(*q.errs) == 0 {
		return nil
	}
	return Invalid(*q.errs)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// String returns the single value of name; absent (or empty) gives ok false.
func (q Params) String(name string) (string, bool) {
	vs := q.v[name]
	switch {
	case len(vs) == 0 || (len(vs) == 1 && vs[0] == ""):
		return "", false
	case len(vs) > 1:
		q.Add(name, "must be given once")
		return "", false
	}
	return vs[0], true
}

// Enum reads an optional parameter restricted to allowed.
func (q Params) Enum(name string, allowed ...string) *string {
	s, ok := q.String(name)
	if !ok {
		return nil
	}
	if !contains(allowed, s) {
		q.Add(name, "must be one of: "+strings.Join(allowed, ", "))
		return nil
	}
	return &s
}

// Bool reads an optional "true"/"false" parameter.
func (q Params) Bool(name string) *bool {
	s, ok := q.String(name)
	if !ok {
		return nil
	}
	switch s {
	case "true":
		t := true
		return &t
	case "false":
		f := false
		return &f
	}
	q.Add(name, "must be true or false")
	return nil
}

// Number reads an optional finite number.
func (q Params) Number(name string) *float64 {
	s, ok := q.String(name)
	if !ok {
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		q.Add(name, "must be a finite number")
		return nil
	}
	return &f
}

// Int reads an optional integer (for int64 / Convex bigint parameters).
func (q Params) Int(name string) *int64 {
	s, ok := q.String(name)
	if !ok {
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		q.Add(name, "must be an integer")
		return nil
	}
	return &n
}
