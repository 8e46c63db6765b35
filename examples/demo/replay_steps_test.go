package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/convexgw/convexgw/accounts"
	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/routes"
)

// replayStep is one thing a client does against the gateway in a replayed
// scenario, and what must follow. Exactly one of method (a REST call),
// lookup, pass/local or do is set.
type replayStep struct {
	// REST call: method, path, session user ("" = no session), JSON body
	// (nil = none); {var} in path and body is filled from earlier steps.
	method, path, user string
	body               any
	// lookup: the demo user to fetch as the login route does (consumes rec).
	lookup string
	// pass: the recorded interaction to send through the passthrough
	// (consumed, answered byte for byte as recorded). local: an interaction
	// the gateway must answer itself, never sending it, byte for byte as
	// Convex did.
	pass, local int
	run         bool // through /api/run/<module>/<function>
	cookie      bool // with the session cookie instead of a Bearer token
	// do: anything else (an internal binding call); it consumes rec.
	do func(r *replayEnv) error

	rec    int    // the interaction (1-based) the step consumes; 0 = none
	status int    // REST status wanted
	code   string // REST error code wanted (status >= 400)
	field  string // a field the 400 must name
	// save: store a value of the answer as {save} (create: the id; list:
	// the first item's id) and, for a list with a next page, {cursor}.
	save string
}

// name describes the step in failures.
func (s replayStep) name() string {
	switch {
	case s.method != "":
		return fmt.Sprintf("%s %s as %q", s.method, s.path, s.user)
	case s.lookup != "":
		return "lookup " + s.lookup
	case s.pass != 0:
		return fmt.Sprintf("passthrough #%d (run=%v)", s.pass, s.run)
	case s.local != 0:
		return fmt.Sprintf("passthrough answered locally #%d", s.local)
	}
	return fmt.Sprintf("call consuming #%d", s.rec)
}

// runReplay runs the steps in order, then checks that every interaction was
// consumed except those in unsent (1-based, with the reason the gateway
// never sends them).
func (r *replayEnv) runReplay(steps []replayStep, unsent map[int]string) {
	r.t.Helper()
	last := 0
	for i, s := range steps {
		label := fmt.Sprintf("step %d (%s)", i+1, s.name())
		if n := max(s.rec, s.pass, s.local); n != 0 {
			if n <= last {
				r.t.Fatalf("%s: recording #%d after #%d: steps must follow the recorded order", label, n, last)
			}
			last = n
		}
		switch {
		case s.lookup != "":
			r.lookUp(s.lookup)
		case s.pass != 0:
			s.rec = s.pass
			r.checkPassthrough(label, s.pass, s.run, s.cookie)
		case s.local != 0:
			r.checkPassthrough(label, s.local, false, s.cookie)
		case s.do != nil:
			if err := s.do(r); err != nil {
				r.t.Fatalf("%s: %v", label, err)
			}
		default:
			r.rest(label, s)
		}
		if s.rec > 0 {
			r.used[s.rec-1] = true
		}
		r.checkConsumed(label)
	}
	for i := range r.c.Interactions {
		why, skip := unsent[i+1]
		if skip == r.used[i] {
			r.t.Errorf("interaction %d (%s): consumed=%v, unsent reason %q", i+1, r.c.Interactions[i].Request, r.used[i], why)
		}
	}
}

// checkPassthrough sends interaction n through the passthrough and wants the
// recorded answer, byte for byte.
func (r *replayEnv) checkPassthrough(label string, n int, run, cookie bool) {
	r.t.Helper()
	st, body := r.passthrough(n, run, cookie)
	want := r.recorded(n).Response
	if st != want.Status || body != want.Body {
		r.t.Fatalf("%s: got %d %s\nwant %d %s", label, st, body, want.Status, want.Body)
	}
}

