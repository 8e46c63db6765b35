package routes

import (
	"errors"
	"fmt"
	"os"

	"github.com/convexgw/convexgw/convexclient"
)

// Bindings are the demo app's Convex functions, typed: the whole contract of
// the gateway with its deployment (convex/CONTRACT.md), in one place. Every
// binding is registered in Registry, which the passthrough consults (only
// Exposed bindings are reachable through it) and the start-up check compares
// with `npx convex function-spec` output. Build it with NewBindings; it is
// immutable afterwards and safe for concurrent use.
//
// To add a function: declare it in NewBindings with its Go args and result
// types (they must match convex/CONTRACT.md). To let browsers call it through
// the passthrough (POST /api/query|mutation|action, /api/run/...) with the
// official Convex client, add convexclient.Exposed(); never expose an
// Internal function. A new table with list/get/create/update/remove is one
// table[...] line plus its document and body types (domain_*.go) and five
// routes in the route table.
type Bindings struct {
	// Registry holds every binding below.
	Registry *convexclient.Registry

	// Internal auth functions: called with the deploy key, never exposed.
	GetUserByEmail     convexclient.Query[EmailArgs, *AuthUser]
	UpdateLastLogin    convexclient.Mutation[UserIDArgs, Null]
	UpdatePasswordHash convexclient.Mutation[PasswordHashArgs, Null]

	UsersMe            convexclient.Query[struct{}, User]
	Users              *Resource[User, struct{}, struct{}]
	Tasks              *Resource[Task, TaskCreate, TaskPatch]
	Notifications      *Resource[Notification, struct{}, struct{}]
	MarkRead           convexclient.Mutation[IDArgs, Null]
	CreateNotification convexclient.Mutation[NotificationCreateArgs, string]
	Beneficiaries      *Resource[Beneficiary, BeneficiaryCreate, BeneficiaryPatch]
	Donations          *Resource[Donation, DonationCreate, DonationPatch]
	DonationStats      convexclient.Query[StatsArgs, DonationStats]
	Meetings           *Resource[Meeting, MeetingCreate, MeetingPatch]
}

// NewBindings declares every binding in a new registry. What a browser may
// call through the passthrough is marked exposed: the caller's own data
// (users:me, tasks, notifications list/markRead) and the read side of the
// association tables; writes to those tables and everything internal are
// not.
func NewBindings() *Bindings {
	r := convexclient.NewRegistry()
	internal, exposed := convexclient.Internal, convexclient.Exposed()
	b := &Bindings{
		Registry:           r,
		GetUserByEmail:     convexclient.NewQuery[EmailArgs, *AuthUser](r, "auth:getUserByEmail", internal),
		UpdateLastLogin:    convexclient.NewMutation[UserIDArgs, Null](r, "auth:updateLastLogin", internal),
		UpdatePasswordHash: convexclient.NewMutation[PasswordHashArgs, Null](r, "auth:updatePasswordHash", internal),

		UsersMe: convexclient.NewQuery[struct{}, User](r, "users:me", exposed),
		Users: &Resource[User, struct{}, struct{}]{
			list: pagedList(convexclient.NewQuery[ListArgs, Page[User]](r, "users:list")),
		},
		Tasks: &Resource[Task, TaskCreate, TaskPatch]{
			list: collectedList(convexclient.NewQuery[TaskListArgs, []Task](r, "tasks:list", exposed),
				func(q queryParams) TaskListArgs { return TaskListArgs{Status: q.enum("status", taskStatuses()...)} },
				"status"),
			create: ptr(convexclient.NewMutation[TaskCreate, string](r, "tasks:create", exposed)),
			update: ptr(convexclient.NewMutation[TaskPatch, Null](r, "tasks:update", exposed)),
			remove: ptr(convexclient.NewMutation[IDArgs, Null](r, "tasks:remove", exposed)),
		},
		Notifications: &Resource[Notification, struct{}, struct{}]{
			list: collectedList(convexclient.NewQuery[NotificationListArgs, []Notification](r, "notifications:list", exposed),
				func(q queryParams) NotificationListArgs {
					return NotificationListArgs{UnreadOnly: q.boolean("unreadOnly")}
				},
				"unreadOnly"),
		},
		MarkRead:           convexclient.NewMutation[IDArgs, Null](r, "notifications:markRead", exposed),
		CreateNotification: convexclient.NewMutation[NotificationCreateArgs, string](r, "notifications:create", internal),
		Beneficiaries:      table[Beneficiary, BeneficiaryCreate, BeneficiaryPatch](r, "beneficiaries", beneficiaryStatuses()...),
		Donations:          table[Donation, DonationCreate, DonationPatch](r, "donations"),
		DonationStats:      convexclient.NewQuery[StatsArgs, DonationStats](r, "donations:stats", exposed),
		Meetings:           table[Meeting, MeetingCreate, MeetingPatch](r, "meetings"),
	}
	return b
}

// table declares the five functions of an association table (<name>:list,
// get, create, update, remove) as a Resource; list and get are exposed.
// statuses, when given, are the accepted values of the list's ?status= filter.
func table[D, C, P any](r *convexclient.Registry, name string, statuses ...string) *Resource[D, C, P] {
	exposed := convexclient.Exposed()
	return &Resource[D, C, P]{
		list:   pagedList(convexclient.NewQuery[ListArgs, Page[D]](r, name+":list", exposed), statuses...),
		get:    ptr(convexclient.NewQuery[IDArgs, D](r, name+":get", exposed)),
		create: ptr(convexclient.NewMutation[C, string](r, name+":create")),
		update: ptr(convexclient.NewMutation[P, Null](r, name+":update")),
		remove: ptr(convexclient.NewMutation[IDArgs, Null](r, name+":remove")),
	}
}

func ptr[T any](v T) *T { return &v }

// Spec-check modes of CheckSpecFile.
const (
	SpecFail = "fail" // a mismatch is an error: the gateway refuses to start
	SpecWarn = "warn" // a mismatch is reported through warn; start anyway
)

// CheckSpecFile compares the bindings with the function spec at path (the
// output of `npx convex function-spec`) and names every missing function and
// kind or visibility mismatch. In SpecFail mode a mismatch is returned as an
// error wrapping *convexclient.SpecError; in SpecWarn mode it is passed to
// warn (may be nil) and nil is returned. An unreadable or malformed file and
// an unknown mode are errors in both modes.
func (b *Bindings) CheckSpecFile(path, mode string, warn func(error)) error {
	if mode != SpecFail && mode != SpecWarn {
		return fmt.Errorf("routes: function spec check mode %q: want %q or %q", mode, SpecFail, SpecWarn)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("routes: function spec: %w", err)
	}
	err = b.Registry.CheckSpec(data)
	var se *convexclient.SpecError
	switch {
	case err == nil:
		return nil
	case !errors.As(err, &se):
		return fmt.Errorf("routes: function spec %s: %w", path, err)
	case mode == SpecWarn:
		if warn != nil {
			warn(err)
		}
		return nil
	}
	return fmt.Errorf("routes: function spec %s: %w", path, err)
}
