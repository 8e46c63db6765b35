// Package backend holds the Convex backend's rules for reading a request of
// its HTTP API, and the texts it answers with, for the servers of this
// module that must answer like a deployment: the fake deployment
// (convexclient/convextest) and the gateway's Convex-compatible passthrough
// (routes). Both call these functions, so they cannot drift apart.
//
// What is here: the route names (Endpoint*), the Convex-Client header check
// with the deprecation thresholds (CheckClientVersion), the serde-like body
// decoding with axum's error texts (DecodeBody), function paths with the
// backend's parse errors (ParsePath, RunPath), response formats (ParseFormat,
// Format.Append), the unverified reading of a JWT and the texts of token
// failures (UnverifiedClaims, TemporalError), and the HTTP-level errors
// ({"code","message"}, Error) with their exact messages. Each function
// cites the backend source it follows (github.com/get-convex/convex-backend).
//
// Everything is pure: no I/O, no state, safe for concurrent use. The
// package imports only convexclient (for value printing) and the standard
// library.
package backend
