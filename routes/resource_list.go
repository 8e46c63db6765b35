package routes

import (
	"fmt"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/convexgw/convexgw/convexclient"
)

// listResponse is the answer of every list route. NextCursor is null on the
// last page.
type listResponse struct {
	Items      any     `json:"items"`
	NextCursor *string `json:"nextCursor"`
}

// lister serves GET /<name> for one list function: paginated by Convex, or
// a whole list the gateway pages (see ResourceFunctions.List).
type lister struct {
	info    convexclient.BindingInfo
	filters []filter
	params  []string // filter parameter names, for NewParams
	// Paginated: the index of paginationOpts in the args and of its
	// numItems and cursor, and of page/isDone/continueCursor in the result.
	paged                   bool
	opts, numItems, cursor  int
	page, isDone, continueC int
	// Whole list: the index of _id and _creationTime in the document.
	docID, docTime int
}

// filter is one list filter: a field of the args read from a query parameter.
type filter struct {
	name     string
	index    int
	required bool
	kind     reflect.Kind // of the field type without pointer or Optional
	ptr      bool         // a pointer field
	opt      bool         // a convexclient.Optional field
	enum     []string
}

func newLister(info convexclient.BindingInfo, enums map[string][]string) (*lister, error) {
	l := &lister{info: info}
	args, res := info.Args, info.Result
	if args.Kind() != reflect.Struct {
		return nil, fmt.Errorf("args %s must be a struct", args)
	}
	var doc reflect.Type
	switch {
	case res.Kind() == reflect.Slice:
		doc = res.Elem()
		if doc.Kind() != reflect.Struct {
			return nil, fmt.Errorf("result elements %s must be document structs", doc)
		}
		l.docID, l.docTime = fieldByJSON(doc, "_id"), fieldByJSON(doc, "_creationTime")
		if l.docID < 0 || l.docTime < 0 || doc.Field(l.docID).Type.Kind() != reflect.String ||
			!isFloat(doc.Field(l.docTime).Type.Kind()) {
			return nil, fmt.Errorf("documents %s need _id (string) and _creationTime (number) to be paged", doc)
		}
	case res.Kind() == reflect.Struct:
		l.paged = true
		l.page, l.isDone, l.continueC = fieldByJSON(res, "page"), fieldByJSON(res, "isDone"), fieldByJSON(res, "continueCursor")
		if l.page < 0 || l.isDone < 0 || l.continueC < 0 || res.Field(l.page).Type.Kind() != reflect.Slice ||
			res.Field(l.isDone).Type.Kind() != reflect.Bool || res.Field(l.continueC).Type.Kind() != reflect.String {
			return nil, fmt.Errorf("result %s must be a page {page, isDone, continueCursor}", res)
		}
		l.opts = fieldByJSON(args, "paginationOpts")
		if l.opts < 0 || args.Field(l.opts).Type.Kind() != reflect.Struct {
			return nil, fmt.Errorf("args %s of a paginated list need paginationOpts {numItems, cursor}", args)
		}
		ot := args.Field(l.opts).Type
		l.numItems, l.cursor = fieldByJSON(ot, "numItems"), fieldByJSON(ot, "cursor")
		if l.numItems < 0 || l.cursor < 0 || !isNumber(ot.Field(l.numItems).Type.Kind()) ||
			!isStringOrPtr(ot.Field(l.cursor).Type) {
			return nil, fmt.Errorf("paginationOpts %s need numItems (number) and cursor (string or null)", ot)
		}
	default:
		return nil, fmt.Errorf("result %s must be a page or a list of documents", res)
	}
	for i := range args.NumField() {
		f := args.Field(i)
		name := jsonName(f)
		if name == "" || (l.paged && i == l.opts) {
			continue
		}
		if name == "limit" || name == "cursor" {
			return nil, fmt.Errorf("args field %q collides with the list's own ?%s=", name, name)
		}
		ft, ptr := f.Type, false
		elem, opt := optionalElem(ft)
		if opt {
			ft = elem
		}
		if ft.Kind() == reflect.Pointer {
			ft, ptr = ft.Elem(), true
		}
		if opt && ptr {
			return nil, fmt.Errorf("args field %q (%s): a nullable filter cannot be read from a query parameter", name, f.Type)
		}
		fl := filter{name: name, index: i, kind: ft.Kind(), ptr: ptr, opt: opt, required: requiredField(f.Type, jsonOpts(f))}
		switch {
		case fl.kind == reflect.String:
			fl.enum = enumValues(ft)
			if e, ok := enums[name]; ok {
				fl.enum = e
			}
		case fl.kind == reflect.Bool, isNumber(fl.kind):
		default:
			return nil, fmt.Errorf("args field %q (%s) cannot be read from a query parameter", name, f.Type)
		}
		l.filters = append(l.filters, fl)
		l.params = append(l.params, name)
	}
	return l, nil
}

