package devbackend

import "github.com/convexgw/convexgw/convexclient"

var beneficiaryStatus = []string{"active", "inactive"}

// beneficiaryFunctions are convex/beneficiaries.ts: any active user reads,
// staff writes.
func beneficiaryFunctions() []function {
	return []function{
		{
			path: "beneficiaries:list", kind: convexclient.KindQuery,
			args: vObject(req("paginationOpts", paginationOpts()), opt("status", vLiterals(beneficiaryStatus...))),
			run:  beneficiariesList,
		},
		getFunction("beneficiaries"),
		{
			path: "beneficiaries:create", kind: convexclient.KindMutation,
			args: vObject(
				req("fullName", vString()),
				opt("phone", vString()),
				opt("address", vString()),
				opt("city", vString()),
				opt("status", vLiterals(beneficiaryStatus...)),
				opt("notes", vString()),
			),
			run: beneficiariesCreate,
		},
		{
			path: "beneficiaries:update", kind: convexclient.KindMutation,
			args: vObject(
				req("id", vID("beneficiaries")),
				opt("fullName", vString()),
				opt("phone", vString()),
				opt("address", vString()),
				opt("city", vString()),
				opt("status", vLiterals(beneficiaryStatus...)),
				opt("notes", vString()),
			),
			run: beneficiariesUpdate,
		},
		removeFunction("beneficiaries"),
	}
}

// getFunction is "<table>:get": any active user; NOT_FOUND when missing.
func getFunction(table string) function {
	return function{
		path: table + ":get", kind: convexclient.KindQuery,
		args: vObject(req("id", vID(table))),
		run: func(c *callCtx) (any, error) {
			if _, err := c.requireUser(); err != nil {
				return nil, err
			}
			id, _ := c.str("id")
			d, err := found(c.db.get(table, id))
			if err != nil {
				return nil, err
			}
			return d, nil
		},
	}
}

// removeFunction is "<table>:remove": staff; NOT_FOUND when missing.
func removeFunction(table string) function {
	return function{
		path: table + ":remove", kind: convexclient.KindMutation,
		args: vObject(req("id", vID(table))),
		run: func(c *callCtx) (any, error) {
			if _, err := c.requireRole(staff...); err != nil {
				return nil, err
			}
			id, _ := c.str("id")
			if _, err := found(c.db.get(table, id)); err != nil {
				return nil, err
			}
			c.db.remove(table, id)
			return nil, nil
		},
	}
}

// listPage is the shared body of the paginated lists: requireUser, the
// numItems rule, then a page of docs in index order fields.
func listPage(c *callCtx, docs func() []doc, fields []string, desc bool) (any, error) {
	if _, err := c.requireUser(); err != nil {
		return nil, err
	}
	o := c.pageOpts()
	if err := checkPageSize(o.numItems); err != nil {
		return nil, err
	}
	res, err := paginate(docs(), fields, desc, o)
	if err != nil {
		return nil, err
	}
	return res, nil
}

// beneficiariesList: newest first; by_status when status is given.
func beneficiariesList(c *callCtx) (any, error) {
	status, ok := c.str("status")
	fields := []string{"_creationTime"}
	var match func(doc) bool
	if ok {
		fields = []string{"status", "_creationTime", "_id"}
		match = func(d doc) bool { return d["status"] == status }
	}
	return listPage(c, func() []doc { return c.db.scan("beneficiaries", fields, true, match) }, fields, true)
}

// beneficiaryText checks the text args in the contract's order.
func beneficiaryText(c *callCtx, set doc) error {
	if err := c.text(set, "fullName", maxFullName, true); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		max  int
	}{{"phone", maxPhone}, {"address", maxAddress}, {"city", maxCity}, {"notes", maxNotes}} {
		if err := c.text(set, f.name, f.max, false); err != nil {
			return err
		}
	}
	return nil
}

func beneficiariesCreate(c *callCtx) (any, error) {
	if _, err := c.requireRole(staff...); err != nil {
		return nil, err
	}
	set := doc{}
	if err := beneficiaryText(c, set); err != nil {
		return nil, err
	}
	set["status"] = "active"
	c.copyArg(set, "status")
	set["createdAt"] = c.now
	set["updatedAt"] = c.now
	return c.db.insert("beneficiaries", set, c.now), nil
}

func beneficiariesUpdate(c *callCtx) (any, error) {
	if _, err := c.requireRole(staff...); err != nil {
		return nil, err
	}
	set := doc{}
	if err := beneficiaryText(c, set); err != nil {
		return nil, err
	}
	id, _ := c.str("id")
	if _, err := found(c.db.get("beneficiaries", id)); err != nil {
		return nil, err
	}
	c.copyArg(set, "status")
	set["updatedAt"] = c.now
	c.db.patch("beneficiaries", id, set)
	return nil, nil
}
