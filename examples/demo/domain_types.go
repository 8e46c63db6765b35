package demo

// Documents and argument shapes of the demo app's Convex functions
// (convex/CONTRACT.md). The same structs decode Convex results and encode the
// REST answers, so a document looks the same through REST and through the
// passthrough: Convex field names, `_id` and `_creationTime` included. Convex
// numbers are float64 (times are epoch milliseconds); the one int64
// (DonationStats.Count) is a Go int64, which REST renders as a JSON number.

// Null is the result type of functions that return null.
type Null = *struct{}

// IDArgs is the argument object of get/remove style functions: {id}.
type IDArgs struct {
	ID string `json:"id"`
}

// PaginationOpts is Convex's paginationOpts: cursor null asks for the first page.
type PaginationOpts struct {
	NumItems int     `json:"numItems"`
	Cursor   *string `json:"cursor"`
}

// ListArgs are the args of the paginated list functions without filters.
type ListArgs struct {
	PaginationOpts PaginationOpts `json:"paginationOpts"`
}

// BeneficiaryListArgs are the args of beneficiaries:list: ?status= filters.
type BeneficiaryListArgs struct {
	PaginationOpts PaginationOpts `json:"paginationOpts"`
	Status         *string        `json:"status,omitempty"`
}

// Page is a page of a paginated Convex query.
type Page[D any] struct {
	Page           []D    `json:"page"`
	IsDone         bool   `json:"isDone"`
	ContinueCursor string `json:"continueCursor"`
}

// User is a user as the public functions return it: never a password hash.
type User struct {
	ID           string  `json:"_id"`
	CreationTime float64 `json:"_creationTime"`
	Email        string  `json:"email"`
	Name         string  `json:"name"`
	Role         string  `json:"role"`
	IsActive     bool    `json:"isActive"`
	// EmailVerified is absent for accounts that predate email verification.
	EmailVerified *bool    `json:"emailVerified,omitempty"`
	LastLoginAt   *float64 `json:"lastLoginAt,omitempty"`
}

// Task is a tasks document.
type Task struct {
	ID           string  `json:"_id"`
	CreationTime float64 `json:"_creationTime"`
	Title        string  `json:"title"`
	Status       string  `json:"status"`
	Priority     string  `json:"priority"`
	UserID       string  `json:"userId"`
	CreatedAt    float64 `json:"createdAt"`
	UpdatedAt    float64 `json:"updatedAt"`
}

// TaskListArgs are the args of tasks:list.
type TaskListArgs struct {
	Status *string `json:"status,omitempty"`
}

// Notification is a notifications document.
type Notification struct {
	ID           string  `json:"_id"`
	CreationTime float64 `json:"_creationTime"`
	UserID       string  `json:"userId"`
	Title        string  `json:"title"`
	Body         string  `json:"body"`
	Read         bool    `json:"read"`
	CreatedAt    float64 `json:"createdAt"`
}

// NotificationListArgs are the args of notifications:list.
type NotificationListArgs struct {
	UnreadOnly *bool `json:"unreadOnly,omitempty"`
}

// NotificationCreateArgs are the args of the internal notifications:create.
type NotificationCreateArgs struct {
	UserID string `json:"userId"`
	Title  string `json:"title"`
	Body   string `json:"body"`
}

// Beneficiary is a beneficiaries document.
type Beneficiary struct {
	ID           string  `json:"_id"`
	CreationTime float64 `json:"_creationTime"`
	FullName     string  `json:"fullName"`
	Phone        *string `json:"phone,omitempty"`
	Address      *string `json:"address,omitempty"`
	City         *string `json:"city,omitempty"`
	Status       string  `json:"status"`
	Notes        *string `json:"notes,omitempty"`
	CreatedAt    float64 `json:"createdAt"`
	UpdatedAt    float64 `json:"updatedAt"`
}

// Donation is a donations document.
type Donation struct {
	ID            string  `json:"_id"`
	CreationTime  float64 `json:"_creationTime"`
	DonorName     string  `json:"donorName"`
	Amount        float64 `json:"amount"`
	Currency      string  `json:"currency"`
	Method        string  `json:"method"`
	BeneficiaryID *string `json:"beneficiaryId,omitempty"`
	ReceivedAt    float64 `json:"receivedAt"`
	Notes         *string `json:"notes,omitempty"`
}

// StatsArgs are the args of donations:stats: a receivedAt range [From, To).
type StatsArgs struct {
	From *float64 `json:"from,omitempty"`
	To   *float64 `json:"to,omitempty"`
}

// DonationStats is the result of donations:stats. Count is a Convex int64.
type DonationStats struct {
	ByMethod struct {
		Bank float64 `json:"bank"`
		Card float64 `json:"card"`
		Cash float64 `json:"cash"`
	} `json:"byMethod"`
	Count int64   `json:"count"`
	Total float64 `json:"total"`
}

// Meeting is a meetings document.
type Meeting struct {
	ID           string   `json:"_id"`
	CreationTime float64  `json:"_creationTime"`
	Title        string   `json:"title"`
	StartsAt     float64  `json:"startsAt"`
	EndsAt       float64  `json:"endsAt"`
	Location     *string  `json:"location,omitempty"`
	AttendeeIDs  []string `json:"attendeeIds"`
	Status       string   `json:"status"`
	Notes        *string  `json:"notes,omitempty"`
}
