package main

import (
	"fmt"
	"sort"
	"strings"
)

// scenario is one recorded conversation with the demo app's functions.
// Scenarios send the args objects the gateway's typed bindings send
// (convex/CONTRACT.md) and check the answers they rely on, so a
// behaviour change in convex/ fails the recording instead of silently
// changing a cassette.
type scenario struct {
	name        string
	description string
	run         func(s *session)
}

// scenarios returns every scenario, sorted by name.
func scenarios() []scenario {
	all := []scenario{
		{"login", "login lookups via internal auth:getUserByEmail as admin: known, inactive, unknown and wrong-case emails", scenarioLogin},
		{"accounts", "account flows via internal auth functions as admin: createUser (an invitation, a sign-up), EMAIL_TAKEN, INVALID and validator errors, markEmailVerified, getUserById, updatePasswordHash for an invitee", scenarioAccounts},
		{"flows", "the account flows as the gateway runs them: forgot and reset password, login with the new and old password, change password, sign-up (new and known email), verification, invitations (FORBIDDEN, INVALID role, sent), acceptance, re-sends", scenarioFlows},
		{"login-update", "auth:updateLastLogin and auth:updatePasswordHash as admin, with NOT_FOUND and INVALID", scenarioLoginUpdate},
		{"users", "users:me and admin-only users:list (two pages), FORBIDDEN for a member, UNAUTHENTICATED for anonymous and inactive callers", scenarioUsers},
		{"tasks", "a member's tasks: list, create, update, complete (schedules a notification), remove, NOT_FOUND afterwards", scenarioTasks},
		{"tasks-errors", "task errors: INVALID title, validator errors, FORBIDDEN on another user's task, unauthenticated and inactive callers", scenarioTaskErrors},
		{"notifications", "notifications:list (all, unread only), markRead, FORBIDDEN on another user's notification, internal notifications:create as admin", scenarioNotifications},
		{"beneficiaries", "beneficiaries CRUD by a manager, pagination over two pages, status filter, NOT_FOUND, FORBIDDEN for a member, INVALID", scenarioBeneficiaries},
		{"donations", "donations CRUD, pagination over two pages, donations:stats with its int64 count, FORBIDDEN, INVALID and validator errors", scenarioDonations},
		{"meetings", "meetings CRUD by an admin, pagination over two pages, NOT_FOUND, FORBIDDEN, INVALID", scenarioMeetings},
		{"routes", "what the REST routes send for the remaining outcomes: inactive sessions, FORBIDDEN changes by a member, NOT_FOUND, ids of the wrong table", scenarioRoutes},
		{"visibility", "public callers asking for internal functions, unknown functions and the wrong function kind", scenarioVisibility},
		{"bearer", "calls with a Bearer JWT (user identity from the token's claims)", scenarioBearer},
	}
	sort.Slice(all, func(i, j int) bool { return all[i].name < all[j].name })
	return all
}

// selectScenarios returns the named scenarios ("" or "all" = every one;
// names separated by commas).
func selectScenarios(names string) ([]scenario, error) {
	all := scenarios()
	if names == "" || names == "all" {
		return all, nil
	}
	var out []scenario
	for _, n := range strings.Split(names, ",") {
		n = strings.TrimSpace(n)
		found := false
		for _, sc := range all {
			if sc.name == n {
				out = append(out, sc)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown scenario %q (have: %s)", n, strings.Join(scenarioNames(), ", "))
		}
	}
	return out, nil
}

func scenarioNames() []string {
	var out []string
	for _, sc := range scenarios() {
		out = append(out, sc.name)
	}
	return out
}

func scenarioLogin(s *session) {
	for _, email := range []string{"admin@demo.test", "member@demo.test", "inactive@demo.test"} {
		var u map[string]any
		s.ok(s.query("auth:getUserByEmail", obj("email", email), asAdmin()), &u)
		if s.err == nil && (u["email"] != email || u["passwordHash"] == nil) {
			s.failf("getUserByEmail(%s) = %v", email, u)
		}
	}
	for _, email := range []string{"nobody@demo.test", "Member@Demo.test"} {
		var u any = "unset"
		s.ok(s.query("auth:getUserByEmail", obj("email", email), asAdmin()), &u)
		if s.err == nil && u != nil {
			s.failf("getUserByEmail(%s) = %v, want null", email, u)
		}
	}
}

func scenarioLoginUpdate(s *session) {
	member := s.userID("member@demo.test")
	s.ok(s.mutation("auth:updateLastLogin", obj("userId", member, "at", 1767225690000.0), asAdmin()), nil)
	var u map[string]any
	s.ok(s.query("auth:getUserByEmail", obj("email", "member@demo.test"), asAdmin()), &u)
	if s.err == nil && u["lastLoginAt"] != 1767225690000.0 {
		s.failf("lastLoginAt not the login time: %v", u)
	}
	s.failsWith(s.mutation("auth:updateLastLogin", obj("userId", member), asAdmin()), "ArgumentValidationError")
	hash, _ := u["passwordHash"].(string)
	s.ok(s.mutation("auth:updatePasswordHash", obj("userId", member, "passwordHash", hash), asAdmin()), nil)
	s.fails(s.mutation("auth:updatePasswordHash", obj("userId", member, "passwordHash", ""), asAdmin()), "INVALID")
	// A user id that no longer exists: a removed task's id is not a users
	// id, so use the validator path too.
	task := s.createTask(member, "Temporary")
	s.ok(s.mutation("tasks:remove", obj("id", task), asUser(member)), nil)
	s.failsWith(s.mutation("auth:updateLastLogin", obj("userId", task, "at", 1.0), asAdmin()), "ArgumentValidationError")
}

func scenarioUsers(s *session) {
	admin := s.userID("admin@demo.test")
	member := s.userID("member@demo.test")
	inactive := s.userID("inactive@demo.test")
	var me map[string]any
	s.ok(s.query("users:me", obj(), asUser(member)), &me)
	if s.err == nil && (me["passwordHash"] != nil || me["email"] != "member@demo.test") {
		s.failf("users:me = %v", me)
	}
	var p1, p2 page
	s.ok(s.query("users:list", obj("paginationOpts", paginationOpts(3, "")), asUser(admin)), &p1)
	if s.err == nil && (len(p1.Page) != 3 || p1.IsDone) {
		s.failf("users:list page 1 = %+v", p1)
	}
	s.ok(s.query("users:list", obj("paginationOpts", paginationOpts(3, p1.ContinueCursor)), asUser(admin)), &p2)
	if s.err == nil && len(p2.Page) != 1 {
		s.failf("users:list page 2 = %+v", p2)
	}
	s.ok(s.query("users:list", obj("paginationOpts", paginationOpts(20, "")), asUser(admin)), nil)
	s.fails(s.query("users:list", obj("paginationOpts", paginationOpts(3, "")), asUser(member)), "FORBIDDEN")
	s.fails(s.query("users:me", obj(), anon()), "UNAUTHENTICATED")
	s.fails(s.query("users:me", obj(), asUser(inactive)), "UNAUTHENTICATED")
}

// createTask creates a task for user and returns its id.
func (s *session) createTask(user, title string) string {
	var tid string
	s.ok(s.mutation("tasks:create", obj("title", title, "priority", "low"), asUser(user)), &tid)
	return tid
}
