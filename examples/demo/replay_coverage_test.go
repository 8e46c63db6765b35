package demo

import (
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/convexgw/convexgw/convexclient/convextest"
	"github.com/convexgw/convexgw/routes"
)

// Outcomes of a replayed REST step, by answer.
const (
	outSuccess   = "success"
	outInvalid   = "400"          // gateway-side or validator refusal
	outNoSession = "no-session"   // 401 before any backend call
	outInactive  = "inactive-401" // 401 from Convex: the session's user is inactive or gone
	outForbidden = "403"
	outNotFound  = "404"
	outRule      = "422" // ConvexError INVALID
)

// outcome classifies a REST step by its wanted answer.
func outcome(s replayStep) string {
	switch {
	case s.status < 300:
		return outSuccess
	case s.status == 400:
		return outInvalid
	case s.status == 401 && s.user == "":
		return outNoSession
	case s.status == 401:
		return outInactive
	case s.status == 403:
		return outForbidden
	case s.status == 404:
		return outNotFound
	}
	return outRule
}

// replayWanted lists every route of the route table. For a domain route:
// the outcomes its function can produce besides success, 400 and no
// session (which every domain route must cover); what is not listed cannot
// happen (a member may read every association table, lists have nothing to
// find, users:me has no owner). nil marks the other routes: the passthrough
// (which must be replayed, /api/action aside) and those tested elsewhere.
var replayWanted = map[string][]string{
	"GET /api/users/me":                     {outInactive},
	"GET /api/users":                        {outInactive, outForbidden},
	"GET /api/tasks":                        {outInactive},
	"POST /api/tasks":                       {outInactive},
	"PATCH /api/tasks/:id":                  {outForbidden, outNotFound},
	"DELETE /api/tasks/:id":                 {outForbidden, outNotFound},
	"GET /api/notifications":                {outInactive},
	"POST /api/notifications/:id/read":      {outForbidden, outNotFound},
	"GET /api/donations/stats":              {outInactive, outForbidden},
	"GET /api/beneficiaries":                {outInactive},
	"POST /api/beneficiaries":               {outForbidden},
	"GET /api/beneficiaries/:id":            {outNotFound},
	"PATCH /api/beneficiaries/:id":          {outForbidden, outNotFound},
	"DELETE /api/beneficiaries/:id":         {outForbidden, outNotFound},
	"GET /api/donations":                    {outInactive},
	"POST /api/donations":                   {outForbidden},
	"GET /api/donations/:id":                {outNotFound},
	"PATCH /api/donations/:id":              {outForbidden, outNotFound},
	"DELETE /api/donations/:id":             {outForbidden, outNotFound},
	"GET /api/meetings":                     {outInactive},
	"POST /api/meetings":                    {outForbidden},
	"GET /api/meetings/:id":                 {outNotFound},
	"PATCH /api/meetings/:id":               {outForbidden, outNotFound, outRule},
	"DELETE /api/meetings/:id":              {outForbidden, outNotFound},
	"POST /api/query":                       nil, // passthrough: replayed byte for byte
	"POST /api/mutation":                    nil,
	"POST /api/run/*":                       nil,
	"POST /api/action":                      nil, // the demo app has no action
	"POST /api/query_ts":                    nil, // against the fake, byte for byte: TestPassthroughSameAsConvex
	"POST /api/query_at_ts":                 nil,
	"POST /api/query_batch":                 nil,
	"POST /api/function":                    nil,
	"POST /api/auth/login":                  nil, // auth routes: gateway/e2e_replay_test.go
	"POST /api/auth/logout":                 nil,
	"GET /api/auth/session":                 nil,
	"GET /api/auth/token":                   nil,
	"GET /api/auth/sessions":                nil, // session management: routes/sessions_test.go
	"DELETE /api/auth/sessions/:id":         nil,
	"POST /api/auth/sessions/revoke-others": nil,
	"POST /api/auth/sign-up":                nil, // account flows: flows_test.go (replayed and on the dev backend), routes/*_test.go
	"POST /api/auth/verify-email":           nil,
	"POST /api/auth/verify-email/resend":    nil,
	"POST /api/auth/forgot-password":        nil,
	"POST /api/auth/reset-password":         nil,
	"POST /api/auth/accept-invitation":      nil,
	"POST /api/auth/change-password":        nil,
	"POST /api/admin/invitations":           nil,
	"GET /healthz":                          nil,
	"GET /.well-known/jwks.json":            nil,
	"GET /.well-known/openid-configuration": nil,
	"GET /":                                 nil, // the web front end: web_routes_test.go, browsertest/
	"GET /sign-in":                          nil,
	"GET /forgot-password":                  nil,
	"GET /reset-password":                   nil,
	"GET /verify-email":                     nil,
	"GET /accept-invitation":                nil,
	"GET /dashboard":                        nil,
	"GET /dashboard/tasks":                  nil,
	"GET /dashboard/notifications":          nil,
	"GET /dashboard/beneficiaries":          nil,
	"GET /dashboard/donations":              nil,
	"GET /dashboard/meetings":               nil,
	"GET /dashboard/live":                   nil,
	"GET /dashboard/sessions":               nil,
	"GET /assets/*":                         nil,
	"GET /vendor/*":                         nil,
}

