package main

// Password hashes the flows scenario writes: bcrypt (cost 4) of
// FlowsPassword and FlowsPassword2. The gateway salts every hash it makes,
// so its replay test (examples/demo/flows_replay_test.go) swaps the hash of
// each of these passwords for the one recorded here.
const (
	FlowsPassword  = "violet-harbor-lantern-42"
	FlowsHash      = "$2a$04$Tnl1/71AzWgGaDzJRfXlQeT/4fT6CSzVk0eDllJizmyIK7.aSHenO"
	FlowsPassword2 = "copper kettle rides north"
	FlowsHash2     = "$2a$04$W7.vhPhnOmty23pgRMjiS.Fr21ciXkOcPND8DNKDLq6wYbgzn0gNO"
)

// scenarioFlows is what the gateway sends to the accounts contract during
// the account flows, call for call, in the order the replay test drives
// them: forgotten passwords (known and unknown email), a reset (one
// refused after the token was consumed, one done), logins with the new and
// the old password, a password change (one refused), sign-ups for a new
// and a known email, a login refused until the address is verified, the
// verification, invitations (refused to a member, refused for an unknown
// role, sent by an admin), its acceptance, and verification re-sends.
func scenarioFlows(s *session) {
	lookup := func(email string) map[string]any {
		var u map[string]any // a fresh map: decoding merges into an existing one
		s.ok(s.query("auth:getUserByEmail", obj("email", email), asAdmin()), &u)
		return u
	}
	nobody := func(email string) {
		var none any = "unset"
		s.ok(s.query("auth:getUserByEmail", obj("email", email), asAdmin()), &none)
		if s.err == nil && none != nil {
			s.failf("getUserByEmail(%s) = %v, want null", email, none)
		}
	}
	const member, newbie, invitee = "member@demo.test", "newbie@demo.test", "invitee@demo.test"

	// Forgot password, twice for the member (the first link is left to
	// expire): the tasks look the addresses up.
	m := lookup(member)
	memberID := id(m)
	nobody("nobody@demo.test")
	lookup(member)
	// Reset: one refused by the policy once the account is known (the
	// token goes back), one done.
	lookup(member)
	lookup(member)
	s.ok(s.mutation("auth:updatePasswordHash", obj("userId", memberID, "passwordHash", FlowsHash), asAdmin()), nil)
	// Sign in with the new password, then the old one.
	if u := lookup(member); s.err == nil && u["passwordHash"] != FlowsHash {
		s.failf("member after the reset: %v", u)
	}
	lookup(member)
	// Change password: the account re-read by id, once refused (wrong
	// current password), once done.
	var byID map[string]any
	s.ok(s.query("auth:getUserById", obj("userId", memberID), asAdmin()), &byID)
	byID = nil
	s.ok(s.query("auth:getUserById", obj("userId", memberID), asAdmin()), &byID)
	s.ok(s.mutation("auth:updatePasswordHash", obj("userId", memberID, "passwordHash", FlowsHash2), asAdmin()), nil)
	lookup(member)

	// Sign-up: a new address, then a known one (the task finds its account).
	var newbieID string
	s.ok(s.mutation("auth:createUser", obj("email", newbie, "name", "Newbie Nguyen", "passwordHash", FlowsHash,
		"emailVerified", false), asAdmin()), &newbieID)
	s.fails(s.mutation("auth:createUser", obj("email", member, "name", "Someone Else", "passwordHash", FlowsHash,
		"emailVerified", false), asAdmin()), "EMAIL_TAKEN")
	if u := lookup(member); s.err == nil && u["passwordHash"] != FlowsHash2 {
		s.failf("the known account changed: %v", u)
	}
	// Login before and after the verification.
	if u := lookup(newbie); s.err == nil && u["emailVerified"] != false {
		s.failf("new account %v", u)
	}
	lookup(newbie)
	s.ok(s.mutation("auth:markEmailVerified", obj("userId", newbieID), asAdmin()), nil)
	if u := lookup(newbie); s.err == nil && u["emailVerified"] != true {
		s.failf("verified account %v", u)
	}

	// Invitations: the admin signs in; the check runs as the caller.
	admin := id(lookup("admin@demo.test"))
	s.fails(s.query("users:authorizeInvitation", obj("email", invitee, "role", "manager"), asUser(memberID)), "FORBIDDEN")
	s.fails(s.query("users:authorizeInvitation", obj("email", invitee, "role", "owner"), asUser(admin)), "INVALID")
	s.ok(s.query("users:authorizeInvitation", obj("email", invitee, "role", "manager"), asUser(admin)), nil)
	var inviteeID string
	s.ok(s.mutation("auth:createUser", obj("email", invitee, "name", "Ivy Invitee", "role", "manager",
		"emailVerified", false), asAdmin()), &inviteeID)
	// Accepted: the address verified, the first password set; then a login.
	if u := lookup(invitee); s.err == nil && (id(u) != inviteeID || u["passwordHash"] != nil) {
		s.failf("invitee %v", u)
	}
	s.ok(s.mutation("auth:markEmailVerified", obj("userId", inviteeID), asAdmin()), nil)
	s.ok(s.mutation("auth:updatePasswordHash", obj("userId", inviteeID, "passwordHash", FlowsHash), asAdmin()), nil)
	if u := lookup(invitee); s.err == nil && (u["passwordHash"] != FlowsHash || u["role"] != "manager" || u["emailVerified"] != true) {
		s.failf("invitee after accepting %v", u)
	}

	// Verification re-sends: an unknown and a verified address.
	nobody("nobody@demo.test")
	lookup(member)
}
