package routes

import (
	"context"
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/convexgw/convexgw/convexclient"
)

// lister fetches one page of a list for a request's query string: it checks
// the filter parameters (unknown parameters included), calls Convex and
// returns the items and the cursor of the next page (nil on the last page).
type lister[D any] func(ctx context.Context, cl *convexclient.Client, q url.Values, p pageQuery) ([]D, *string, error)

// pagedList lists through a Convex paginated query. statuses, when given,
// enable a ?status= filter with those values.
func pagedList[D any](fn convexclient.Query[ListArgs, Page[D]], statuses ...string) lister[D] {
	var params []string
	if len(statuses) > 0 {
		params = []string{"status"}
	}
	return func(ctx context.Context, cl *convexclient.Client, q url.Values, p pageQuery) ([]D, *string, error) {
		qp := newQueryParams(q, params...)
		args := ListArgs{PaginationOpts: PaginationOpts{NumItems: p.Limit, Cursor: p.Cursor}}
		if len(statuses) > 0 {
			args.Status = qp.enum("status", statuses...)
		}
		if err := qp.err(); err != nil {
			return nil, nil, err
		}
		page, err := fn.Call(ctx, cl, args)
		if err != nil {
			return nil, nil, err
		}
		if page.IsDone {
			return page.Page, nil, nil
		}
		return page.Page, &page.ContinueCursor, nil
	}
}

// document is a Convex document in a list ordered newest first.
type document interface {
	docKey() (creationTime float64, id string)
}

func (t Task) docKey() (float64, string)         { return t.CreationTime, t.ID }
func (n Notification) docKey() (float64, string) { return n.CreationTime, n.ID }

// collectedList lists through a Convex query that returns the whole list,
// newest first (tasks:list, notifications:list); the gateway pages it. Its
// cursor names the last item served ("<_creationTime>~<_id>", URL-safe), so items
// created or deleted between pages neither repeat nor go missing. args
// builds the function's args from the filter parameters params.
func collectedList[A any, D document](fn convexclient.Query[A, []D], args func(queryParams) A, params ...string) lister[D] {
	return func(ctx context.Context, cl *convexclient.Client, q url.Values, p pageQuery) ([]D, *string, error) {
		qp := newQueryParams(q, params...)
		a := args(qp)
		var after float64
		var afterID string
		if p.Cursor != nil {
			var ok bool
			if after, afterID, ok = parseDocCursor(*p.Cursor); !ok {
				qp.add("cursor", "is not a valid cursor")
			}
		}
		if err := qp.err(); err != nil {
			return nil, nil, err
		}
		all, err := fn.Call(ctx, cl, a)
		if err != nil {
			return nil, nil, err
		}
		start := 0
		if p.Cursor != nil {
			for start < len(all) {
				ct, id := all[start].docKey()
				if ct < after || (ct == after && id < afterID) {
					break
				}
				start++
			}
		}
		end := min(start+p.Limit, len(all))
		page := all[start:end:end]
		if end == len(all) {
			return page, nil, nil
		}
		ct, id := page[len(page)-1].docKey()
		next := strconv.FormatFloat(ct, 'f', -1, 64) + "~" + id
		return page, &next, nil
	}
}

// parseDocCursor parses a collectedList cursor.
func parseDocCursor(c string) (float64, string, bool) {
	ts, id, ok := strings.Cut(c, "~")
	if !ok || !validID(id) {
		return 0, "", false
	}
	f, err := strconv.ParseFloat(ts, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, "", false
	}
	return f, id, true
}

// queryParams reads a request's filter parameters and collects their errors.
// Parameters other than limit, cursor and the declared ones are errors. The
// error map is made only when needed: the common valid request allocates
// nothing here.
type queryParams struct {
	v    url.Values
	errs *fieldErrors
}

func newQueryParams(v url.Values, params ...string) queryParams {
	q := queryParams{v: v, errs: new(fieldErrors)}
	for name := range v {
		if name != "limit" && name != "cursor" && !contains(params, name) {
			q.add(echoKey(name), "unknown parameter")
		}
	}
	return q
}

// add records a problem with parameter name.
func (q queryParams) add(name, msg string) {
	if *q.errs == nil {
		*q.errs = fieldErrors{}
	}
	q.errs.add(name, msg)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// one returns the single value of name; absent (or empty) gives ok false.
func (q queryParams) one(name string) (string, bool) {
	vs := q.v[name]
	switch {
	case len(vs) == 0 || (len(vs) == 1 && vs[0] == ""):
		return "", false
	case len(vs) > 1:
		q.add(name, "must be given once")
		return "", false
	}
	return vs[0], true
}

// enum reads an optional parameter restricted to allowed.
func (q queryParams) enum(name string, allowed ...string) *string {
	s, ok := q.one(name)
	if !ok {
		return nil
	}
	if !contains(allowed, s) {
		q.add(name, "must be one of: "+strings.Join(allowed, ", "))
		return nil
	}
	return &s
}

// boolean reads an optional "true"/"false" parameter.
func (q queryParams) boolean(name string) *bool {
	s, ok := q.one(name)
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
	q.add(name, "must be true or false")
	return nil
}

// number reads an optional finite number.
func (q queryParams) number(name string) *float64 {
	s, ok := q.one(name)
	if !ok {
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		q.add(name, "must be a finite number")
		return nil
	}
	return &f
}

// err is the 400 for the collected errors, or nil.
func (q queryParams) err() error {
	if len(*q.errs) == 0 {
		return nil
	}
	return Invalid(*q.errs)
}
