package backend

import "testing"

// TestCheckClientVersion: the backend's Convex-Client rules and texts, with
// the thresholds of crates/common/deprecation.json (npm ≤ 0.19.1, python ≤
// 0.0.2, rust ≤ 0.0.1 unsupported; python ≤ 0.2.0 upgrade required).
func TestCheckClientVersion(t *testing.T) {
	const npmFix = "Update your Convex npm version with `npx convex update` or `npm update`."
	const pyFix = "Update your Convex python version with `pip install --upgrade convex`."
	upgrade := func(client, v, fix string) string {
		return "The Convex " + client + " package at " + v + " is deprecated and will no longer be supported soon. When this version is no longer supported, requests to Convex will fail, so it is best to upgrade and redeploy your application as soon as possible. " + fix
	}
	tests := []struct {
		in, code, state, msg string
	}{
		{"", "", "", ""},
		{"npm-1.48.0", "", "", ""},
		{"npm-0.19.2", "", "", ""},
		{"npm-cli-1.2.3", "", "", ""},
		{"actions-1.0.0", "", "", ""},
		{"convexgw-go-0.1.0", "", "", ""},
		{"my-esolang-client-0.0.1", "", "", ""},
		{"python-0.5.0", "", "", ""},
		{"python-0.2.1", "", "", ""},
		{"rust-0.0.2", "", "", ""},
		{"unknown-junk", "", "", ""}, // unrecognised clients are not checked
		{"nodash", "InvalidClientVersion", "", "Failed to parse client version string: 'nodash'. Expected format is {client_name}-{semver}, e.g. my-esolang-client-0.0.1"},
		{"npm", "InvalidClientVersion", "", "Failed to parse client version string: 'npm'. Expected format is {client_name}-{semver}, e.g. my-esolang-client-0.0.1"},
		{"npm-0.19.1", "ClientVersionUnsupported", "Unsupported", "The Convex npm package at version 0.19.1 is no longer supported. " + npmFix},
		{"NPM-0.1.0", "ClientVersionUnsupported", "Unsupported", "The Convex npm package at version 0.1.0 is no longer supported. " + npmFix},
		{"npm-cli-0.19.0", "ClientVersionUnsupported", "Unsupported", "The Convex npm-cli package at version 0.19.0 is no longer supported. " + npmFix},
		{"actions-0.19.1", "ClientVersionUnsupported", "Unsupported", "The Convex actions package at version 0.19.1 is no longer supported. " + npmFix},
		{"npm-abc", "ClientVersionUnsupported", "Unsupported", "The Convex npm package at version abc is no longer supported. " + npmFix},
		{"npm-1.2", "ClientVersionUnsupported", "Unsupported", "The Convex npm package at version 1.2 is no longer supported. " + npmFix},
		{"npm-01.2.3", "ClientVersionUnsupported", "Unsupported", "The Convex npm package at version 01.2.3 is no longer supported. " + npmFix},
		{"python-0.0.2", "ClientVersionUnsupported", "Unsupported", "The Convex python package at version 0.0.2 is no longer supported. " + pyFix},
		{"python-convex-0.0.1", "ClientVersionUnsupported", "Unsupported", "The Convex python package at version 0.0.1 is no longer supported. " + pyFix},
		{"rust-0.0.1", "ClientVersionUnsupported", "Unsupported", "The Convex rust package at version 0.0.1 is no longer supported. Update your Convex rust version with `cargo update -p convex` or by updating `Cargo.toml`."},
		{"python-0.0.3", "", "UpgradeRequired", upgrade("python", "0.0.3", pyFix)},
		{"python-0.2.0", "", "UpgradeRequired", upgrade("python", "0.2.0", pyFix)},
		{"python-0.2.0-rc.1", "", "UpgradeRequired", upgrade("python", "0.2.0-rc.1", pyFix)},
	}
	for _, tt := range tests {
		got := CheckClientVersion(tt.in)
		switch {
		case tt.code == "" && got.Err != nil:
			t.Errorf("%q: refused %v", tt.in, got.Err)
		case tt.code != "" && (got.Err == nil || got.Err.Code != tt.code || got.Err.Message != tt.msg || got.Err.Status != 400):
			t.Errorf("%q: %+v, want 400 %s %q", tt.in, got.Err, tt.code, tt.msg)
		case got.State != tt.state || (tt.state != "" && got.Message != tt.msg):
			t.Errorf("%q: state %q %q, want %q %q", tt.in, got.State, got.Message, tt.state, tt.msg)
		}
	}
}

func TestEncodedByDefault(t *testing.T) {
	for in, want := range map[string]bool{
		"npm-1.4.0": true, "npm-1.4.1": false, "npm-cli-1.3.9": true, "actions-1.0.0": true,
		"python-0.4.9": true, "python-0.5.0": false, "npm-1.48.0": false, "convexgw-go-0.1.0": false,
		"": false, "npm-junk": false,
	} {
		if got := EncodedByDefault(in); got != want {
			t.Errorf("EncodedByDefault(%q) = %v", in, got)
		}
	}
}
