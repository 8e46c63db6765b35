package devbackend

import "github.com/convexgw/convexgw/convexclient"

var meetingStatus = []string{"scheduled", "completed", "cancelled"}

// meetingIndex is by_start: startsAt, then _creationTime, _id.
var meetingIndex = []string{"startsAt", "_creationTime", "_id"}

// maxAttendees bounds attendeeIds.
const maxAttendees = 100

// meetingFunctions are convex/meetings.ts.
func meetingFunctions() []function {
	return []function{
		{
			path: "meetings:list", kind: convexclient.KindQuery,
			args: vObject(req("paginationOpts", paginationOpts())),
			run: func(c *callCtx) (any, error) {
				return listPage(c, func() []doc { return c.db.scan("meetings", meetingIndex, false, nil) }, meetingIndex, false)
			},
		},
		getFunction("meetings"),
		{
			path: "meetings:create", kind: convexclient.KindMutation,
			args: vObject(
				req("title", vString()),
				req("startsAt", vNumber()),
				req("endsAt", vNumber()),
				opt("location", vString()),
				req("attendeeIds", vArray(vID("users"))),
				opt("status", vLiterals(meetingStatus...)),
				opt("notes", vString()),
			),
			run: meetingsCreate,
		},
		{
			path: "meetings:update", kind: convexclient.KindMutation,
			args: vObject(
				req("id", vID("meetings")),
				opt("title", vString()),
				opt("startsAt", vNumber()),
				opt("endsAt", vNumber()),
				opt("location", vString()),
				opt("attendeeIds", vArray(vID("users"))),
				opt("status", vLiterals(meetingStatus...)),
				opt("notes", vString()),
			),
			run: meetingsUpdate,
		},
		removeFunction("meetings"),
	}
}

// meetingRules checks the given title, startsAt, endsAt, location and notes
// in that order and collects them.
func meetingRules(c *callCtx, set doc, checkOrder bool) error {
	if err := c.text(set, "title", maxTitle, true); err != nil {
		return err
	}
	for _, name := range []string{"startsAt", "endsAt"} {
		if f, ok := c.num(name); ok {
			if err := finite(name, f); err != nil {
				return err
			}
			set[name] = f
		}
	}
	if checkOrder && set["endsAt"].(float64) <= set["startsAt"].(float64) {
		return invalid("endsAt", "endsAt must be after startsAt")
	}
	if err := c.text(set, "location", maxLocation, false); err != nil {
		return err
	}
	return c.text(set, "notes", maxNotes, false)
}

// attendeesLength is the attendeeIds length rule.
func attendeesLength(ids []any) error {
	if len(ids) > maxAttendees {
		return invalid("attendeeIds", "attendeeIds must have at most 100 entries")
	}
	return nil
}

// attendeesExist is INVALID when any attendee is not a user.
func attendeesExist(db *store, ids []any) error {
	for _, id := range ids {
		s, _ := id.(string)
		if db.get("users", s) == nil {
			return invalid("attendeeIds", "attendee not found")
		}
	}
	return nil
}

func meetingsCreate(c *callCtx) (any, error) {
	if _, err := c.requireRole(staff...); err != nil {
		return nil, err
	}
	set := doc{}
	if err := meetingRules(c, set, true); err != nil {
		return nil, err
	}
	ids, _ := c.list("attendeeIds")
	if err := attendeesLength(ids); err != nil {
		return nil, err
	}
	if err := attendeesExist(c.db, ids); err != nil {
		return nil, err
	}
	set["attendeeIds"] = ids
	set["status"] = "scheduled"
	c.copyArg(set, "status")
	return c.db.insert("meetings", set, c.now), nil
}

func meetingsUpdate(c *callCtx) (any, error) {
	if _, err := c.requireRole(staff...); err != nil {
		return nil, err
	}
	set := doc{}
	if err := meetingRules(c, set, false); err != nil {
		return nil, err
	}
	ids, hasIDs := c.list("attendeeIds")
	if hasIDs {
		if err := attendeesLength(ids); err != nil {
			return nil, err
		}
	}
	id, _ := c.str("id")
	m, err := found(c.db.get("meetings", id))
	if err != nil {
		return nil, err
	}
	starts, ends := m["startsAt"], m["endsAt"]
	if v, ok := set["startsAt"]; ok {
		starts = v
	}
	if v, ok := set["endsAt"]; ok {
		ends = v
	}
	e, _ := ends.(float64)
	st, _ := starts.(float64)
	if e <= st {
		return nil, invalid("endsAt", "endsAt must be after startsAt")
	}
	if hasIDs {
		if err := attendeesExist(c.db, ids); err != nil {
			return nil, err
		}
		set["attendeeIds"] = ids
	}
	c.copyArg(set, "status")
	c.db.patch("meetings", id, set)
	return nil, nil
}