// rest runs a REST step and checks its answer against the step and, when it
// consumed a recording, against the recorded response.
func (r *replayEnv) rest(label string, s replayStep) {
	r.t.Helper()
	path := r.fill(s.path, true)
	var body any
	if s.body != nil {
		b, err := json.Marshal(s.body)
		if err != nil {
			r.t.Fatal(err)
		}
		body = r.fill(string(b), false)
	}
	st, out := r.do(s.method, path, s.user, body)
	if st != s.status {
		r.t.Fatalf("%s: status %d, want %d: %s", label, st, s.status, out)
	}
	if st >= 400 {
		eb := wantError(r.t, st, out, s.status, s.code)
		if s.field != "" && eb.Error.Fields[s.field] == "" {
			r.t.Fatalf("%s: no field error for %s: %s", label, s.field, out)
		}
		if s.rec > 0 {
			var res recordedResult
			decodeRecorded(r.t, r.recorded(s.rec).Response.Body, &res)
			rb := r.recorded(s.rec).Response.Body
			argErr := s.code == routes.CodeInvalidRequest && res.ErrorData == nil && strings.Contains(rb, "ArgumentValidationError")
			if !argErr && (res.ErrorData == nil || strings.ToLower(res.ErrorData.Code) != s.code) {
				r.t.Fatalf("%s: recording #%d is not a %s error: %s", label, s.rec, s.code, rb)
			}
		}
		return
	}
	if strings.Contains(string(out), "passwordHash") || strings.Contains(string(out), "$2a$") {
		r.t.Fatalf("%s: password hash in the answer: %s", label, out)
	}
	if s.rec == 0 {
		r.t.Fatalf("%s: a success must consume a recording", label)
	}
	var res recordedResult
	decodeRecorded(r.t, r.recorded(s.rec).Response.Body, &res)
	if res.Status != "success" {
		r.t.Fatalf("%s: recording #%d is not a success", label, s.rec)
	}
	r.matchRecorded(label, path, st, out, res.Value, s.save)
}

func decodeRecorded(t testing.TB, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("recorded body %s: %v", body, err)
	}
}

// matchRecorded checks the REST answer carries the recorded value: 204 for
// null, {id} for a created id, the same documents in the same order for a
// list (a page of the recorded page, or the first ?limit= of a whole list)
// and the same next cursor, the same document for a get, the same numbers
// for stats.
func (r *replayEnv) matchRecorded(label, path string, st int, out []byte, value json.RawMessage, save string) {
	r.t.Helper()
	fail := func(format string, args ...any) {
		r.t.Helper()
		r.t.Fatalf("%s: "+format+"\nanswer: %s\nrecorded value: %.600s", append(append([]any{label}, args...), out, value)...)
	}
	switch {
	case st == http.StatusNoContent:
		if string(value) != "null" || len(out) != 0 {
			fail("204 for a non-null value")
		}
	case st == http.StatusCreated:
		var id string
		_ = json.Unmarshal(value, &id)
		if got := decodeJSON[createdResponse](r.t, out).ID; got != id || id == "" {
			fail("created %q, recorded %q", got, id)
		}
		r.save(save, id)
	case strings.HasPrefix(string(value), "["), strings.Contains(string(value), `"page":`):
		r.matchList(label, path, out, value, save, fail)
	case strings.Contains(string(value), `"byMethod"`):
		var rec struct {
			Count convexclient.Int64 `json:"count"`
			Total float64            `json:"total"`
		}
		if err := convexclient.Unmarshal(value, &rec); err != nil {
			fail("%v", err)
		}
		got := decodeJSON[DonationsStatsResult](r.t, out)
		if int64(got.Count) != int64(rec.Count) || got.Total != rec.Total ||
			!strings.Contains(string(out), `"count":`+strconv.FormatInt(int64(rec.Count), 10)) {
			fail("stats differ")
		}
	default:
		var rec, got struct {
			ID string `json:"_id"`
		}
		_ = json.Unmarshal(value, &rec)
		_ = json.Unmarshal(out, &got)
		if rec.ID == "" || got.ID != rec.ID {
			fail("document %q, recorded %q", got.ID, rec.ID)
		}
	}
	if st == http.StatusOK && !strings.Contains(string(value), `"page":`) && !strings.HasPrefix(string(value), "[") {
		r.sameValue(out, value, fail) // a document or the stats: every field, as recorded
	}
}

