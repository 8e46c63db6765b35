package demo

import "github.com/convexgw/convexgw/routes"

// Request bodies of the REST routes. They are also the args of the matching
// Convex mutations, so a decoded, validated body is sent as is. Rules: a field
// is required unless it is a pointer or tagged omitempty; `body:"path"` marks
// the id taken from the URL; validate mirrors the function's own checks
// (convex/CONTRACT.md) so bad input is a 400 before any backend call.

// Enumerations of the schema (functions, so no package state can change them).
func taskStatuses() []string   { return []string{"pending", "in progress", "completed", "cancelled"} }
func taskPriorities() []string { return []string{"low", "medium", "high"} }
func beneficiaryStatuses() []string {
	return []string{"active", "inactive"}
}
func donationMethods() []string { return []string{"cash", "bank", "card"} }
func meetingStatuses() []string { return []string{"scheduled", "completed", "cancelled"} }

// Text limits of the contract.
const (
	maxTitle = 200
	maxName  = 200
	maxPhone = 50
	maxAddr  = 200
	maxCity  = 100
	maxLoc   = 200
	maxNotes = 2000
	maxAtt   = 100
)

// TaskCreate is the body of POST /api/tasks and the args of tasks:create.
type TaskCreate struct {
	Title    string `json:"title"`
	Priority string `json:"priority"`
}

func (b *TaskCreate) Validate(errs routes.FieldErrors) {
	requiredText(errs, "title", b.Title, maxTitle)
	routes.CheckEnum(errs, "priority", b.Priority, taskPriorities()...)
}

// TaskPatch is the body of PATCH /api/tasks/:id and the args of tasks:update.
type TaskPatch struct {
	ID       string  `json:"id" body:"path"`
	Title    *string `json:"title,omitempty"`
	Status   *string `json:"status,omitempty"`
	Priority *string `json:"priority,omitempty"`
}

func (b *TaskPatch) Validate(errs routes.FieldErrors) {
	optionalRequiredText(errs, "title", b.Title, maxTitle)
	routes.CheckOptionalEnum(errs, "status", b.Status, taskStatuses()...)
	routes.CheckOptionalEnum(errs, "priority", b.Priority, taskPriorities()...)
}

// BeneficiaryCreate is the body of POST /api/beneficiaries.
type BeneficiaryCreate struct {
	FullName string  `json:"fullName"`
	Phone    *string `json:"phone,omitempty"`
	Address  *string `json:"address,omitempty"`
	City     *string `json:"city,omitempty"`
	Status   *string `json:"status,omitempty"`
	Notes    *string `json:"notes,omitempty"`
}

func (b *BeneficiaryCreate) Validate(errs routes.FieldErrors) {
	requiredText(errs, "fullName", b.FullName, maxName)
	beneficiaryOptional(errs, b.Phone, b.Address, b.City, b.Status, b.Notes)
}

// BeneficiaryPatch is the body of PATCH /api/beneficiaries/:id.
type BeneficiaryPatch struct {
	ID       string  `json:"id" body:"path"`
	FullName *string `json:"fullName,omitempty"`
	Phone    *string `json:"phone,omitempty"`
	Address  *string `json:"address,omitempty"`
	City     *string `json:"city,omitempty"`
	Status   *string `json:"status,omitempty"`
	Notes    *string `json:"notes,omitempty"`
}

func (b *BeneficiaryPatch) Validate(errs routes.FieldErrors) {
	optionalRequiredText(errs, "fullName", b.FullName, maxName)
	beneficiaryOptional(errs, b.Phone, b.Address, b.City, b.Status, b.Notes)
}

func beneficiaryOptional(errs routes.FieldErrors, phone, address, city, status, notes *string) {
	optionalText(errs, "phone", phone, maxPhone)
	optionalText(errs, "address", address, maxAddr)
	optionalText(errs, "city", city, maxCity)
	routes.CheckOptionalEnum(errs, "status", status, beneficiaryStatuses()...)
	optionalText(errs, "notes", notes, maxNotes)
}

// DonationCreate is the body of POST /api/donations.
type DonationCreate struct {
	DonorName     string   `json:"donorName"`
	Amount        float64  `json:"amount"`
	Currency      string   `json:"currency"`
	Method        string   `json:"method"`
	BeneficiaryID *string  `json:"beneficiaryId,omitempty"`
	ReceivedAt    *float64 `json:"receivedAt,omitempty"`
	Notes         *string  `json:"notes,omitempty"`
}

