package backend

import "testing"

// TestErrorJSON: the backend's compact {"code","message"} with serde_json's
// escaping (no HTML escaping; invalid UTF-8 replaced).
func TestErrorJSON(t *testing.T) {
	tests := []struct {
		e    *Error
		want string
	}{
		{ErrBadContentType(), "{\"code\":\"BadJsonBody\",\"message\":\"Expected request with `Content-Type: application/json`\"}"},
		{ErrInvalidHeader(), `{"code":"InvalidHeaderFailure","message":"Invalid authentication header"}`},
		{ErrBadDeployKey(), `{"code":"BadDeployKey","message":"The provided deploy key was invalid for this deployment. Double check that the environment this key was generated for matches the desired deployment."}`},
		{ErrMissingIdentifier(), `{"code":"MissingIdentifier","message":"Path or function name not provided in path, e.g. /api/run/messages/list"}`},
		{ErrOutOfRetention(), `{"code":"InternalServerError","message":"Your request couldn't be completed. Try again later."}`},
		{&Error{400, "X", "a<b>&\"\n\xff"}, `{"code":"X","message":"a<b>&\"\n` + "\uFFFD" + `"}`},
	}
	for _, tt := range tests {
		if got := string(tt.e.JSON()); got != tt.want {
			t.Errorf("%v:\n got %s\nwant %s", tt.e, got, tt.want)
		}
	}
	if s := ErrOutOfRetention().Status; s != 503 {
		t.Errorf("out of retention status %d", s)
	}
}

func TestNotFoundMessage(t *testing.T) {
	tests := []struct {
		display, component string
		anyKind            bool
		want               string
	}{
		{"messages", "", false, "Could not find public function for 'messages'."},
		{"a/b:c", "", true, "Could not find function for 'a/b:c'. Did you forget to run `npx convex dev`?"},
		{"x:y", "waitlist", true, "Could not find function for 'x:y' in 'waitlist'. Did you forget to run `npx convex dev`?"},
	}
	for _, tt := range tests {
		if got := NotFoundMessage(tt.display, tt.component, tt.anyKind); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
	if got := FunctionErrorMessage("r1", "boom"); got != "[Request ID: r1] Server Error\nboom\n" {
		t.Errorf("FunctionErrorMessage = %q", got)
	}
}
