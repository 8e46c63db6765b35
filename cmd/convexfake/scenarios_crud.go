package main

import "github.com/convexgw/convexgw/convexclient"

// Fixed times the scenarios send (2026-01-02T09:00Z and later): chosen by
// the caller, so stable in every recording.
const (
	day0     = 1767344400000
	hourMs   = 3600000
	dayMs    = 24 * hourMs
	statFrom = 1764547200000 // 2025-12-01
	statTo   = 1767225600000 // 2026-01-01
)

// listTwoPages lists path's first two pages and checks they differ.
func (s *session) listTwoPages(path string, extra map[string]any, n int, c cred) (page, page) {
	args := func(cursor string) map[string]any {
		a := obj("paginationOpts", paginationOpts(n, cursor))
		for k, v := range extra {
			a[k] = v
		}
		return a
	}
	var p1, p2 page
	s.ok(s.query(path, args(""), c), &p1)
	if s.err == nil && (len(p1.Page) != n || p1.IsDone || p1.ContinueCursor == "") {
		s.failf("%s page 1: %d items, isDone %v", path, len(p1.Page), p1.IsDone)
	}
	s.ok(s.query(path, args(p1.ContinueCursor), c), &p2)
	if s.err == nil && (len(p2.Page) == 0 || id(p2.Page[0]) == id(p1.Page[0])) {
		s.failf("%s page 2 repeats page 1 or is empty", path)
	}
	return p1, p2
}

func scenarioBeneficiaries(s *session) {
	manager := asUser(s.userID("manager@demo.test"))
	member := asUser(s.userID("member@demo.test"))
	// 20 is the gateway's default page size (25 seeded: 20 + 5).
	p1, _ := s.listTwoPages("beneficiaries:list", nil, 20, member)
	s.listTwoPages("beneficiaries:list", obj("status", "active"), 5, member)
	s.ok(s.query("beneficiaries:list", obj("paginationOpts", paginationOpts(10, ""), "status", "inactive"), member), nil)
	if s.err != nil {
		return
	}
	s.ok(s.query("beneficiaries:get", obj("id", id(p1.Page[0])), member), nil)

	var bid string
	s.ok(s.mutation("beneficiaries:create", obj("fullName", " Nora Newcomer ", "phone", "+49 30 1234567", "city", "Berlin"), manager), &bid)
	s.ok(s.query("beneficiaries:get", obj("id", bid), member), nil)
	s.ok(s.mutation("beneficiaries:update", obj("id", bid, "notes", "Needs a wheelchair ramp.", "status", "inactive", "address", ""), manager), nil)
	s.ok(s.query("beneficiaries:get", obj("id", bid), member), nil)
	s.ok(s.mutation("beneficiaries:remove", obj("id", bid), manager), nil)
	s.fails(s.query("beneficiaries:get", obj("id", bid), member), "NOT_FOUND")
	s.fails(s.mutation("beneficiaries:update", obj("id", bid, "city", "Hamburg"), manager), "NOT_FOUND")
	s.fails(s.mutation("beneficiaries:remove", obj("id", bid), manager), "NOT_FOUND")

	s.fails(s.mutation("beneficiaries:create", obj("fullName", "Mallory Member"), member), "FORBIDDEN")
	s.fails(s.mutation("beneficiaries:create", obj("fullName", "  "), manager), "INVALID")
	s.fails(s.query("beneficiaries:list", obj("paginationOpts", paginationOpts(0, "")), member), "INVALID")
	s.fails(s.query("beneficiaries:list", obj("paginationOpts", paginationOpts(101, "")), member), "INVALID")
	s.failsWith(s.query("beneficiaries:list", obj("paginationOpts", paginationOpts(5, ""), "status", "gone"), member), "ArgumentValidationError")
	s.fails(s.query("beneficiaries:list", obj("paginationOpts", paginationOpts(5, "")), anon()), "UNAUTHENTICATED")
}

func scenarioDonations(s *session) {
	manager := asUser(s.userID("manager@demo.test"))
	member := asUser(s.userID("member@demo.test"))
	p1, _ := s.listTwoPages("donations:list", nil, 20, member)
	var bens page
	s.ok(s.query("beneficiaries:list", obj("paginationOpts", paginationOpts(1, "")), member), &bens)
	if s.err != nil || len(bens.Page) == 0 {
		s.failf("no beneficiary to donate to")
		return
	}
	s.ok(s.query("donations:get", obj("id", id(p1.Page[0])), member), nil)

	var did string
	s.ok(s.mutation("donations:create", obj("donorName", "Dora Donor", "amount", 42.5, "currency", "EUR", "method", "bank",
		"beneficiaryId", id(bens.Page[0]), "receivedAt", day0, "notes", "Monthly"), manager), &did)
	s.ok(s.query("donations:get", obj("id", did), member), nil)
	s.ok(s.mutation("donations:update", obj("id", did, "amount", 50, "method", "card"), manager), nil)
	s.ok(s.query("donations:get", obj("id", did), member), nil)

	var stats struct {
		Count convexclient.Int64 `json:"count"`
		Total float64            `json:"total"`
	}
	s.ok(s.query("donations:stats", obj(), manager), &stats)
	if s.err == nil && stats.Count <= 0 {
		s.failf("stats count %d", stats.Count)
	}
	s.ok(s.query("donations:stats", obj("from", statFrom, "to", statTo), manager), nil)
	s.ok(s.query("donations:stats", obj("from", day0), manager), nil)
	s.fails(s.query("donations:stats", obj(), member), "FORBIDDEN")
	s.fails(s.query("donations:stats", obj("from", statTo, "to", statFrom), manager), "INVALID")

	s.ok(s.mutation("donations:remove", obj("id", did), manager), nil)
	s.fails(s.query("donations:get", obj("id", did), member), "NOT_FOUND")
	s.fails(s.mutation("donations:remove", obj("id", did), manager), "NOT_FOUND")

	base := func(kv ...any) map[string]any {
		a := obj("donorName", "Eve Error", "amount", 10, "currency", "EUR", "method", "cash")
		for k, v := range pairs(kv) {
			a[k] = v
		}
		return a
	}
	s.fails(s.mutation("donations:create", base("currency", "eur"), manager), "INVALID")
	s.fails(s.mutation("donations:create", base("amount", -1), manager), "INVALID")
	s.fails(s.mutation("donations:create", base("amount", 1.7e308), manager), "INVALID")
	s.fails(s.mutation("donations:create", base("donorName", ""), manager), "INVALID")
	s.failsWith(s.mutation("donations:create", base("amount", "10"), manager), "ArgumentValidationError")
	s.failsWith(s.mutation("donations:create", base("method", "paypal"), manager), "ArgumentValidationError")
	s.fails(s.mutation("donations:create", base(), member), "FORBIDDEN")
}

