package main

// scenarioAccounts is what the account flows send through package
// accounts: auth:createUser (an invitation without a password, a sign-up
// with one), its errors in their order, auth:markEmailVerified,
// auth:getUserById and auth:updatePasswordHash on the new accounts.
func scenarioAccounts(s *session) {
	member := s.userID("member@demo.test")
	var m map[string]any
	s.ok(s.query("auth:getUserByEmail", obj("email", "member@demo.test"), asAdmin()), &m)
	hash, _ := m["passwordHash"].(string)

	// An invitation: no password yet, not verified, a role.
	var invited string
	s.ok(s.mutation("auth:createUser", obj("email", "new@demo.test", "name", "  New Person ", "role", "manager",
		"emailVerified", false), asAdmin()), &invited)
	var u map[string]any
	s.ok(s.query("auth:getUserById", obj("userId", invited), asAdmin()), &u)
	// Each read below decodes into a fresh map (decoding merges into an existing one).
	if s.err == nil && (u["name"] != "New Person" || u["role"] != "manager" || u["emailVerified"] != false ||
		u["isActive"] != true || u["passwordHash"] != nil) {
		s.failf("invited user %v", u)
	}
	u = nil
	s.ok(s.query("auth:getUserByEmail", obj("email", "new@demo.test"), asAdmin()), &u)
	if s.err == nil && id(u) != invited {
		s.failf("getUserByEmail(new) = %v", u)
	}

	// Errors, in the contract's order; nothing is created.
	s.fails(s.mutation("auth:createUser", obj("email", "new@demo.test", "name", "Again", "emailVerified", true), asAdmin()), "EMAIL_TAKEN")
	s.fails(s.mutation("auth:createUser", obj("email", "member@demo.test", "name", "Member", "passwordHash", hash,
		"emailVerified", false), asAdmin()), "EMAIL_TAKEN")
	s.fails(s.mutation("auth:createUser", obj("email", "", "name", "  ", "emailVerified", false), asAdmin()), "INVALID")
	s.fails(s.mutation("auth:createUser", obj("email", "member@demo.test", "name", "  ", "emailVerified", false), asAdmin()), "INVALID")
	s.fails(s.mutation("auth:createUser", obj("email", "member@demo.test", "name", "M", "passwordHash", "", "emailVerified", false), asAdmin()), "INVALID")
	s.failsWith(s.mutation("auth:createUser", obj("email", "x@demo.test", "name", "X", "role", "owner", "emailVerified", false), asAdmin()), "ArgumentValidationError")
	s.failsWith(s.mutation("auth:createUser", obj("email", "x@demo.test", "name", "X"), asAdmin()), "ArgumentValidationError")

	// A sign-up: a password, not verified, the default role; then verified.
	var signup string
	s.ok(s.mutation("auth:createUser", obj("email", "signup@demo.test", "name", "Sign Up", "passwordHash", hash,
		"emailVerified", false), asAdmin()), &signup)
	s.ok(s.mutation("auth:markEmailVerified", obj("userId", signup), asAdmin()), nil)
	s.ok(s.mutation("auth:markEmailVerified", obj("userId", signup), asAdmin()), nil) // idempotent
	u = nil
	s.ok(s.query("auth:getUserById", obj("userId", signup), asAdmin()), &u)
	if s.err == nil && (u["role"] != "member" || u["emailVerified"] != true || u["passwordHash"] != hash) {
		s.failf("signed-up user %v", u)
	}

	// The invitee sets a password.
	s.ok(s.mutation("auth:updatePasswordHash", obj("userId", invited, "passwordHash", hash), asAdmin()), nil)
	u = nil
	s.ok(s.query("auth:getUserByEmail", obj("email", "new@demo.test"), asAdmin()), &u)
	if s.err == nil && u["passwordHash"] != hash {
		s.failf("invitee after setting a password %v", u)
	}

	// Lookups by id: a seed user (no emailVerified: predates verification),
	// ids that are not users, a string that is no id.
	var seeded map[string]any // a fresh map: decoding merges into an existing one
	s.ok(s.query("auth:getUserById", obj("userId", member), asAdmin()), &seeded)
	if _, has := seeded["emailVerified"]; s.err == nil && (id(seeded) != member || has) {
		s.failf("getUserById(member) = %v", seeded)
	}
	task := s.createTask(member, "Temporary")
	for _, other := range []string{task, "nope"} {
		var none any = "unset"
		s.ok(s.query("auth:getUserById", obj("userId", other), asAdmin()), &none)
		if s.err == nil && none != nil {
			s.failf("getUserById(%s) = %v, want null", other, none)
		}
	}
	s.failsWith(s.mutation("auth:markEmailVerified", obj("userId", task), asAdmin()), "ArgumentValidationError")
	// Internal functions stay out of reach of users.
	s.failsWith(s.mutation("auth:createUser", obj("email", "y@demo.test", "name", "Y", "emailVerified", true), withBearer(member)), "Could not find public function")
}
