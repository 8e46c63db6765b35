package demo

import (
	"net/http"
	"strings"
	"testing"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/routes"
)

// The generic Resource end to end, on the association tables.

func TestBeneficiariesRoutes(t *testing.T) {
	env := newTestEnv(t, routes.IdentityAdmin)
	all := collect(t, env, "/api/beneficiaries?limit=7", "member", func(b BeneficiariesDoc) string { return string(b.ID) })
	if len(all) != 25 {
		t.Fatalf("%d beneficiaries, want the 25 seeded", len(all))
	}
	for _, b := range collect(t, env, "/api/beneficiaries?status=inactive", "member", func(b BeneficiariesDoc) string { return string(b.ID) }) {
		if b.Status != "inactive" {
			t.Fatalf("status filter: %+v", b)
		}
	}
	st, body := env.do(http.MethodGet, "/api/beneficiaries/"+string(all[0].ID), "member", nil)
	if got := decodeJSON[BeneficiariesDoc](t, body); st != http.StatusOK || got.ID != all[0].ID || got.FullName != all[0].FullName {
		t.Fatalf("get: %d %s", st, body)
	}

	newB := map[string]any{"fullName": "Grace Hopper", "city": "Arlington", "notes": "first contact"}
	st, body = env.do(http.MethodPost, "/api/beneficiaries", "member", newB)
	wantError(t, st, body, http.StatusForbidden, "forbidden")
	st, body = env.do(http.MethodPost, "/api/beneficiaries", "manager", map[string]any{"city": 5, "status": "gone"})
	eb := wantError(t, st, body, http.StatusBadRequest, routes.CodeInvalidRequest)
	if len(eb.Error.Fields) != 3 || eb.Error.Fields["fullName"] == "" || eb.Error.Fields["city"] == "" ||
		eb.Error.Fields["status"] != "must be one of: active, inactive" {
		t.Fatalf("fields: %v", eb.Error.Fields)
	}
	st, body = env.do(http.MethodPost, "/api/beneficiaries", "manager", newB)
	if st != http.StatusCreated {
		t.Fatalf("create: %d %s", st, body)
	}
	id := decodeJSON[createdResponse](t, body).ID
	if st, body = env.do(http.MethodPatch, "/api/beneficiaries/"+id, "manager", map[string]any{"status": "inactive", "phone": "+1 555"}); st != http.StatusNoContent {
		t.Fatalf("update: %d %s", st, body)
	}
	st, body = env.do(http.MethodGet, "/api/beneficiaries/"+id, "member", nil)
	got := decodeJSON[BeneficiariesDoc](t, body)
	if got.Status != "inactive" || got.Phone != convexclient.Some("+1 555") || got.City != convexclient.Some("Arlington") {
		t.Fatalf("after update: %s", body)
	}
	st, body = env.do(http.MethodPatch, "/api/beneficiaries/"+id, "manager", map[string]any{"fullName": strings.Repeat("x", 201)})
	wantError(t, st, body, http.StatusBadRequest, routes.CodeInvalidRequest)
	st, body = env.do(http.MethodDelete, "/api/beneficiaries/"+id, "member", nil)
	wantError(t, st, body, http.StatusForbidden, "forbidden")
	if st, body = env.do(http.MethodDelete, "/api/beneficiaries/"+id, "admin", nil); st != http.StatusNoContent {
		t.Fatalf("delete: %d %s", st, body)
	}
	st, body = env.do(http.MethodGet, "/api/beneficiaries/"+id, "member", nil)
	wantError(t, st, body, http.StatusNotFound, "not_found")
	st, body = env.do(http.MethodPatch, "/api/beneficiaries/"+id, "manager", map[string]any{"city": "x"})
	wantError(t, st, body, http.StatusNotFound, "not_found")
	st, body = env.do(http.MethodDelete, "/api/beneficiaries/"+id, "manager", nil)
	wantError(t, st, body, http.StatusNotFound, "not_found")

	// A donation naming the deleted beneficiary: the function's INVALID → 422.
	st, body = env.do(http.MethodPost, "/api/donations", "manager",
		map[string]any{"donorName": "A", "amount": 5, "currency": "EUR", "method": "card", "beneficiaryId": id})
	eb = wantError(t, st, body, http.StatusUnprocessableEntity, "invalid")
	if eb.Error.Fields["beneficiaryId"] == "" {
		t.Fatalf("INVALID field not mapped: %s", body)
	}
}

func TestMeetingsRoutes(t *testing.T) {
	env := newTestEnv(t, routes.IdentityAdmin)
	all := collect(t, env, "/api/meetings?limit=5", "member", func(m MeetingsDoc) string { return string(m.ID) })
	if len(all) != 12 {
		t.Fatalf("%d meetings, want 12", len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i].StartsAt < all[i-1].StartsAt {
			t.Fatalf("meetings not by start time")
		}
	}
	m := map[string]any{"title": "Planning", "startsAt": 1767225600000, "endsAt": 1767229200000,
		"attendeeIds": []string{env.users["member"].ID, env.users["manager"].ID}}
	st, body := env.do(http.MethodPost, "/api/meetings", "member", m)
	wantError(t, st, body, http.StatusForbidden, "forbidden")
	st, body = env.do(http.MethodPost, "/api/meetings", "admin", m)
	if st != http.StatusCreated {
		t.Fatalf("create: %d %s", st, body)
	}
	id := decodeJSON[createdResponse](t, body).ID
	st, body = env.do(http.MethodGet, "/api/meetings/"+id, "member", nil)
	if got := decodeJSON[MeetingsDoc](t, body); st != http.StatusOK || len(got.AttendeeIDs) != 2 || got.Status != "scheduled" {
		t.Fatalf("get: %d %s", st, body)
	}
	st, body = env.do(http.MethodPost, "/api/meetings", "admin", map[string]any{"title": "x", "startsAt": 2, "endsAt": 1, "attendeeIds": []string{}})
	eb := wantError(t, st, body, http.StatusBadRequest, routes.CodeInvalidRequest)
	if eb.Error.Fields["endsAt"] != "endsAt must be after startsAt" {
		t.Fatalf("fields: %v", eb.Error.Fields)
	}
	// A valid-looking id of a user that does not exist: the function decides (422).
	st, body = env.do(http.MethodPatch, "/api/meetings/"+id, "admin", map[string]any{"attendeeIds": []string{id}})
	wantError(t, st, body, http.StatusBadRequest, routes.CodeInvalidRequest) // an id of another table
	st, body = env.do(http.MethodGet, "/api/meetings/"+env.users["admin"].ID, "admin", nil)
	wantError(t, st, body, http.StatusBadRequest, routes.CodeInvalidRequest)
	if st, body = env.do(http.MethodPatch, "/api/meetings/"+id, "manager", map[string]any{"status": "cancelled"}); st != http.StatusNoContent {
		t.Fatalf("update: %d %s", st, body)
	}
	if st, body = env.do(http.MethodDelete, "/api/meetings/"+id, "manager", nil); st != http.StatusNoContent {
		t.Fatalf("delete: %d %s", st, body)
	}
	st, body = env.do(http.MethodGet, "/api/meetings/"+id, "admin", nil)
	wantError(t, st, body, http.StatusNotFound, "not_found")
}
