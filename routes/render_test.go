package routes

import (
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestJSONAnswer: REST answers are encoding/json's output with a trailing
// newline and a Content-Length (so a page of documents over 2 KiB is not
// sent chunked), non-finite floats included.
func TestJSONAnswer(t *testing.T) {
	big := strings.Repeat("x", 5000)
	cases := []struct {
		v    any
		want string
	}{
		{map[string]any{"title": big, "n": 1.5}, `{"n":1.5,"title":"` + big + `"}` + "\n"},
		{map[string]any{"total": math.Inf(1), "count": int64(2)}, `{"count":2,"total":"Infinity"}` + "\n"},
	}
	for _, tc := range cases {
		v := tc.v
		h := NewAPI(testDeps(t)).Handler(func(r *Router) {
			r.GET("/x", func(c echo.Context) error { return JSON(c, http.StatusOK, v) })
		})
		srv := httptest.NewServer(h)
		resp, err := http.Get(srv.URL + "/x")
		if err != nil {
			t.Fatal(err)
		}
		body := new(strings.Builder)
		_, _ = io.Copy(body, resp.Body)
		resp.Body.Close()
		srv.Close()
		if body.String() != tc.want || resp.Header.Get("Content-Length") != strconv.Itoa(len(tc.want)) ||
			len(resp.TransferEncoding) != 0 || resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%d bytes, Content-Length %q, Transfer-Encoding %v, Content-Type %q:\n%.200s",
				body.Len(), resp.Header.Get("Content-Length"), resp.TransferEncoding, resp.Header.Get("Content-Type"), body)
		}
	}
}
