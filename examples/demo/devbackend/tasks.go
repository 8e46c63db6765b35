package devbackend

import "github.com/convexgw/convexgw/convexclient"

var (
	taskStatus   = []string{"pending", "in progress", "completed", "cancelled"}
	taskPriority = []string{"low", "medium", "high"}
)

// taskFunctions are convex/tasks.ts: every task function is owner-only,
// for admins too.
func taskFunctions() []function {
	return []function{
		{
			path: "tasks:list", kind: convexclient.KindQuery,
			args: vObject(opt("status", vLiterals(taskStatus...))),
			run:  tasksList,
		},
		{
			path: "tasks:create", kind: convexclient.KindMutation,
			args: vObject(req("title", vString()), req("priority", vLiterals(taskPriority...))),
			run:  tasksCreate,
		},
		{
			path: "tasks:update", kind: convexclient.KindMutation,
			args: vObject(
				req("id", vID("tasks")),
				opt("title", vString()),
				opt("status", vLiterals(taskStatus...)),
				opt("priority", vLiterals(taskPriority...)),
			),
			run: tasksUpdate,
		},
		{
			path: "tasks:remove", kind: convexclient.KindMutation,
			args: vObject(req("id", vID("tasks"))),
			run:  tasksRemove,
		},
	}
}

// byUser lists table's documents of user in index by_user order, newest
// first, keeping those match accepts (nil: all).
func byUser(db *store, table, userID string, match func(doc) bool) []doc {
	return nonNil(db.scan(table, []string{"userId", "_creationTime", "_id"}, true, func(d doc) bool {
		return d["userId"] == userID && (match == nil || match(d))
	}))
}

func tasksList(c *callCtx) (any, error) {
	u, err := c.requireUser()
	if err != nil {
		return nil, err
	}
	status, filter := c.str("status")
	return byUser(c.db, "tasks", u["_id"].(string), func(d doc) bool {
		return !filter || d["status"] == status
	}), nil
}

func tasksCreate(c *callCtx) (any, error) {
	u, err := c.requireUser()
	if err != nil {
		return nil, err
	}
	title, _ := c.str("title")
	if title, err = requiredText("title", title, maxTitle); err != nil {
		return nil, err
	}
	priority, _ := c.str("priority")
	return c.db.insert("tasks", doc{
		"createdAt": c.now, "priority": priority, "status": "pending",
		"title": title, "updatedAt": c.now, "userId": u["_id"],
	}, c.now), nil
}

// tasksUpdate patches the given fields; moving a task to completed
// schedules notifications:create (runAfter 0), run here right after the
// mutation.
func tasksUpdate(c *callCtx) (any, error) {
	u, err := c.requireUser()
	if err != nil {
		return nil, err
	}
	set := doc{}
	if err := c.text(set, "title", maxTitle, true); err != nil {
		return nil, err
	}
	id, _ := c.str("id")
	task, err := c.owned("tasks", id, u)
	if err != nil {
		return nil, err
	}
	c.copyArg(set, "status")
	c.copyArg(set, "priority")
	set["updatedAt"] = c.now
	c.db.patch("tasks", id, set)
	if status, _ := c.str("status"); status == "completed" && task["status"] != "completed" {
		title, ok := set["title"].(string)
		if !ok {
			title, _ = task["title"].(string)
		}
		userID, _ := task["userId"].(string)
		db, now := c.db, c.now
		db.reserve("_scheduled_functions", now)
		c.after = append(c.after, func() {
			createNotification(db, now, userID, "Task completed", "You completed \""+title+"\".")
		})
	}
	return nil, nil
}

func tasksRemove(c *callCtx) (any, error) {
	u, err := c.requireUser()
	if err != nil {
		return nil, err
	}
	id, _ := c.str("id")
	if _, err := c.owned("tasks", id, u); err != nil {
		return nil, err
	}
	c.db.remove("tasks", id)
	return nil, nil
}
