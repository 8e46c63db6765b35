package main

// scenarioRoutes records what the gateway's REST routes send for the
// outcomes the other scenarios leave out: an inactive user's session on
// each route's function (UNAUTHENTICATED), a member changing association
// tables (FORBIDDEN), NOT_FOUND on donations:update, meetings:remove and
// notifications:markRead, and ids of the wrong table that only the
// function's validator can refuse (ArgumentValidationError).
func scenarioRoutes(s *session) {
	managerID := s.userID("manager@demo.test")
	memberID := s.userID("member@demo.test")
	inactiveID := s.userID("inactive@demo.test")
	manager, member, inactive := asUser(managerID), asUser(memberID), asUser(inactiveID)

	// An inactive user's session: every function refuses it.
	first := obj("paginationOpts", paginationOpts(20, ""))
	s.fails(s.query("users:list", first, inactive), "UNAUTHENTICATED")
	s.fails(s.mutation("tasks:create", obj("title", "Still here?", "priority", "low"), inactive), "UNAUTHENTICATED")
	s.fails(s.query("notifications:list", obj(), inactive), "UNAUTHENTICATED")
	s.fails(s.query("donations:stats", obj(), inactive), "UNAUTHENTICATED")
	s.fails(s.query("beneficiaries:list", first, inactive), "UNAUTHENTICATED")
	s.fails(s.query("donations:list", first, inactive), "UNAUTHENTICATED")
	s.fails(s.query("meetings:list", first, inactive), "UNAUTHENTICATED")

	// A member may read the association tables but not change them.
	var bens, dons, meets page
	one := obj("paginationOpts", paginationOpts(1, ""))
	s.ok(s.query("beneficiaries:list", one, member), &bens)
	s.ok(s.query("donations:list", one, member), &dons)
	s.ok(s.query("meetings:list", one, member), &meets)
	if s.err != nil || len(bens.Page) == 0 || len(dons.Page) == 0 || len(meets.Page) == 0 {
		s.failf("empty association tables")
		return
	}
	s.fails(s.mutation("beneficiaries:update", obj("id", id(bens.Page[0]), "city", "Elsewhere"), member), "FORBIDDEN")
	s.fails(s.mutation("beneficiaries:remove", obj("id", id(bens.Page[0])), member), "FORBIDDEN")
	s.fails(s.mutation("donations:update", obj("id", id(dons.Page[0]), "amount", 1), member), "FORBIDDEN")
	s.fails(s.mutation("donations:remove", obj("id", id(dons.Page[0])), member), "FORBIDDEN")
	s.fails(s.mutation("meetings:update", obj("id", id(meets.Page[0]), "title", "Mine now"), member), "FORBIDDEN")
	s.fails(s.mutation("meetings:remove", obj("id", id(meets.Page[0])), member), "FORBIDDEN")

	// NOT_FOUND after removal.
	var did string
	s.ok(s.mutation("donations:create", obj("donorName", "Gone Soon", "amount", 5, "currency", "EUR", "method", "cash"), manager), &did)
	s.ok(s.mutation("donations:remove", obj("id", did), manager), nil)
	s.fails(s.mutation("donations:update", obj("id", did, "notes", "too late"), manager), "NOT_FOUND")
	var mid string
	s.ok(s.mutation("meetings:create", obj("title", "Cancelled", "startsAt", day0, "endsAt", day0+hourMs, "attendeeIds", []string{}), manager), &mid)
	s.ok(s.mutation("meetings:remove", obj("id", mid), manager), nil)
	s.fails(s.mutation("meetings:remove", obj("id", mid), manager), "NOT_FOUND")

	// A notification id that was never issued.
	var notes []map[string]any
	s.ok(s.query("notifications:list", obj(), member), &notes)
	if s.err != nil || len(notes) == 0 {
		s.failf("member has no notifications")
		return
	}
	s.fails(s.mutation("notifications:markRead", obj("id", "0000000000000099999notifications"), member), "NOT_FOUND")

	// Ids of another table: only the function's validator can tell.
	s.failsWith(s.mutation("tasks:update", obj("id", id(notes[0]), "status", "completed"), member), "ArgumentValidationError")
	s.failsWith(s.mutation("tasks:remove", obj("id", id(notes[0])), member), "ArgumentValidationError")
	s.failsWith(s.query("beneficiaries:get", obj("id", id(dons.Page[0])), member), "ArgumentValidationError")
}