// TestReplayCoversEveryRoute checks the replayed scenarios exercise every
// domain route of the route table with success, a 400, no session and the
// outcomes of replayWanted, and every passthrough route but /api/action.
func TestReplayCoversEveryRoute(t *testing.T) {
	env := newTestEnv(t, routes.IdentityAdmin)
	type route struct {
		key string
		re  *regexp.Regexp
	}
	var routes []route
	for _, r := range env.e.Routes() {
		key := r.Method + " " + r.Path
		if _, ok := replayWanted[key]; !ok {
			t.Errorf("route %s is not in replayWanted", key)
			continue
		}
		pat := regexp.QuoteMeta(r.Path)
		pat = strings.ReplaceAll(pat, `\*`, ".*")
		pat = regexp.MustCompile(`:[a-z]+`).ReplaceAllString(pat, "[^/]+")
		routes = append(routes, route{key, regexp.MustCompile("^" + pat + "$")})
	}
	// Static routes first (/api/donations/stats before /api/donations/:id).
	sort.SliceStable(routes, func(i, j int) bool {
		return !strings.ContainsAny(routes[i].key, ":*") && strings.ContainsAny(routes[j].key, ":*")
	})
	got := map[string]map[string]bool{}
	add := func(method, path, out string) {
		path, _, _ = strings.Cut(path, "?")
		path = regexp.MustCompile(`\{[a-z]+\}`).ReplaceAllString(path, "x")
		for _, r := range routes {
			if strings.HasPrefix(r.key, method+" ") && r.re.MatchString(path) {
				if got[r.key] == nil {
					got[r.key] = map[string]bool{}
				}
				got[r.key][out] = true
				return
			}
		}
		t.Errorf("%s %s matches no route", method, path)
	}
	scenarios := replayScenarios()
	for _, sc := range scenarios {
		for _, s := range sc.steps {
			if s.method != "" {
				add(s.method, s.path, outcome(s))
			}
		}
	}
	for name, sc := range scenarios {
		c, err := convextest.LoadCassette(filepath.Join("testdata", "cassettes", name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sc.steps {
			if n := s.pass + s.local; n != 0 {
				endpoint := c.Interactions[n-1].Request.Endpoint
				if s.run {
					endpoint = "/api/run/x/y"
				}
				add("POST", endpoint, outSuccess)
			}
		}
	}
	passthrough := map[string]bool{"POST /api/query": true, "POST /api/mutation": true, "POST /api/run/*": true}
	for key, extra := range replayWanted {
		var want []string
		switch {
		case extra != nil:
			want = append([]string{outSuccess, outInvalid, outNoSession}, extra...)
		case passthrough[key]:
			want = []string{outSuccess}
		}
		for _, o := range want {
			if !got[key][o] {
				t.Errorf("%s: no replayed step with outcome %s (have %v)", key, o, got[key])
			}
		}
	}
}
