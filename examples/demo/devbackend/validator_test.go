package devbackend

import (
	"testing"
)

func TestValidatorMessages(t *testing.T) {
	taskID := makeID("tasks", 1)
	userID := makeID("users", 2)
	tableOf := func(id string) string {
		if tb := decodeID(id); tb != "" {
			return tb
		}
		return suffixTable(id)
	}
	update := vObject(
		req("id", vID("tasks")),
		opt("title", vString()),
		opt("status", vLiterals(taskStatus...)),
	)
	meeting := vObject(req("attendeeIds", vArray(vID("users"))), opt("n", vNumber()), opt("b", vBoolean()))
	list := vObject(req("paginationOpts", paginationOpts()))
	tests := []struct {
		name string
		v    *validator
		args string
		want string // "" = valid
	}{
		{"valid", update, `{"id":"` + taskID + `","title":"x","status":"completed"}`, ""},
		{"convex-test id", update, `{"id":"10005tasks"}`, ""},
		{"missing", update, `{}`, "Missing required field `id` in object"},
		{"missing before unexpected", update, `{"zzz":1}`, "Missing required field `id` in object"},
		{"unexpected", update, `{"id":"` + taskID + `","zzz":1,"yyy":2}`, "Unexpected field `zzz` in object"},
		{"mistyped string", update, `{"id":"` + taskID + `","title":5}`, "Expected `string`, got `5`"},
		{"string got object", update, `{"id":"` + taskID + `","title":{"a":1}}`, "Expected `string`, got `[object Object]`"},
		{"string got null", update, `{"id":"` + taskID + `","title":null}`, "Expected `string`, got `null`"},
		{"wrong table", update, `{"id":"` + userID + `"}`, `Expected ID for table "tasks", got ` + "`" + userID + "`"},
		{"not an id", update, `{"id":"nope"}`, "Expected ID for table \"tasks\", got `nope`"},
		{"id not string", update, `{"id":7}`, "Expected `string`, got `7`"},
		{"literal union", update, `{"id":"` + taskID + `","status":"done"}`, "Expected one of literal, literal, literal, literal, got `\"done\"`"},
		{"literal union number", update, `{"id":"` + taskID + `","status":1.5}`, "Expected one of literal, literal, literal, literal, got `1.5`"},
		{"field order decides", update, `{"status":"x","title":1,"id":"` + taskID + `"}`, "Expected `string`, got `1`"},
		{"array", meeting, `{"attendeeIds":"x"}`, "Expected `Array`, got `x`"},
		{"array element", meeting, `{"attendeeIds":["` + userID + `","` + taskID + `"]}`, "Expected ID for table \"users\", got `" + taskID + "`"},
		{"number got bigint", meeting, `{"attendeeIds":[],"n":{"$integer":"BQAAAAAAAAA="}}`, "Expected `number`, got `5`"},
		{"boolean", meeting, `{"attendeeIds":[],"b":"true"}`, "Expected `boolean`, got `true`"},
		{"nested missing", list, `{"paginationOpts":{"cursor":null}}`, "Missing required field `numItems` in object"},
		{"nested union", list, `{"paginationOpts":{"numItems":5,"cursor":5}}`, "Expected one of string, null, got `5`"},
		{"nested unexpected", list, `{"paginationOpts":{"numItems":5,"cursor":null,"x":1}}`, "Unexpected field `x` in object"},
		{"object got array", list, `{"paginationOpts":[1,2]}`, "Expected a plain old JavaScript `object`, got `1,2`"},
		{"object got string", list, `{"paginationOpts":"p"}`, "Expected `object`, got `p`"},
		{"full pagination opts", list, `{"paginationOpts":{"numItems":5,"cursor":"c","endCursor":null,"id":1,"maximumRowsRead":3,"maximumBytesRead":9}}`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := decodeArgs([]byte(tc.args))
			if err != nil {
				t.Fatal(err)
			}
			err = tc.v.validate(v, tableOf)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tc.want != "" && err == nil:
				t.Fatalf("valid, want %q", tc.want)
			case tc.want != "":
				if !isValidationError(err) {
					t.Fatalf("%T is not a validation error", err)
				}
				if got, want := err.(*argError).Details, tc.want; got != want {
					t.Fatalf("details\n got %s\nwant %s", got, want)
				}
			}
		})
	}
}
