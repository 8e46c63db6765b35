// Package devbackend is an in-memory Go emulation of the demo app's Convex
// functions (convex/, specified in convex/CONTRACT.md), served by a
// convextest.Deployment. `go run ./cmd/convexfake -dev` serves it and the
// gateway embeds it for its one-command start, so the gateway runs without a
// Convex account. A replay test compares its answers with recordings of the
// TypeScript functions, so it mirrors them observably: values, key sets,
// orders, error data, argument validation messages and pagination.
//
// The store starts from the embedded seed (seed.json, shared with the Node
// runner in convex/), which holds these demo accounts (passwords stored as
// bcrypt cost-10 hashes):
//
//	email                password             role     active
//	admin@demo.test      demo-admin-pass      admin    yes
//	manager@demo.test    demo-manager-pass    manager  yes
//	member@demo.test     demo-member-pass     member   yes
//	inactive@demo.test   demo-inactive-pass   member   no
//
// plus 8 tasks and 4 notifications per user, 25 beneficiaries, 30
// donations and 12 meetings. Data lives in memory only and is lost on exit.
//
// Fidelity: arguments are checked with convex-test's validator semantics
// and messages ("ArgumentValidationError: Missing required field `id` in
// object"), pagination follows convex-test's paginate (cursor format,
// isDone when the page ends at the last document), and documents get
// _id/_creationTime like convex-test. With Options{RunnerClock: true, IDs:
// ConvexTestIDs} a Backend answers byte for byte like the Node runner in
// convex/runner after a reset: the same ids, times and cursors.
// TestAgainstNodeRunner checks that against a live runner when
// DEVBACKEND_RUNNER_URL is set; the cassette replay test checks it in CI.
package devbackend

// Account is a demo login of the seed data. The passwords are public demo
// values: never use them outside development.
type Account struct {
	Email    string
	Password string
	Role     string
	Active   bool
}

// DemoAccounts returns the seed's demo accounts, for the gateway's dev mode
// to print. The slice is new on every call.
func DemoAccounts() []Account {
	return []Account{
		{Email: "admin@demo.test", Password: "demo-admin-pass", Role: "admin", Active: true},
		{Email: "manager@demo.test", Password: "demo-manager-pass", Role: "manager", Active: true},
		{Email: "member@demo.test", Password: "demo-member-pass", Role: "member", Active: true},
		{Email: "inactive@demo.test", Password: "demo-inactive-pass", Role: "member", Active: false},
	}
}
