package devbackend

import (
	"fmt"
	"strconv"
	"strings"
)

// IDStyle selects how a Backend makes document ids.
type IDStyle uint8

const (
	// ConvexIDs (the zero value) are Convex-like: 32 lowercase base32
	// characters encoding the table and a counter, deterministic per
	// Backend.
	ConvexIDs IDStyle = iota
	// ConvexTestIDs are the ids convex-test (the runtime the recordings come
	// from) makes: a zero-padded counter starting at 10000, shared by all
	// tables, followed by the table name, 32 characters in all. With the
	// seed inserted in the same order, a Backend then issues the same ids as
	// the recordings, so recorded requests replay against it unchanged.
	ConvexTestIDs
)

// String names the style.
func (s IDStyle) String() string {
	switch s {
	case ConvexIDs:
		return "convex"
	case ConvexTestIDs:
		return "convex-test"
	}
	return "IDStyle(" + strconv.Itoa(int(s)) + ")"
}

// convexTestFirstID is convex-test's first document counter.
const convexTestFirstID = 10000

// convexTestID is convex-test's _generateId for the n-th document
// (counting from one).
func convexTestID(table string, n uint64) string {
	pad := idLen - len(table)
	c := strconv.FormatUint(convexTestFirstID+n-1, 10)
	if len(c) < pad {
		c = strings.Repeat("0", pad-len(c)) + c
	}
	return c + table
}

// newID returns the id generator the options ask for, or nil for the
// store's default (ConvexIDs).
func (o Options) newID() (func(s *store, table string) string, error) {
	switch {
	case o.NewID != nil:
		return func(_ *store, table string) string { return o.NewID(table) }, nil
	case o.IDs == ConvexTestIDs:
		return func(s *store, table string) string { return convexTestID(table, s.counter) }, nil
	case o.IDs == ConvexIDs:
		return nil, nil
	}
	return nil, fmt.Errorf("devbackend: unknown %v", o.IDs)
}
