package devbackend

import (
	"encoding/json"
	"strconv"
	"strings"
)

// endCursor is the continueCursor of a finished pagination (convex-test's
// sentinel; the real backend's cursors are opaque too).
const endCursor = "_end_cursor"

// pageOpts are the parts of paginationOpts the emulation honours.
type pageOpts struct {
	numItems        float64
	cursor          *string // nil = first page
	endCursor       *string
	maximumRowsRead float64 // 0 (or NaN) = no limit
	// maximumBytesRead limits the Convex size of the documents read; 0 (or
	// NaN) = no limit.
	maximumBytesRead float64
}

// pageResult is what the functions return: exactly these three fields.
type pageResult struct {
	ContinueCursor string `json:"continueCursor"`
	IsDone         bool   `json:"isDone"`
	Page           []doc  `json:"page"`
}

// paginate pages through docs (already in index order for fields, which
// end with _creationTime/_id) with convex-test's semantics: the page is full
// after numItems documents; if the document that filled it was the last of
// the range the result is done. A cursor encodes the sort key of the last
// document returned.
func paginate(docs []doc, fields []string, desc bool, o pageOpts) (pageResult, error) {
	if !contains(fields, "_id") {
		fields = append(append([]string(nil), fields...), "_id")
	}
	var after, before []any
	var err error
	started := o.cursor == nil
	pastEnd := o.cursor != nil && *o.cursor == endCursor
	if o.cursor != nil && !pastEnd {
		if after, err = parseCursor(*o.cursor); err != nil {
			return pageResult{}, err
		}
		if after == nil {
			started = true // an empty cursor string starts at the beginning
		}
	}
	hasEnd := o.endCursor != nil && *o.endCursor != "" && *o.endCursor != endCursor
	if hasEnd {
		if before, err = parseCursor(*o.endCursor); err != nil {
			return pageResult{}, err
		}
	}
	res := pageResult{ContinueCursor: endCursor, Page: []doc{}}
	rows, size := 0, 0
	for i, d := range docs {
		if !started {
			if pastEnd || cursorCompare(d, after, fields, desc) <= 0 {
				continue
			}
			started = true
		}
		if hasEnd {
			if c := cursorCompare(d, before, fields, desc); c >= 0 {
				if c == 0 {
					res.Page = append(res.Page, d)
					res.ContinueCursor = encodeCursor(d, fields)
				}
				break
			}
		}
		rows++
		size += convexSize(d)
		res.Page = append(res.Page, d)
		if (o.maximumRowsRead != 0 && float64(rows) >= o.maximumRowsRead) ||
			(o.maximumBytesRead != 0 && float64(size) >= o.maximumBytesRead) {
			res.ContinueCursor = encodeCursor(d, fields)
			break
		}
		if (o.endCursor == nil || *o.endCursor == "") && float64(len(res.Page)) >= o.numItems {
			if i < len(docs)-1 {
				res.ContinueCursor = encodeCursor(d, fields)
			}
			break
		}
	}
	res.IsDone = res.ContinueCursor == endCursor
	return res, nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// cursorCompare is >0 when d sorts after the cursor position in the
// pagination's direction.
func cursorCompare(d doc, keys []any, fields []string, desc bool) int {
	for i, f := range fields {
		var k any = undefined{}
		if i < len(keys) {
			k = keys[i]
		}
		if c := compareValues(fieldOf(d, f), k); c != 0 {
			if desc {
				return -c
			}
			return c
		}
	}
	return 0
}

// encodeCursor is convex-test's cursor: a JSON array holding, per sort
// field, JSON.stringify(convexToJson(value)), or null for a missing field.
func encodeCursor(d doc, fields []string) string {
	var sb strings.Builder
	sb.WriteByte('[')
	for i, f := range fields {
		if i > 0 {
			sb.WriteByte(',')
		}
		v := fieldOf(d, f)
		if _, ok := v.(undefined); ok {
			sb.WriteString("null")
			continue
		}
		writeJSQuoted(&sb, jsJSON(v))
	}
	sb.WriteByte(']')
	return sb.String()
}

// convexSize is convex/values getConvexSize: the byte size Convex charges
// for a value (a stored document has _id and _creationTime, so this is also
// its getDocumentSize).
func convexSize(v any) int {
	switch t := v.(type) {
	case undefined:
		return 0
	case nil, bool:
		return 1
	case int64, float64:
		return 9
	case string:
		return 2 + len(t)
	case []byte:
		return 2 + len(t)
	case []any:
		n := 2
		for _, e := range t {
			n += convexSize(e)
		}
		return n
	case map[string]any:
		n := 2
		for k, e := range t {
			n += len(k) + 1 + convexSize(e)
		}
		return n
	case *object:
		n := 2
		for _, k := range t.keys {
			n += len(k) + 1 + convexSize(t.vals[k])
		}
		return n
	}
	return 0
}

// jsError is an error JavaScript code throws: its message is exactly what
// the TypeScript functions' runtime reports ("Uncaught Error: <message>").
type jsError string

func (e jsError) Error() string { return string(e) }

// parseCursor reads a cursor as convex-test does:
// JSON.parse(c).map(k => k === null ? undefined : jsonToConvex(JSON.parse(k))),
// failing with the same messages. "" gives nil (start from the beginning).
func parseCursor(c string) ([]any, error) {
	if c == "" {
		return nil, nil
	}
	if msg := v8JSONError(c); msg != "" {
		return nil, jsError(msg)
	}
	dec := json.NewDecoder(strings.NewReader(c))
	dec.UseNumber()
	var outer any
	if err := dec.Decode(&outer); err != nil {
		return nil, jsError(err.Error())
	}
	arr, ok := outer.([]any)
	if !ok {
		if outer == nil {
			return nil, jsError("Cannot read properties of null (reading 'map')")
		}
		return nil, jsError("JSON.parse(...).map is not a function")
	}
	keys := make([]any, len(arr))
	for i, k := range arr {
		if k == nil {
			keys[i] = undefined{}
			continue
		}
		src, ok := k.(string)
		if !ok {
			src = jsString(fromJSONNumbers(k)) // JSON.parse coerces with String(k)
		}
		if msg := v8JSONError(src); msg != "" {
			return nil, jsError(msg)
		}
		v, err := decodeArgs([]byte(src))
		if err != nil {
			return nil, jsError(err.Error())
		}
		keys[i] = v
	}
	return keys, nil
}

// fromJSONNumbers turns json.Numbers into float64s (out of range: ±Inf, as
// JavaScript reads them).
func fromJSONNumbers(v any) any {
	switch t := v.(type) {
	case json.Number:
		f, _ := strconv.ParseFloat(string(t), 64)
		return f
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = fromJSONNumbers(e)
		}
		return out
	}
	return v
}