func (b *DonationCreate) Validate(errs routes.FieldErrors) {
	requiredText(errs, "donorName", b.DonorName, maxName)
	positiveAmount(errs, "amount", b.Amount)
	currencyCode(errs, "currency", b.Currency)
	routes.CheckEnum(errs, "method", b.Method, donationMethods()...)
	optionalText(errs, "notes", b.Notes, maxNotes)
	if b.BeneficiaryID != nil {
		routes.CheckDocumentID(errs, "beneficiaryId", *b.BeneficiaryID)
	}
}

// DonationPatch is the body of PATCH /api/donations/:id.
type DonationPatch struct {
	ID            string   `json:"id" body:"path"`
	DonorName     *string  `json:"donorName,omitempty"`
	Amount        *float64 `json:"amount,omitempty"`
	Currency      *string  `json:"currency,omitempty"`
	Method        *string  `json:"method,omitempty"`
	BeneficiaryID *string  `json:"beneficiaryId,omitempty"`
	ReceivedAt    *float64 `json:"receivedAt,omitempty"`
	Notes         *string  `json:"notes,omitempty"`
}

func (b *DonationPatch) Validate(errs routes.FieldErrors) {
	optionalRequiredText(errs, "donorName", b.DonorName, maxName)
	if b.Amount != nil {
		positiveAmount(errs, "amount", *b.Amount)
	}
	if b.Currency != nil {
		currencyCode(errs, "currency", *b.Currency)
	}
	routes.CheckOptionalEnum(errs, "method", b.Method, donationMethods()...)
	optionalText(errs, "notes", b.Notes, maxNotes)
	if b.BeneficiaryID != nil {
		routes.CheckDocumentID(errs, "beneficiaryId", *b.BeneficiaryID)
	}
}

// MeetingCreate is the body of POST /api/meetings.
type MeetingCreate struct {
	Title       string   `json:"title"`
	StartsAt    float64  `json:"startsAt"`
	EndsAt      float64  `json:"endsAt"`
	Location    *string  `json:"location,omitempty"`
	AttendeeIDs []string `json:"attendeeIds"`
	Status      *string  `json:"status,omitempty"`
	Notes       *string  `json:"notes,omitempty"`
}

func (b *MeetingCreate) Validate(errs routes.FieldErrors) {
	requiredText(errs, "title", b.Title, maxTitle)
	if b.EndsAt <= b.StartsAt {
		errs.Add("endsAt", "endsAt must be after startsAt")
	}
	optionalText(errs, "location", b.Location, maxLoc)
	optionalText(errs, "notes", b.Notes, maxNotes)
	docIDs(errs, "attendeeIds", b.AttendeeIDs, maxAtt)
	routes.CheckOptionalEnum(errs, "status", b.Status, meetingStatuses()...)
}

// MeetingPatch is the body of PATCH /api/meetings/:id.
type MeetingPatch struct {
	ID          string    `json:"id" body:"path"`
	Title       *string   `json:"title,omitempty"`
	StartsAt    *float64  `json:"startsAt,omitempty"`
	EndsAt      *float64  `json:"endsAt,omitempty"`
	Location    *string   `json:"location,omitempty"`
	AttendeeIDs *[]string `json:"attendeeIds,omitempty"`
	Status      *string   `json:"status,omitempty"`
	Notes       *string   `json:"notes,omitempty"`
}

func (b *MeetingPatch) Validate(errs routes.FieldErrors) {
	optionalRequiredText(errs, "title", b.Title, maxTitle)
	if b.StartsAt != nil && b.EndsAt != nil && *b.EndsAt <= *b.StartsAt {
		errs.Add("endsAt", "endsAt must be after startsAt")
	}
	optionalText(errs, "location", b.Location, maxLoc)
	optionalText(errs, "notes", b.Notes, maxNotes)
	if b.AttendeeIDs != nil {
		docIDs(errs, "attendeeIds", *b.AttendeeIDs, maxAtt)
	}
	routes.CheckOptionalEnum(errs, "status", b.Status, meetingStatuses()...)
}
