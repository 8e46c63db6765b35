package convexclient

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

type rtArgs struct {
	UserID string `json:"userId"`
	Limit  int    `json:"limit"`
}

type rtTask struct {
	ID       string  `json:"_id"`
	Title    string  `json:"title"`
	Status   string  `json:"status"`
	Priority string  `json:"priority"`
	Created  float64 `json:"createdAt"`
}

const rtBody = `{"status":"success","value":{"_id":"k17abc","createdAt":1767225600000.0,"priority":"high","status":"pending","title":"Write the report"}}`

// rtServer answers every request with rtBody (its allocations count too:
// b.ReportAllocs measures the whole process).
func rtServer(b *testing.B) *Client {
	body := []byte(rtBody)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header()["Content-Type"] = []string{"application/json"}
		_, _ = w.Write(body)
	}))
	b.Cleanup(srv.Close)
	c, err := New(Config{URL: srv.URL})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkQueryRoundTrip is one typed query over loopback HTTP/1.1 with
// keep-alive: request encoding, transport, server, response decoding.
func BenchmarkQueryRoundTrip(b *testing.B) {
	c := rtServer(b)
	q := NewQuery[rtArgs, rtTask](nil, "tasks:get")
	ctx := WithCredential(context.Background(), UserToken("eyJhbGciOi.eyJzdWIi.c2ln"))
	args := rtArgs{UserID: "u1", Limit: 20}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := q.Call(ctx, c, args); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQueryRoundTripParallel is the same under concurrency (the pool
// of idle connections must keep up).
func BenchmarkQueryRoundTripParallel(b *testing.B) {
	c := rtServer(b)
	q := NewQuery[rtArgs, rtTask](nil, "tasks:get")
	args := rtArgs{UserID: "u1", Limit: 20}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := q.Call(context.Background(), c, args); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkParseResponse is the envelope scan alone.
func BenchmarkParseResponse(b *testing.B) {
	body := []byte(rtBody)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseResponse(body); err != nil {
			b.Fatal(err)
		}
	}
}

// leanServer is a minimal keep-alive HTTP/1.1 responder on loopback that
// allocates nothing per request, so allocs/op of a benchmark against it are
// the client's own (this package plus net/http's Transport).
func leanServer(b *testing.B, body string) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ln.Close() })
	resp := []byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
		strconv.Itoa(len(body)) + "\r\n\r\n" + body)
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go serveLean(conn, resp)
		}
	}()
	return "http://" + ln.Addr().String()
}

func serveLean(conn net.Conn, resp []byte) {
	defer conn.Close()
	r := bufio.NewReaderSize(conn, 64<<10)
	for {
		n := 0
		for { // headers
			line, err := r.ReadSlice('\n')
			if err != nil {
				return
			}
			if len(line) <= 2 {
				break
			}
			const k = "content-length:"
			if len(line) > len(k) && bytes.EqualFold(line[:len(k)], []byte(k)) {
				n = 0
				for _, c := range bytes.TrimSpace(line[len(k):]) {
					n = n*10 + int(c-'0')
				}
			}
		}
		if _, err := r.Discard(n); err != nil {
			return
		}
		if _, err := conn.Write(resp); err != nil {
			return
		}
	}
}

// BenchmarkQueryRoundTripClientOnly is BenchmarkQueryRoundTrip against
// leanServer: allocs/op are the client side alone.
func BenchmarkQueryRoundTripClientOnly(b *testing.B) {
	c, err := New(Config{URL: leanServer(b, rtBody)})
	if err != nil {
		b.Fatal(err)
	}
	q := NewQuery[rtArgs, rtTask](nil, "tasks:get")
	ctx := WithCredential(context.Background(), UserToken("eyJhbGciOi.eyJzdWIi.c2ln"))
	args := rtArgs{UserID: "u1", Limit: 20}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := q.Call(ctx, c, args); err != nil {
			b.Fatal(err)
		}
	}
}
