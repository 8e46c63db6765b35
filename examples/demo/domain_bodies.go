package demo

import (
	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/routes"
)

// Request bodies of the REST routes are the generated argument types of the
// matching Convex mutations (bindings.go), so a decoded, validated body is
// sent as is and a field added to the spec is accepted without a change
// here. routes.BodySpec already enforces what the types say (JSON types,
// required fields, enum values through the generated Values methods); the
// Validate methods below add the contract's text and number rules
// (convex/CONTRACT.md), so bad input is a 400 with the function's own
// message before any backend call. Hand-written body types would repeat
// every field for nothing but these rules.

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

// Validate applies the contract's rules to POST /api/tasks.
func (a *TasksCreateArgs) Validate(errs routes.FieldErrors) {
	requiredText(errs, "title", a.Title, maxTitle)
}

// Validate applies the contract's rules to PATCH /api/tasks/:id.
func (a *TasksUpdateArgs) Validate(errs routes.FieldErrors) {
	optionalRequiredText(errs, "title", a.Title, maxTitle)
}

// Validate applies the contract's rules to POST /api/beneficiaries.
func (a *BeneficiariesCreateArgs) Validate(errs routes.FieldErrors) {
	requiredText(errs, "fullName", a.FullName, maxName)
	beneficiaryText(errs, a.Phone, a.Address, a.City, a.Notes)
}

// Validate applies the contract's rules to PATCH /api/beneficiaries/:id.
func (a *BeneficiariesUpdateArgs) Validate(errs routes.FieldErrors) {
	optionalRequiredText(errs, "fullName", a.FullName, maxName)
	beneficiaryText(errs, a.Phone, a.Address, a.City, a.Notes)
}

func beneficiaryText(errs routes.FieldErrors, phone, address, city, notes convexclient.Optional[string]) {
	optionalText(errs, "phone", phone, maxPhone)
	optionalText(errs, "address", address, maxAddr)
	optionalText(errs, "city", city, maxCity)
	optionalText(errs, "notes", notes, maxNotes)
}

// Validate applies the contract's rules to POST /api/donations.
func (a *DonationsCreateArgs) Validate(errs routes.FieldErrors) {
	requiredText(errs, "donorName", a.DonorName, maxName)
	positiveAmount(errs, "amount", a.Amount)
	currencyCode(errs, "currency", a.Currency)
	optionalText(errs, "notes", a.Notes, maxNotes)
	optionalDocID(errs, "beneficiaryId", a.BeneficiaryID)
}

// Validate applies the contract's rules to PATCH /api/donations/:id.
func (a *DonationsUpdateArgs) Validate(errs routes.FieldErrors) {
	optionalRequiredText(errs, "donorName", a.DonorName, maxName)
	if amount, ok := a.Amount.Get(); ok {
		positiveAmount(errs, "amount", amount)
	}
	if currency, ok := a.Currency.Get(); ok {
		currencyCode(errs, "currency", currency)
	}
	optionalText(errs, "notes", a.Notes, maxNotes)
	optionalDocID(errs, "beneficiaryId", a.BeneficiaryID)
}

// Validate applies the contract's rules to POST /api/meetings.
func (a *MeetingsCreateArgs) Validate(errs routes.FieldErrors) {
	requiredText(errs, "title", a.Title, maxTitle)
	if a.EndsAt <= a.StartsAt {
		errs.Add("endsAt", "endsAt must be after startsAt")
	}
	optionalText(errs, "location", a.Location, maxLoc)
	optionalText(errs, "notes", a.Notes, maxNotes)
	docIDs(errs, "attendeeIds", a.AttendeeIDs, maxAtt)
}

// Validate applies the contract's rules to PATCH /api/meetings/:id.
func (a *MeetingsUpdateArgs) Validate(errs routes.FieldErrors) {
	optionalRequiredText(errs, "title", a.Title, maxTitle)
	start, hasStart := a.StartsAt.Get()
	end, hasEnd := a.EndsAt.Get()
	if hasStart && hasEnd && end <= start {
		errs.Add("endsAt", "endsAt must be after startsAt")
	}
	optionalText(errs, "location", a.Location, maxLoc)
	optionalText(errs, "notes", a.Notes, maxNotes)
	if ids, ok := a.AttendeeIDs.Get(); ok {
		docIDs(errs, "attendeeIds", ids, maxAtt)
	}
}
