package devbackend

import "maps"

// Roles allowed to manage beneficiaries, donations and meetings.
var staff = []string{"admin", "manager"}

// requireUser returns the calling user, or UNAUTHENTICATED when there is no
// identity, the subject is not a users id, the user does not exist or is
// inactive (convex/lib/access.ts).
func (c *callCtx) requireUser() (doc, error) {
	if c.identity == nil {
		return nil, errUnauthenticated
	}
	if c.db.tableOf(c.identity.Subject) != "users" {
		return nil, errUnauthenticated
	}
	u := c.db.get("users", c.identity.Subject)
	if u == nil || u["isActive"] != true {
		return nil, errUnauthenticated
	}
	return u, nil
}

// requireRole is requireUser, then FORBIDDEN unless the role is in roles.
func (c *callCtx) requireRole(roles ...string) (doc, error) {
	u, err := c.requireUser()
	if err != nil {
		return nil, err
	}
	role, _ := u["role"].(string)
	for _, r := range roles {
		if r == role {
			return u, nil
		}
	}
	return nil, errForbidden
}

// found is NOT_FOUND for a nil document.
func found(d doc) (doc, error) {
	if d == nil {
		return nil, errNotFound
	}
	return d, nil
}

// owned returns the document id of table if it belongs to u (its userId),
// NOT_FOUND when it does not exist, FORBIDDEN when it is someone else's
// (convex/lib/access.ts).
func (c *callCtx) owned(table, id string, u doc) (doc, error) {
	d, err := found(c.db.get(table, id))
	if err != nil {
		return nil, err
	}
	if d["userId"] != u["_id"] {
		return nil, errForbidden
	}
	return d, nil
}

// publicUser strips passwordHash.
func publicUser(u doc) doc {
	p := maps.Clone(u)
	delete(p, "passwordHash")
	return p
}

// The accessors below read validated args, so types are already checked.

func (c *callCtx) str(name string) (string, bool) {
	v, ok := c.args.get(name)
	s, _ := v.(string)
	return s, ok
}

func (c *callCtx) num(name string) (float64, bool) {
	v, ok := c.args.get(name)
	f, _ := v.(float64)
	return f, ok
}

func (c *callCtx) boolean(name string) (bool, bool) {
	v, ok := c.args.get(name)
	b, _ := v.(bool)
	return b, ok
}

func (c *callCtx) list(name string) ([]any, bool) {
	v, ok := c.args.get(name)
	l, _ := v.([]any)
	return l, ok
}

// pageOpts reads the validated paginationOpts argument.
func (c *callCtx) pageOpts() pageOpts {
	v, _ := c.args.get("paginationOpts")
	o, _ := v.(*object)
	var p pageOpts
	p.numItems, _ = o.vals["numItems"].(float64)
	if s, ok := o.vals["cursor"].(string); ok {
		p.cursor = &s
	}
	if s, ok := o.vals["endCursor"].(string); ok {
		p.endCursor = &s
	}
	p.maximumRowsRead, _ = o.vals["maximumRowsRead"].(float64)
	p.maximumBytesRead, _ = o.vals["maximumBytesRead"].(float64)
	return p
}

// text applies optionalText to the optional string arg name and records the
// trimmed value in set when present.
func (c *callCtx) text(set doc, name string, max int, required bool) error {
	v, ok := c.str(name)
	if !ok {
		return nil
	}
	var t string
	var err error
	if required {
		t, err = requiredText(name, v, max)
	} else {
		t, err = optionalText(name, v, max)
	}
	if err != nil {
		return err
	}
	set[name] = t
	return nil
}

// copyArg records arg name in set when present.
func (c *callCtx) copyArg(set doc, name string) {
	if v, ok := c.args.get(name); ok {
		set[name] = v
	}
}

// nonNil turns a nil slice into an empty one (a JSON array, not null).
func nonNil(ds []doc) []doc {
	if ds == nil {
		return []doc{}
	}
	return ds
}
