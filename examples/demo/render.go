package routes

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// Hand-written JSON for the hot list answers (GET /api/tasks,
// /api/notifications): byte for byte what c.JSON (encoding/json, HTML
// escaping on, trailing newline) writes for listResponse[D], without its
// reflection, into a pooled buffer written once. render_test.go checks the
// equality on table and fuzz inputs; any value encoding/json would refuse
// (NaN, ±Inf) falls back to c.JSON, which then fails the same way.

// jsonAppender is a document type with a hand-written encoding/json twin.
// appendJSON reports false for a value it cannot encode (a non-finite float).
type jsonAppender interface {
	appendJSON(b []byte) ([]byte, bool)
}

// renderBufs holds the render buffers; big ones are not kept.
type renderBufs struct{ p sync.Pool }

func (r *renderBufs) get() *[]byte {
	if b, ok := r.p.Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, 0, 4096)
	return &b
}

func (r *renderBufs) put(b *[]byte) {
	if cap(*b) <= 256<<10 {
		*b = (*b)[:0]
		r.p.Put(b)
	}
}

// renderList writes 200 listResponse[D]{items, next} like c.JSON.
func renderList[D any](a *API, c echo.Context, items []D, next *string) error {
	if _, pretty := c.QueryParams()["pretty"]; pretty || c.Echo().Debug {
		return c.JSON(http.StatusOK, listResponse[D]{Items: items, NextCursor: next})
	}
	buf := a.bufs.get()
	defer a.bufs.put(buf)
	b, ok := appendList(*buf, items, next)
	*buf = b
	if !ok {
		return c.JSON(http.StatusOK, listResponse[D]{Items: items, NextCursor: next})
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, b)
}

// appendList appends the JSON of listResponse[D] and a newline; ok is false
// when D has no jsonAppender or a value cannot be encoded.
func appendList[D any](b []byte, items []D, next *string) ([]byte, bool) {
	b = append(b, `{"items":[`...)
	for i := range items {
		if i > 0 {
			b = append(b, ',')
		}
		enc, isEnc := any(&items[i]).(jsonAppender)
		if !isEnc {
			return b, false
		}
		var ok bool
		if b, ok = enc.appendJSON(b); !ok {
			return b, false
		}
	}
	b = append(b, `],"nextCursor":`...)
	if next == nil {
		b = append(b, "null"...)
	} else {
		b = appendJSONString(b, *next)
	}
	return append(b, "}\n"...), true
}

// appendJSONString appends s quoted as encoding/json does with HTML
// escaping: \" \\ \b \f \n \r \t, other controls and < > & as \u00XX,
// U+2028/U+2029 escaped, invalid UTF-8 as \ufffd.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendJSONFloat appends f as encoding/json does for a float64: shortest
// representation, exponent form below 1e-6 and from 1e21 (e-07 → e-7).
// ok is false for NaN and ±Inf, which encoding/json refuses.
func appendJSONFloat(b []byte, f float64) ([]byte, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, true
}

// appendJSONBool appends true or false.
func appendJSONBool(b []byte, v bool) []byte {
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}

// appendJSON implements jsonAppender: encoding/json's Task, field order kept.
func (t *Task) appendJSON(b []byte) ([]byte, bool) {
	var ok1, ok2, ok3 bool
	b = append(b, `{"_id":`...)
	b = appendJSONString(b, t.ID)
	b = append(b, `,"_creationTime":`...)
	b, ok1 = appendJSONFloat(b, t.CreationTime)
	b = append(b, `,"title":`...)
	b = appendJSONString(b, t.Title)
	b = append(b, `,"status":`...)
	b = appendJSONString(b, t.Status)
	b = append(b, `,"priority":`...)
	b = appendJSONString(b, t.Priority)
	b = append(b, `,"userId":`...)
	b = appendJSONString(b, t.UserID)
	b = append(b, `,"createdAt":`...)
	b, ok2 = appendJSONFloat(b, t.CreatedAt)
	b = append(b, `,"updatedAt":`...)
	b, ok3 = appendJSONFloat(b, t.UpdatedAt)
	return append(b, '}'), ok1 && ok2 && ok3
}

// appendJSON implements jsonAppender: encoding/json's Notification.
func (n *Notification) appendJSON(b []byte) ([]byte, bool) {
	var ok1, ok2 bool
	b = append(b, `{"_id":`...)
	b = appendJSONString(b, n.ID)
	b = append(b, `,"_creationTime":`...)
	b, ok1 = appendJSONFloat(b, n.CreationTime)
	b = append(b, `,"userId":`...)
	b = appendJSONString(b, n.UserID)
	b = append(b, `,"title":`...)
	b = appendJSONString(b, n.Title)
	b = append(b, `,"body":`...)
	b = appendJSONString(b, n.Body)
	b = append(b, `,"read":`...)
	b = appendJSONBool(b, n.Read)
	b = append(b, `,"createdAt":`...)
	b, ok2 = appendJSONFloat(b, n.CreatedAt)
	return append(b, '}'), ok1 && ok2
}
