package main

import (
	"reflect"
	"testing"
)

func TestExported(t *testing.T) {
	for in, want := range map[string]string{
		"_id":                  "ID",
		"_creationTime":        "CreationTime",
		"userId":               "UserID",
		"attendeeIds":          "AttendeeIDs",
		"user_id":              "UserID",
		"UserID":               "UserID",
		"HTTPServer":           "HTTPServer",
		"apiKeys":              "APIKeys",
		"url":                  "URL",
		"imageUrls":            "ImageURLs",
		"in progress":          "InProgress",
		"a-b c":                "ABC",
		"dir/messages:list":    "DirMessagesList",
		"2fa":                  "X2fa",
		"v2Api":                "V2API",
		"type":                 "Type",
		"func":                 "Func",
		"this":                 "This",
		"_":                    "",
		"":                     "",
		"¡olé!":                "Ol",
		"_scheduled_functions": "ScheduledFunctions",
	} {
		if got := exported(in); got != want {
			t.Errorf("exported(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWords(t *testing.T) {
	for in, want := range map[string][]string{
		"userId":     {"user", "Id"},
		"HTTPServer": {"HTTP", "Server"},
		"a1B":        {"a1", "B"},
		"__x__y":     {"x", "y"},
		"ALLCAPS":    {"ALLCAPS"},
		"":           nil,
	} {
		if got := words(in); !reflect.DeepEqual(got, want) {
			t.Errorf("words(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNamer(t *testing.T) {
	n := newNamer("Bindings")
	got := []string{n.take("Bindings"), n.take("A"), n.take("A"), n.take("A"), n.take(""), n.take("A2")}
	want := []string{"Bindings2", "A", "A2", "A3", "X", "A22"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestValidPackageAndTags(t *testing.T) {
	for s, want := range map[string]bool{"demo": true, "my_pkg": true, "type": false, "func": false, "_": false, "1x": false, "": false, "a-b": false} {
		if validPackage(s) != want {
			t.Errorf("validPackage(%q) = %v", s, !want)
		}
	}
	for s, want := range map[string]bool{"a": true, "a b<>": true, "": false, "a,b": false, `a"b`: false, "a'b": false, `a\b`: false, "a`b": false} {
		if tagSafe(s) != want {
			t.Errorf("tagSafe(%q) = %v", s, !want)
		}
	}
}
