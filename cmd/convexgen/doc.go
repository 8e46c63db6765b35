// Command convexgen writes typed Go bindings for a Convex deployment from
// the output of `npx convex function-spec`.
//
//	npx convex function-spec > function-spec.json
//	go run github.com/convexgw/convexgw/cmd/convexgen -spec function-spec.json -package app -out bindings.go
//
// or, in a file of package app:
//
//	//go:generate go run github.com/convexgw/convexgw/cmd/convexgen -spec function-spec.json -package app -out bindings.go -config convexgen.json
//
// Flags:
//
//	-spec FILE     the function spec (required)
//	-package NAME  the package clause of the output (required)
//	-out FILE      the file to write, atomically; standard output when empty or "-"
//	-expose LIST   comma-separated patterns of functions browsers may call
//	               through the gateway's passthrough: 'messages:*,users:me'
//	-exclude LIST  comma-separated patterns of functions to leave out of the
//	               output (no binding, no types): 'auth:*' for functions
//	               another package declares
//	-config FILE   a JSON file {"expose": ["messages:*", "users:me"],
//	               "exclude": ["auth:*"]}, added to -expose and -exclude
//
// A pattern matches "module:function" paths without ".js" ("admin/users:list",
// "messages" for a default export) as path.Match does: "*" never crosses a
// "/". A pattern that matches no function is an error, and so is exposing an
// internal function: convexgen refuses and names every one. Exclusion comes
// first: an exclude pattern that matches nothing is an error too, and so is
// exposing an excluded function.
//
// # Output
//
// One gofmt'd file, the same bytes for the same spec and flags (functions,
// fields and names are sorted; the order of the spec does not matter):
//
//   - Bindings, a struct with one typed binding per query, mutation and action
//     (convexclient.Query[Args, Result], ...), each with a doc comment naming
//     the function, its kind and visibility; and NewBindings(r), which
//     declares them all in a convexclient.Registry, internal ones with
//     convexclient.Internal and exposed ones with convexclient.Exposed().
//     An app embeds *Bindings in its own struct.
//   - an id type per table (UsersID), a struct per object validator, a named
//     type with constants per union of literals, a union struct per other
//     union. HTTP actions are listed in a comment.
//
// Names: a function dir/messages:list is DirMessagesList, its argument
// object DirMessagesListArgs, its result DirMessagesListResult, an array's
// element ...Item, a record's value ...Value, an object field author
// ...Author. A document (an object with a required _id of table t and a
// number _creationTime) is <T>Doc, shared by every function that returns
// that shape (the most frequent shape, when a table has several). Field
// names lose leading underscores and separators and write initialisms in
// capitals (_id → ID, _creationTime → CreationTime, userId → UserID,
// attendeeIds → AttendeeIDs); the JSON tag keeps the Convex name. Clashes
// get a numeric suffix (ID, ID2) in sorted order. A field name that cannot
// be a struct tag (empty, or with , " ' \ or a backquote) is an error.
//
// # Type mapping
//
//	validator                         Go
//	v.string()                        string
//	v.number(), v.float64()           float64
//	v.int64() (bigint)                int64                 {"$integer": ...} on the wire
//	v.boolean()                       bool
//	v.null()                          convexclient.Null     (*struct{}: always nil)
//	v.bytes()                         []byte                {"$bytes": ...}
//	v.any()                           any                   convexclient's dynamic values
//	v.commitTs()                      int64
//	v.id("users")                     UsersID               a named string type per table
//	v.literal("a"), 1.5, true, 3n     string, float64, bool, int64 (a comment gives the value)
//	v.array(T)                        []T
//	v.record(v.string(), T)           map[string]T
//	v.record(v.id("users"), T)        map[UsersID]T
//	v.object({...})                   a struct
//	v.optional(T) (object field)      convexclient.Optional[T], tag omitzero: absent when unset
//	v.optional(v.union(T, v.null()))  convexclient.Optional[*T]: absent, null, or a value
//	v.union(T, v.null())              *T (T itself when already nil-able: slice, map, any)
//	v.union of literals of one type   a named type with one constant per literal
//	                                  and a Values() method listing them
//	v.union of objects with a literal
//	  field differing in each         a union struct picked by that field
//	any other v.union                 a union struct: the first member, literals
//	                                  first, that holds the value exactly
//	returns absent or null            any
//
// A union struct has one pointer field per variant; set exactly one. It
// implements convexclient.ValueMarshaler and ValueUnmarshaler (so Marshal
// and Unmarshal encode and decode the variant, without loss: a
// discriminated variant gets its tag filled in, and other unions try their
// variants with convexclient.UnmarshalExact, so an int64 never becomes a
// float64 and an object with extra fields does not match a narrower one),
// and json.Marshaler and json.Unmarshaler for encoding/json (REST answers
// and bodies; plain JSON has no int64, so there an integer decodes as a
// float64 first).
//
// Every generated type passes convexclient's type-level check
// (Registry.CheckSpec) against the spec it came from, and decodes strictly:
// a required field missing from a result is an error naming it.
package main
