package devbackend

import "github.com/convexgw/convexgw/convexclient"

// notificationFunctions are convex/notifications.ts.
func notificationFunctions() []function {
	return []function{
		{
			path: "notifications:list", kind: convexclient.KindQuery,
			args: vObject(opt("unreadOnly", vBoolean())),
			run:  notificationsList,
		},
		{
			path: "notifications:markRead", kind: convexclient.KindMutation,
			args: vObject(req("id", vID("notifications"))),
			run:  notificationsMarkRead,
		},
		{
			path: "notifications:create", kind: convexclient.KindMutation, internal: true,
			args: vObject(req("userId", vID("users")), req("title", vString()), req("body", vString())),
			run:  notificationsCreate,
		},
	}
}

func notificationsList(c *callCtx) (any, error) {
	u, err := c.requireUser()
	if err != nil {
		return nil, err
	}
	unreadOnly, _ := c.boolean("unreadOnly")
	return byUser(c.db, "notifications", u["_id"].(string), func(d doc) bool {
		return !unreadOnly || d["read"] == false
	}), nil
}

func notificationsMarkRead(c *callCtx) (any, error) {
	u, err := c.requireUser()
	if err != nil {
		return nil, err
	}
	id, _ := c.str("id")
	if _, err := c.owned("notifications", id, u); err != nil {
		return nil, err
	}
	c.db.patch("notifications", id, doc{"read": true})
	return nil, nil
}

func notificationsCreate(c *callCtx) (any, error) {
	userID, _ := c.str("userId")
	title, _ := c.str("title")
	body, _ := c.str("body")
	return createNotification(c.db, c.now, userID, title, body), nil
}

// createNotification inserts an unread notification (no checks).
func createNotification(db *store, now float64, userID, title, body string) string {
	return db.insert("notifications", doc{
		"body": body, "createdAt": now, "read": false, "title": title, "userId": userID,
	}, now)
}
