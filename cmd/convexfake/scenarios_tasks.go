package main

import "strings"

func scenarioTasks(s *session) {
	member := s.userID("member@demo.test")
	me := asUser(member)
	var before, pending []map[string]any
	s.ok(s.query("tasks:list", obj(), me), &before)
	s.ok(s.query("tasks:list", obj("status", "pending"), me), &pending)

	var tid string
	s.ok(s.mutation("tasks:create", obj("title", "  Write the recorder  ", "priority", "high"), me), &tid)
	var after []map[string]any
	s.ok(s.query("tasks:list", obj(), me), &after)
	if s.err == nil && (len(after) != len(before)+1 || id(after[0]) != tid || after[0]["title"] != "Write the recorder") {
		s.failf("new task not listed first (trimmed): %v", after)
	}
	s.ok(s.mutation("tasks:update", obj("id", tid, "title", "Write the replayer", "priority", "medium"), me), nil)
	s.ok(s.mutation("tasks:update", obj("id", tid, "status", "in progress"), me), nil)

	var notesBefore []map[string]any
	s.ok(s.query("notifications:list", obj(), me), &notesBefore)
	s.ok(s.mutation("tasks:update", obj("id", tid, "status", "completed"), me), nil)
	var notesAfter []map[string]any
	s.ok(s.query("notifications:list", obj(), me), &notesAfter)
	if s.err == nil && (len(notesAfter) != len(notesBefore)+1 || notesAfter[0]["title"] != "Task completed") {
		s.failf("completion made no notification: %v", notesAfter)
	}
	// Completing again schedules nothing.
	s.ok(s.mutation("tasks:update", obj("id", tid, "status", "completed", "title", "Write both"), me), nil)
	s.ok(s.query("notifications:list", obj("unreadOnly", true), me), nil)
	s.ok(s.query("tasks:list", obj("status", "completed"), me), nil)

	s.ok(s.mutation("tasks:remove", obj("id", tid), me), nil)
	s.ok(s.query("tasks:list", obj(), me), nil)
	s.fails(s.mutation("tasks:update", obj("id", tid, "status", "pending"), me), "NOT_FOUND")
	s.fails(s.mutation("tasks:remove", obj("id", tid), me), "NOT_FOUND")
}

func scenarioTaskErrors(s *session) {
	admin := s.userID("admin@demo.test")
	member := s.userID("member@demo.test")
	inactive := s.userID("inactive@demo.test")
	me := asUser(member)
	s.fails(s.mutation("tasks:create", obj("title", "   ", "priority", "high"), me), "INVALID")
	s.fails(s.mutation("tasks:create", obj("title", strings.Repeat("x", 201), "priority", "high"), me), "INVALID")
	s.failsWith(s.mutation("tasks:create", obj("title", "Bad priority", "priority", "urgent"), me), "ArgumentValidationError")
	s.failsWith(s.mutation("tasks:create", obj("title", "No priority"), me), "ArgumentValidationError")
	s.failsWith(s.mutation("tasks:create", obj("title", "Extra", "priority", "low", "owner", "x"), me), "ArgumentValidationError")
	s.failsWith(s.query("tasks:list", obj("status", "done"), me), "ArgumentValidationError")

	var adminTasks []map[string]any
	s.ok(s.query("tasks:list", obj(), asUser(admin)), &adminTasks)
	if s.err == nil && len(adminTasks) == 0 {
		s.failf("admin has no tasks")
		return
	}
	if s.err != nil {
		return
	}
	other := id(adminTasks[0])
	s.fails(s.mutation("tasks:update", obj("id", other, "status", "completed"), me), "FORBIDDEN")
	s.fails(s.mutation("tasks:remove", obj("id", other), me), "FORBIDDEN")
	// The title rule runs before NOT_FOUND/FORBIDDEN.
	s.fails(s.mutation("tasks:update", obj("id", other, "title", ""), me), "INVALID")

	s.fails(s.query("tasks:list", obj(), anon()), "UNAUTHENTICATED")
	s.fails(s.mutation("tasks:create", obj("title", "Anonymous", "priority", "low"), anon()), "UNAUTHENTICATED")
	s.fails(s.query("tasks:list", obj(), asUser(inactive)), "UNAUTHENTICATED")
	// An identity whose subject is not a user id.
	s.fails(s.query("tasks:list", obj(), asUser("not-a-user-id")), "UNAUTHENTICATED")
	s.fails(s.query("tasks:list", obj(), asUser(other)), "UNAUTHENTICATED")
}

func scenarioNotifications(s *session) {
	admin := s.userID("admin@demo.test")
	member := s.userID("member@demo.test")
	me := asUser(member)
	var all, unread []map[string]any
	s.ok(s.query("notifications:list", obj(), me), &all)
	s.ok(s.query("notifications:list", obj("unreadOnly", true), me), &unread)
	if s.err == nil && len(unread) == 0 {
		s.failf("member has no unread notifications")
		return
	}
	if s.err != nil {
		return
	}
	s.ok(s.mutation("notifications:markRead", obj("id", id(unread[0])), me), nil)
	// Marking an already read notification again is fine.
	s.ok(s.mutation("notifications:markRead", obj("id", id(unread[0])), me), nil)
	var unreadAfter []map[string]any
	s.ok(s.query("notifications:list", obj("unreadOnly", true), me), &unreadAfter)
	if s.err == nil && len(unreadAfter) != len(unread)-1 {
		s.failf("markRead did not mark: %d -> %d", len(unread), len(unreadAfter))
	}
	s.ok(s.query("notifications:list", obj("unreadOnly", false), me), nil)

	var adminNotes []map[string]any
	s.ok(s.query("notifications:list", obj(), asUser(admin)), &adminNotes)
	if s.err == nil && len(adminNotes) > 0 {
		s.fails(s.mutation("notifications:markRead", obj("id", id(adminNotes[0])), me), "FORBIDDEN")
	}
	s.fails(s.query("notifications:list", obj(), anon()), "UNAUTHENTICATED")

	// The gateway's internal notifications:create, as admin.
	var nid string
	s.ok(s.mutation("notifications:create", obj("userId", member, "title", "Welcome", "body", "Your account is ready."), asAdmin()), &nid)
	var latest []map[string]any
	s.ok(s.query("notifications:list", obj("unreadOnly", true), me), &latest)
	if s.err == nil && (len(latest) == 0 || id(latest[0]) != nid) {
		s.failf("created notification not listed first: %v", latest)
	}
}