func scenarioMeetings(s *session) {
	adminID := s.userID("admin@demo.test")
	managerID := s.userID("manager@demo.test")
	memberID := s.userID("member@demo.test")
	admin, member := asUser(adminID), asUser(memberID)
	p1, _ := s.listTwoPages("meetings:list", nil, 8, member)
	if s.err != nil {
		return
	}
	// The gateway's default page size: all 12 seeded meetings in one page.
	var all page
	s.ok(s.query("meetings:list", obj("paginationOpts", paginationOpts(20, "")), admin), &all)
	if s.err == nil && (!all.IsDone || len(all.Page) != 12) {
		s.failf("meetings:list(20): %d items, isDone %v", len(all.Page), all.IsDone)
	}
	s.ok(s.query("meetings:get", obj("id", id(p1.Page[0])), member), nil)

	var mid string
	s.ok(s.mutation("meetings:create", obj("title", "Volunteer briefing", "startsAt", day0, "endsAt", day0+hourMs,
		"location", "Hall B", "attendeeIds", []string{memberID, managerID}), admin), &mid)
	s.ok(s.query("meetings:get", obj("id", mid), member), nil)
	s.ok(s.mutation("meetings:update", obj("id", mid, "status", "completed", "notes", "Went well.", "endsAt", day0+2*hourMs), admin), nil)
	s.ok(s.query("meetings:get", obj("id", mid), member), nil)
	s.fails(s.mutation("meetings:update", obj("id", mid, "endsAt", day0-dayMs), admin), "INVALID")
	s.ok(s.mutation("meetings:remove", obj("id", mid), admin), nil)
	s.fails(s.query("meetings:get", obj("id", mid), member), "NOT_FOUND")
	s.fails(s.mutation("meetings:update", obj("id", mid, "title", "Gone"), admin), "NOT_FOUND")

	s.fails(s.mutation("meetings:create", obj("title", "Backwards", "startsAt", day0, "endsAt", day0, "attendeeIds", []string{}), admin), "INVALID")
	s.fails(s.mutation("meetings:create", obj("title", "Members only", "startsAt", day0, "endsAt", day0+hourMs, "attendeeIds", []string{}), member), "FORBIDDEN")
	s.failsWith(s.mutation("meetings:create", obj("title", "No end", "startsAt", day0, "attendeeIds", []string{}), admin), "ArgumentValidationError")
}

func scenarioVisibility(s *session) {
	member := s.userID("member@demo.test")
	s.failsWith(s.query("auth:getUserByEmail", obj("email", "admin@demo.test"), anon()), "Could not find public function for 'auth:getUserByEmail'")
	s.failsWith(s.mutation("notifications:create", obj("userId", member, "title", "Spoof", "body", "x"), withBearer(member)), "Could not find public function for 'notifications:create'")
	s.failsWith(s.mutation("auth:updatePasswordHash", obj("userId", member, "passwordHash", "x"), anon()), "Could not find public function")
	s.failsWith(s.query("tasks:nope", obj(), asUser(member)), "Could not find public function for 'tasks:nope'")
	s.failsWith(s.query("tasks:create", obj("title", "Wrong kind", "priority", "low"), asUser(member)), "as Query, but it is defined as Mutation")
	s.failsWith(s.mutation("tasks:list", obj(), asUser(member)), "as Mutation, but it is defined as Query")
}

func scenarioBearer(s *session) {
	member := s.userID("member@demo.test")
	inactive := s.userID("inactive@demo.test")
	s.ok(s.query("users:me", obj(), withBearer(member)), nil)
	s.ok(s.run("tasks:list", obj("status", "pending"), withBearer(member)), nil) // /api/run: the function's kind decides
	var tid string
	s.ok(s.mutation("tasks:create", obj("title", "From a token", "priority", "medium"), withBearer(member)), &tid)
	s.ok(s.run("tasks:remove", obj("id", tid), withBearer(member)), nil)
	s.fails(s.query("users:me", obj(), withBearer(inactive)), "UNAUTHENTICATED")
}
