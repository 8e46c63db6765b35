package devbackend

import "github.com/convexgw/convexgw/convexclient"

// roles are the users table's role values (convex/lib/validators.ts).
var roles = []string{"admin", "manager", "member"}

// userFunctions are convex/auth.ts (internal) and convex/users.ts.
func userFunctions() []function {
	return []function{
		{
			path: "auth:getUserByEmail", kind: convexclient.KindQuery, internal: true,
			args: vObject(req("email", vString())),
			run:  getUserByEmail,
		},
		{
			path: "auth:updateLastLogin", kind: convexclient.KindMutation, internal: true,
			args: vObject(req("userId", vID("users")), req("at", vNumber())),
			run:  updateLastLogin,
		},
		{
			path: "auth:updatePasswordHash", kind: convexclient.KindMutation, internal: true,
			args: vObject(req("userId", vID("users")), req("passwordHash", vString())),
			run:  updatePasswordHash,
		},
		{
			path: "auth:getUserById", kind: convexclient.KindQuery, internal: true,
			args: vObject(req("userId", vString())),
			run:  getUserByID,
		},
		{
			path: "auth:createUser", kind: convexclient.KindMutation, internal: true,
			args: vObject(
				req("email", vString()),
				req("name", vString()),
				opt("role", vLiterals(roles...)),
				opt("passwordHash", vString()),
				req("emailVerified", vBoolean()),
			),
			run: createUser,
		},
		{
			path: "auth:markEmailVerified", kind: convexclient.KindMutation, internal: true,
			args: vObject(req("userId", vID("users"))),
			run:  markEmailVerified,
		},
		{
			path: "users:me", kind: convexclient.KindQuery,
			args: vObject(),
			run:  usersMe,
		},
		{
			path: "users:list", kind: convexclient.KindQuery,
			args: vObject(req("paginationOpts", paginationOpts())),
			run:  usersList,
		},
		{
			path: "users:authorizeInvitation", kind: convexclient.KindQuery,
			args: vObject(req("email", vString()), req("role", vString())),
			run:  authorizeInvitation,
		},
	}
}

// getUserByEmail: index by_email, exact match, first by _creationTime; the
// full document with passwordHash, or null. No identity check.
func getUserByEmail(c *callCtx) (any, error) {
	email, _ := c.str("email")
	users := c.db.scan("users", []string{"email", "_creationTime", "_id"}, false, func(d doc) bool {
		return d["email"] == email
	})
	if len(users) == 0 {
		return nil, nil
	}
	return users[0], nil
}

func updateLastLogin(c *callCtx) (any, error) {
	id, _ := c.str("userId")
	if _, err := found(c.db.get("users", id)); err != nil {
		return nil, err
	}
	at, _ := c.num("at")
	c.db.patch("users", id, doc{"lastLoginAt": at})
	return nil, nil
}

func updatePasswordHash(c *callCtx) (any, error) {
	id, _ := c.str("userId")
	if _, err := found(c.db.get("users", id)); err != nil {
		return nil, err
	}
	hash, _ := c.str("passwordHash")
	if hash == "" {
		return nil, invalid("passwordHash", "passwordHash must not be empty")
	}
	c.db.patch("users", id, doc{"passwordHash": hash})
	return nil, nil
}

// getUserByID: null when the string is not a users id or the user is gone;
// else the full document (with passwordHash). No identity check.
func getUserByID(c *callCtx) (any, error) {
	id, _ := c.str("userId")
	if c.db.tableOf(id) != "users" {
		return nil, nil
	}
	if u := c.db.get("users", id); u != nil {
		return u, nil
	}
	return nil, nil
}

// createUser: INVALID email, requiredText name, INVALID passwordHash, then
// EMAIL_TAKEN, in that order; inserts an active user (role "member" by
// default, passwordHash only when given).
func createUser(c *callCtx) (any, error) {
	email, _ := c.str("email")
	if email == "" {
		return nil, invalid("email", "email must not be empty")
	}
	name, _ := c.str("name")
	name, err := requiredText("name", name, maxName)
	if err != nil {
		return nil, err
	}
	hash, hasHash := c.str("passwordHash")
	if hasHash && hash == "" {
		return nil, invalid("passwordHash", "passwordHash must not be empty")
	}
	taken := c.db.scan("users", []string{"email", "_creationTime", "_id"}, false, func(d doc) bool { return d["email"] == email })
	if len(taken) > 0 {
		return nil, &convexError{Code: "EMAIL_TAKEN"}
	}
	role, ok := c.str("role")
	if !ok {
		role = "member"
	}
	verified, _ := c.boolean("emailVerified")
	fields := doc{"email": email, "name": name, "role": role, "isActive": true, "emailVerified": verified}
	if hasHash {
		fields["passwordHash"] = hash
	}
	return c.db.insert("users", fields, c.now), nil
}

// markEmailVerified: NOT_FOUND for a missing user, else emailVerified = true.
func markEmailVerified(c *callCtx) (any, error) {
	id, _ := c.str("userId")
	if _, err := found(c.db.get("users", id)); err != nil {
		return nil, err
	}
	c.db.patch("users", id, doc{"emailVerified": true})
	return nil, nil
}

func usersMe(c *callCtx) (any, error) {
	u, err := c.requireUser()
	if err != nil {
		return nil, err
	}
	return publicUser(u), nil
}

// usersList: admin only; table order ascending by _creationTime.
func usersList(c *callCtx) (any, error) {
	if _, err := c.requireRole("admin"); err != nil {
		return nil, err
	}
	o := c.pageOpts()
	if err := checkPageSize(o.numItems); err != nil {
		return nil, err
	}
	fields := []string{"_creationTime"}
	res, err := paginate(c.db.scan("users", fields, false, nil), fields, false, o)
	if err != nil {
		return nil, err
	}
	for i, u := range res.Page {
		res.Page[i] = publicUser(u)
	}
	return res, nil
}

// authorizeInvitation: admin only (requireRole), then INVALID("role") for
// a role the app does not have; null.
func authorizeInvitation(c *callCtx) (any, error) {
	if _, err := c.requireRole("admin"); err != nil {
		return nil, err
	}
	role, _ := c.str("role")
	for _, r := range roles {
		if r == role {
			return nil, nil
		}
	}
	return nil, invalid("role", "role must be one of admin, manager, member")
}
