package convexclient

// Kind is the type of a Convex function: query, mutation or action.
// The zero Kind is invalid.
type Kind uint8

// The three kinds of Convex functions callable over the HTTP API.
const (
	KindQuery Kind = iota + 1
	KindMutation
	KindAction
)

// String returns "query", "mutation" or "action" ("invalid" for the zero Kind).
func (k Kind) String() string {
	switch k {
	case KindQuery:
		return "query"
	case KindMutation:
		return "mutation"
	case KindAction:
		return "action"
	}
	return "invalid"
}

// SpecName returns the name `npx convex function-spec` uses: "Query", "Mutation" or "Action".
func (k Kind) SpecName() string {
	switch k {
	case KindQuery:
		return "Query"
	case KindMutation:
		return "Mutation"
	case KindAction:
		return "Action"
	}
	return ""
}

// Endpoint returns the HTTP API path for the kind: "/api/query", "/api/mutation" or "/api/action".
func (k Kind) Endpoint() string {
	switch k {
	case KindQuery:
		return "/api/query"
	case KindMutation:
		return "/api/mutation"
	case KindAction:
		return "/api/action"
	}
	return ""
}

// ParseKind parses "query", "mutation" or "action" in any letter case.
func ParseKind(s string) (Kind, bool) {
	switch s {
	case "query", "Query":
		return KindQuery, true
	case "mutation", "Mutation":
		return KindMutation, true
	case "action", "Action":
		return KindAction, true
	}
	return 0, false
}

// Visibility says who may call a function: anyone (Public) or only a caller
// holding the deploy key (Internal).
type Visibility uint8

// Function visibilities, as in Convex's function spec ({"kind":"public"|"internal"}).
const (
	Public Visibility = iota
	Internal
)

// String returns "public" or "internal".
func (v Visibility) String() string {
	if v == Internal {
		return "internal"
	}
	return "public"
}