// matchList compares a REST list answer with a recorded list value.
func (r *replayEnv) matchList(label, path string, out []byte, value json.RawMessage, save string, fail func(string, ...any)) {
	r.t.Helper()
	type doc struct {
		ID string `json:"_id"`
	}
	var want []doc
	wantNext := (*string)(nil)
	if strings.HasPrefix(string(value), "[") {
		_ = json.Unmarshal(value, &want)
		limit := 20
		if u, err := url.Parse(path); err == nil && u.Query().Get("limit") != "" {
			limit, _ = strconv.Atoi(u.Query().Get("limit"))
		}
		if len(want) > limit {
			want = want[:limit]
			wantNext = new(string) // some cursor: the gateway's own
		}
	} else {
		var p struct {
			Page           []doc  `json:"page"`
			IsDone         bool   `json:"isDone"`
			ContinueCursor string `json:"continueCursor"`
		}
		_ = json.Unmarshal(value, &p)
		want = p.Page
		if !p.IsDone {
			wantNext = &p.ContinueCursor
		}
	}
	got := decodeJSON[listBody[doc]](r.t, out)
	if len(got.Items) != len(want) {
		fail("%d items, recorded %d", len(got.Items), len(want))
	}
	// Every field of every item, as recorded: the data path drops nothing.
	var recItems []json.RawMessage
	if strings.HasPrefix(string(value), "[") {
		_ = json.Unmarshal(value, &recItems)
	} else {
		var p struct {
			Page []json.RawMessage `json:"page"`
		}
		_ = json.Unmarshal(value, &p)
		recItems = p.Page
	}
	gotItems := decodeJSON[listBody[json.RawMessage]](r.t, out).Items
	for i := range min(len(gotItems), len(recItems)) {
		r.sameValue(gotItems[i], recItems[i], fail)
	}
	for i := range want {
		if got.Items[i].ID != want[i].ID {
			fail("item %d is %s, recorded %s", i, got.Items[i].ID, want[i].ID)
		}
	}
	switch {
	case (got.NextCursor == nil) != (wantNext == nil):
		fail("nextCursor %v, want one: %v", got.NextCursor, wantNext != nil)
	case wantNext != nil && *wantNext != "" && *got.NextCursor != *wantNext:
		fail("nextCursor %q, recorded %q", *got.NextCursor, *wantNext)
	}
	if len(want) > 0 {
		r.save(save, want[0].ID)
	}
	if got.NextCursor != nil {
		r.vars["cursor"] = *got.NextCursor
	}
}

// sameValue fails unless the REST JSON rest is the recorded Convex value
// rec in REST form (restForm): the same fields with the same values.
func (r *replayEnv) sameValue(rest, rec []byte, fail func(string, ...any)) {
	r.t.Helper()
	want, err := restForm(rec)
	if err != nil {
		fail("recorded value: %v", err)
	}
	got, err := plainJSON(rest)
	if err != nil {
		fail("answer: %v", err)
	}
	if same, where := sameJSON(got, want, "$"); !same {
		fail("REST value differs from the recorded one at %s", where)
	}
}

func (r *replayEnv) save(name, v string) {
	if name != "" {
		r.vars[name] = v
	}
}

// asUser registers a session user whose id is the variable idVar (a deleted
// or foreign id: the session outlived its user).
func asUser(name, idVar string) func(r *replayEnv) error {
	return func(r *replayEnv) error {
		r.users[name] = accounts.Account{ID: r.fill(idVar, false), Role: "member", Name: name, Email: name + "@demo.test", Active: true}
		return nil
	}
}

// createNotification sends the internal notifications:create as the
// gateway does (deploy key, no identity).
func createNotification(user, title, body string) func(r *replayEnv) error {
	return func(r *replayEnv) error {
		_, err := r.bind.NotificationsCreate.Call(context.Background(), r.client,
			NotificationsCreateArgs{UserID: UsersID(r.vars[user]), Title: title, Body: body})
		return err
	}
}
