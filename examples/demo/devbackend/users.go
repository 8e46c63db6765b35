package devbackend

import "github.com/convexgw/convexgw/convexclient"

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
			path: "users:me", kind: convexclient.KindQuery,
			args: vObject(),
			run:  usersMe,
		},
		{
			path: "users:list", kind: convexclient.KindQuery,
			args: vObject(req("paginationOpts", paginationOpts())),
			run:  usersList,
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
