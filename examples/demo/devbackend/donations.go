package devbackend

import "github.com/convexgw/convexgw/convexclient"

var donationMethod = []string{"cash", "bank", "card"}

// donationIndex is by_received: receivedAt, then _creationTime, _id.
var donationIndex = []string{"receivedAt", "_creationTime", "_id"}

// donationFunctions are convex/donations.ts.
func donationFunctions() []function {
	return []function{
		{
			path: "donations:list", kind: convexclient.KindQuery,
			args: vObject(req("paginationOpts", paginationOpts())),
			run: func(c *callCtx) (any, error) {
				return listPage(c, func() []doc { return c.db.scan("donations", donationIndex, true, nil) }, donationIndex, true)
			},
		},
		getFunction("donations"),
		{
			path: "donations:create", kind: convexclient.KindMutation,
			args: vObject(
				req("donorName", vString()),
				req("amount", vNumber()),
				req("currency", vString()),
				req("method", vLiterals(donationMethod...)),
				opt("beneficiaryId", vID("beneficiaries")),
				opt("receivedAt", vNumber()),
				opt("notes", vString()),
			),
			run: donationsCreate,
		},
		{
			path: "donations:update", kind: convexclient.KindMutation,
			args: vObject(
				req("id", vID("donations")),
				opt("donorName", vString()),
				opt("amount", vNumber()),
				opt("currency", vString()),
				opt("method", vLiterals(donationMethod...)),
				opt("beneficiaryId", vID("beneficiaries")),
				opt("receivedAt", vNumber()),
				opt("notes", vString()),
			),
			run: donationsUpdate,
		},
		removeFunction("donations"),
		{
			path: "donations:stats", kind: convexclient.KindQuery,
			args: vObject(opt("from", vNumber()), opt("to", vNumber())),
			run:  donationsStats,
		},
	}
}

// donationRules checks the given donation fields in the contract's order
// (donorName, amount, currency, receivedAt, notes) and collects them.
func donationRules(c *callCtx, set doc) error {
	if err := c.text(set, "donorName", maxDonorName, true); err != nil {
		return err
	}
	if a, ok := c.num("amount"); ok {
		if err := positiveAmount(a); err != nil {
			return err
		}
		set["amount"] = a
	}
	if cur, ok := c.str("currency"); ok {
		if err := currencyCode(cur); err != nil {
			return err
		}
		set["currency"] = cur
	}
	if r, ok := c.num("receivedAt"); ok {
		if err := finite("receivedAt", r); err != nil {
			return err
		}
		set["receivedAt"] = r
	}
	return c.text(set, "notes", maxNotes, false)
}

// checkBeneficiary is INVALID when the given beneficiaryId does not exist.
func checkBeneficiary(c *callCtx, set doc) error {
	id, ok := c.str("beneficiaryId")
	if !ok {
		return nil
	}
	if c.db.get("beneficiaries", id) == nil {
		return invalid("beneficiaryId", "beneficiary not found")
	}
	set["beneficiaryId"] = id
	return nil
}

func donationsCreate(c *callCtx) (any, error) {
	if _, err := c.requireRole(staff...); err != nil {
		return nil, err
	}
	set := doc{"receivedAt": c.now}
	if err := donationRules(c, set); err != nil {
		return nil, err
	}
	if err := checkBeneficiary(c, set); err != nil {
		return nil, err
	}
	c.copyArg(set, "method")
	return c.db.insert("donations", set, c.now), nil
}

func donationsUpdate(c *callCtx) (any, error) {
	if _, err := c.requireRole(staff...); err != nil {
		return nil, err
	}
	set := doc{}
	if err := donationRules(c, set); err != nil {
		return nil, err
	}
	id, _ := c.str("id")
	if _, err := found(c.db.get("donations", id)); err != nil {
		return nil, err
	}
	if err := checkBeneficiary(c, set); err != nil {
		return nil, err
	}
	c.copyArg(set, "method")
	c.db.patch("donations", id, set)
	return nil, nil
}

// stats is donations:stats' result; Count is a Convex int64.
type stats struct {
	ByMethod struct {
		Bank float64 `json:"bank"`
		Card float64 `json:"card"`
		Cash float64 `json:"cash"`
	} `json:"byMethod"`
	Count convexclient.Int64 `json:"count"`
	Total float64            `json:"total"`
}

// donationsStats sums from <= receivedAt < to in by_received ascending
// order (float addition order matters).
func donationsStats(c *callCtx) (any, error) {
	if _, err := c.requireRole(staff...); err != nil {
		return nil, err
	}
	from, hasFrom := c.num("from")
	if hasFrom {
		if err := finite("from", from); err != nil {
			return nil, err
		}
	}
	to, hasTo := c.num("to")
	if hasTo {
		if err := finite("to", to); err != nil {
			return nil, err
		}
	}
	if hasFrom && hasTo && to < from {
		return nil, invalid("to", "to must not be before from")
	}
	var s stats
	for _, d := range c.db.scan("donations", donationIndex, false, nil) {
		r, _ := d["receivedAt"].(float64)
		if (hasFrom && r < from) || (hasTo && r >= to) {
			continue
		}
		a, _ := d["amount"].(float64)
		s.Count++
		s.Total += a
		switch d["method"] {
		case "bank":
			s.ByMethod.Bank += a
		case "card":
			s.ByMethod.Card += a
		case "cash":
			s.ByMethod.Cash += a
		}
	}
	return s, nil
}