func isFloat(k reflect.Kind) bool { return k == reflect.Float64 || k == reflect.Float32 }

func isNumber(k reflect.Kind) bool {
	switch k {
	case reflect.Float32, reflect.Float64, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return true
	}
	return false
}

func isStringOrPtr(t reflect.Type) bool {
	return t.Kind() == reflect.String || (t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.String)
}

// serve answers one list request.
func (l *lister) serve(a *API, c echo.Context) error {
	qv := c.QueryParams()
	page, errs := parsePageQuery(qv)
	q := NewParams(qv, l.params...)
	for k, v := range errs {
		q.Add(k, v)
	}
	args := reflect.New(l.info.Args)
	l.readFilters(q, args.Elem())
	var after float64
	var afterID string
	if !l.paged && page.Cursor != nil {
		var ok bool
		if after, afterID, ok = parseDocCursor(*page.Cursor); !ok {
			q.Add("cursor", "is not a valid cursor")
		}
	}
	if err := q.Err(); err != nil {
		return err
	}
	if l.paged {
		o := args.Elem().Field(l.opts)
		setNumber(o.Field(l.numItems), float64(page.Limit))
		if cf := o.Field(l.cursor); page.Cursor != nil {
			if cf.Kind() == reflect.Pointer {
				cf.Set(reflect.ValueOf(page.Cursor).Convert(cf.Type()))
			} else {
				cf.SetString(*page.Cursor)
			}
		}
	}
	out, err := call(a.callContext(c), a.d.Convex, l.info, args.Elem())
	if err != nil {
		return err
	}
	var items reflect.Value
	var next *string
	if l.paged {
		r := out.Elem()
		items = r.Field(l.page)
		if !r.Field(l.isDone).Bool() {
			s := r.Field(l.continueC).String()
			next = &s
		}
	} else {
		items, next = l.slice(out.Elem(), page, after, afterID)
	}
	if items.IsNil() {
		items = reflect.MakeSlice(items.Type(), 0, 0)
	}
	return a.renderJSON(c, http.StatusOK, listResponse{Items: items.Interface(), NextCursor: next})
}

// readFilters sets the filter fields of args from q.
func (l *lister) readFilters(q Params, args reflect.Value) {
	for _, f := range l.filters {
		var v reflect.Value
		switch {
		case f.kind == reflect.String && f.enum != nil:
			if s := q.Enum(f.name, f.enum...); s != nil {
				v = reflect.ValueOf(*s)
			}
		case f.kind == reflect.String:
			if s, ok := q.String(f.name); ok {
				v = reflect.ValueOf(s)
			}
		case f.kind == reflect.Bool:
			if b := q.Bool(f.name); b != nil {
				v = reflect.ValueOf(*b)
			}
		case isFloat(f.kind):
			if n := q.Number(f.name); n != nil {
				v = reflect.ValueOf(*n)
			}
		default:
			if n := q.Int(f.name); n != nil {
				v = reflect.ValueOf(*n)
			}
		}
		if !v.IsValid() {
			if _, given := q.v[f.name]; f.required && !given {
				q.Add(f.name, "is required")
			}
			continue
		}
		dst := args.Field(f.index)
		if f.opt {
			setOptional(dst, v.Convert(dst.Field(0).Type()))
			continue
		}
		if f.ptr {
			p := reflect.New(dst.Type().Elem())
			p.Elem().Set(v.Convert(dst.Type().Elem()))
			dst.Set(p)
		} else {
			dst.Set(v.Convert(dst.Type()))
		}
	}
}

func setNumber(v reflect.Value, n float64) {
	if isFloat(v.Kind()) {
		v.SetFloat(n)
	} else {
		v.SetInt(int64(n))
	}
}

// slice pages a whole list ordered newest first. Its cursor names the last
// item served ("<_creationTime>~<_id>", URL-safe), so items created or
// deleted between pages neither repeat nor go missing.
func (l *lister) slice(all reflect.Value, p PageQuery, after float64, afterID string) (reflect.Value, *string) {
	n := all.Len()
	key := func(i int) (float64, string) {
		d := all.Index(i)
		return d.Field(l.docTime).Float(), d.Field(l.docID).String()
	}
	start := 0
	if p.Cursor != nil {
		for start < n {
			ct, id := key(start)
			if ct < after || (ct == after && id < afterID) {
				break
			}
			start++
		}
	}
	end := min(start+p.Limit, n)
	page := all.Slice3(start, end, end)
	if end == n {
		return page, nil
	}
	ct, id := key(end - 1)
	next := strconv.FormatFloat(ct, 'f', -1, 64) + "~" + id
	return page, &next
}

// parseDocCursor parses a whole-list cursor.
func parseDocCursor(c string) (float64, string, bool) {
	ts, id, ok := strings.Cut(c, "~")
	if !ok || !ValidDocumentID(id) {
		return 0, "", false
	}
	f, err := strconv.ParseFloat(ts, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, "", false
	}
	return f, id, true
}
