package demo

import (
	"github.com/convexgw/convexgw/convexclient"
)

// Bindings are the demo app's Convex functions, typed: the whole contract of
// the app with its deployment (convex/CONTRACT.md), in one place. Every
// binding is registered in Registry, which the passthrough consults (only
// Exposed bindings are reachable through it) and the start-up check compares
// with `npx convex function-spec` output. The login contract's functions
// (auth:*) are declared by package accounts, not here. Build it with
// NewBindings; it is immutable afterwards and safe for concurrent use.
//
// To let browsers call a function through the passthrough with the official
// Convex client, add convexclient.Exposed(); never expose an Internal
// function.
type Bindings struct {
	// Registry holds every binding below.
	Registry *convexclient.Registry

	UsersMe   convexclient.Query[struct{}, User]
	UsersList convexclient.Query[ListArgs, Page[User]]

	TasksList   convexclient.Query[TaskListArgs, []Task]
	TasksCreate convexclient.Mutation[TaskCreate, string]
	TasksUpdate convexclient.Mutation[TaskPatch, Null]
	TasksRemove convexclient.Mutation[IDArgs, Null]

	NotificationsList  convexclient.Query[NotificationListArgs, []Notification]
	MarkRead           convexclient.Mutation[IDArgs, Null]
	CreateNotification convexclient.Mutation[NotificationCreateArgs, string]
	Beneficiaries      Table[Beneficiary, BeneficiaryListArgs, BeneficiaryCreate, BeneficiaryPatch]
	Donations          Table[Donation, ListArgs, DonationCreate, DonationPatch]
	DonationStats      convexclient.Query[StatsArgs, DonationStats]
	Meetings           Table[Meeting, ListArgs, MeetingCreate, MeetingPatch]
}

// Table is the five functions of an association table: <name>:list, get,
// create, update and remove.
type Table[D, L, C, P any] struct {
	List   convexclient.Query[L, Page[D]]
	Get    convexclient.Query[IDArgs, D]
	Create convexclient.Mutation[C, string]
	Update convexclient.Mutation[P, Null]
	Remove convexclient.Mutation[IDArgs, Null]
}

// NewBindings declares every binding in a new registry. What a browser may
// call through the passthrough is marked exposed: the caller's own data
// (users:me, tasks, notifications list/markRead) and the read side of the
// association tables; writes to those tables and everything internal are
// not.
func NewBindings() *Bindings {
	r := convexclient.NewRegistry()
	internal, exposed := convexclient.Internal, convexclient.Exposed()
	return &Bindings{
		Registry:  r,
		UsersMe:   convexclient.NewQuery[struct{}, User](r, "users:me", exposed),
		UsersList: convexclient.NewQuery[ListArgs, Page[User]](r, "users:list"),

		TasksList:   convexclient.NewQuery[TaskListArgs, []Task](r, "tasks:list", exposed),
		TasksCreate: convexclient.NewMutation[TaskCreate, string](r, "tasks:create", exposed),
		TasksUpdate: convexclient.NewMutation[TaskPatch, Null](r, "tasks:update", exposed),
		TasksRemove: convexclient.NewMutation[IDArgs, Null](r, "tasks:remove", exposed),

		NotificationsList:  convexclient.NewQuery[NotificationListArgs, []Notification](r, "notifications:list", exposed),
		MarkRead:           convexclient.NewMutation[IDArgs, Null](r, "notifications:markRead", exposed),
		CreateNotification: convexclient.NewMutation[NotificationCreateArgs, string](r, "notifications:create", internal),
		Beneficiaries:      table[Beneficiary, BeneficiaryListArgs, BeneficiaryCreate, BeneficiaryPatch](r, "beneficiaries"),
		Donations:          table[Donation, ListArgs, DonationCreate, DonationPatch](r, "donations"),
		DonationStats:      convexclient.NewQuery[StatsArgs, DonationStats](r, "donations:stats", exposed),
		Meetings:           table[Meeting, ListArgs, MeetingCreate, MeetingPatch](r, "meetings"),
	}
}

// table declares the five functions of an association table; list and get
// are exposed.
func table[D, L, C, P any](r *convexclient.Registry, name string) Table[D, L, C, P] {
	exposed := convexclient.Exposed()
	return Table[D, L, C, P]{
		List:   convexclient.NewQuery[L, Page[D]](r, name+":list", exposed),
		Get:    convexclient.NewQuery[IDArgs, D](r, name+":get", exposed),
		Create: convexclient.NewMutation[C, string](r, name+":create"),
		Update: convexclient.NewMutation[P, Null](r, name+":update"),
		Remove: convexclient.NewMutation[IDArgs, Null](r, name+":remove"),
	}
}
