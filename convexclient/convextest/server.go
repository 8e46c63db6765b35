package convextest

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
)

// Server is a Deployment listening on a loopback httptest server.
type Server struct {
	*Deployment
	// URL is the deployment URL, e.g. http://127.0.0.1:41234.
	URL string

	srv    *httptest.Server
	cancel context.CancelFunc
}

// NewServer starts d on a loopback port (127.0.0.1:0). Close it when done.
func NewServer(d *Deployment) *Server {
	ctx, cancel := context.WithCancel(context.Background())
	srv := httptest.NewUnstartedServer(d)
	srv.Config.BaseContext = func(net.Listener) context.Context { return ctx }
	srv.Start()
	return &Server{Deployment: d, URL: srv.URL, srv: srv, cancel: cancel}
}

// Client returns an *http.Client for the server (its transport is closed
// with the server).
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close releases hung calls, shuts the server down and waits for the
// requests in flight. It is safe to call more than once.
func (s *Server) Close() {
	s.cancel()
	s.srv.Close()
}
