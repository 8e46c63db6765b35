package backend

import (
	"net/http"
	"strconv"
	"strings"
)

// The Convex-Client header rules of the backend's client-version middleware
// (convex-backend crates/common/src/http/mod.rs client_version_state_middleware,
// ExtractClientVersion; crates/common/src/version.rs ClientVersion::from_str,
// current_state; thresholds from crates/common/deprecation.json).

// Deprecation headers the backend adds for old clients
// (crates/convex/sync_types/src/headers.rs).
const (
	HeaderDeprecationState   = "X-Convex-Deprecation-State"
	HeaderDeprecationMessage = "X-Convex-Deprecation-Message"
)

// semver is a parsed semantic version (pre-release and build kept for
// ordering: a pre-release sorts before its release).
type semver struct {
	major, minor, patch uint64
	pre                 string
	text                string // as printed by Rust's semver Display
}

// clientThresholds are deprecation.json's versions: a client at or below
// unsupported is refused; at or below upgradeRequired it is warned.
type clientThresholds struct {
	upgradeRequired, unsupported semver
	instructions                 string
}

// thresholdsFor returns the thresholds of a canonical client name; ok is
// false for clients without deprecation checks.
func thresholdsFor(client string) (clientThresholds, bool) {
	switch client {
	case "npm", "npm-cli", "actions":
		return clientThresholds{
			upgradeRequired: semver{0, 19, 1, "", "0.19.1"}, unsupported: semver{0, 19, 1, "", "0.19.1"},
			instructions: "Update your Convex npm version with `npx convex update` or `npm update`.",
		}, true
	case "python":
		return clientThresholds{
			upgradeRequired: semver{0, 2, 0, "", "0.2.0"}, unsupported: semver{0, 0, 2, "", "0.0.2"},
			instructions: "Update your Convex python version with `pip install --upgrade convex`.",
		}, true
	case "rust":
		return clientThresholds{
			upgradeRequired: semver{0, 0, 1, "", "0.0.1"}, unsupported: semver{0, 0, 1, "", "0.0.1"},
			instructions: "Update your Convex rust version with `cargo update -p convex` or by updating `Cargo.toml`.",
		}, true
	}
	return clientThresholds{}, false
}

// ClientVersionCheck is the client-version middleware's verdict on a
// Convex-Client header. The zero value accepts the request without headers.
type ClientVersionCheck struct {
	// Err is nil, or the 400 InvalidClientVersion or
	// ClientVersionUnsupported answer that ends the request.
	Err *Error
	// State is "", "UpgradeRequired" or "Unsupported": when set, every
	// answer carries the deprecation headers (SetHeaders).
	State   string
	Message string // the deprecation message, with State
}

// clientVersion is a parsed Convex-Client header.
type clientVersion struct {
	client  string // canonical client type: "npm", "npm-cli", "actions", "python", "rust", or the name given
	version string // as the backend prints it
	sv      semver
	semver  bool // false: an unrecognised (non-semver) version
}

// parseClientVersion parses "<client>-<version>" as ClientVersion::from_str
// does: the longest semver suffix after a '-' is the version; without one
// the first part is the client and the rest an unrecognised version. ok is
// false when there is no '-'.
func parseClientVersion(v string) (clientVersion, bool) {
	parts := strings.Split(v, "-")
	if len(parts) < 2 {
		return clientVersion{}, false
	}
	cv := clientVersion{client: parts[0], version: strings.Join(parts[1:], "-")}
	for n := 1; n < len(parts); n++ {
		if sv, ok := parseSemver(strings.Join(parts[n:], "-")); ok {
			cv.client, cv.version, cv.sv, cv.semver = strings.Join(parts[:n], "-"), sv.text, sv, true
			break
		}
	}
	switch name := strings.ToLower(cv.client); name {
	case "python-convex":
		cv.client = "python"
	default:
		cv.client = name
	}
	return cv, true
}

// CheckClientVersion applies the backend's rules to a Convex-Client value
// ("" = header absent: an unknown client, accepted), in the middleware that
// runs before routing: a value without '-' is refused (400
// InvalidClientVersion); npm, npm-cli, actions, python and rust clients at
// or below the unsupported threshold, or with a version that is not semver,
// are refused (400 ClientVersionUnsupported, with the deprecation headers);
// those at or below the upgrade threshold get the headers only. Other
// client names are not checked.
func CheckClientVersion(v string) ClientVersionCheck {
	if v == "" {
		return ClientVersionCheck{}
	}
	cv, ok := parseClientVersion(v)
	if !ok {
		msg := "Failed to parse client version string: '" + v + "'. Expected format is {client_name}-{semver}, e.g. my-esolang-client-0.0.1"
		return ClientVersionCheck{Err: &Error{Status: http.StatusBadRequest, Code: "InvalidClientVersion", Message: msg}}
	}
	th, ok := thresholdsFor(cv.client)
	if !ok {
		return ClientVersionCheck{} // other clients get no deprecation checks
	}
	if !cv.semver || cv.sv.compare(th.unsupported) <= 0 { // a non-semver version is below every threshold
		msg := "The Convex " + cv.client + " package at version " + cv.version + " is no longer supported. " + th.instructions
		return ClientVersionCheck{
			Err:   &Error{Status: http.StatusBadRequest, Code: "ClientVersionUnsupported", Message: msg},
			State: "Unsupported", Message: msg,
		}
	}
	if cv.sv.compare(th.upgradeRequired) <= 0 {
		return ClientVersionCheck{State: "UpgradeRequired", Message: "The Convex " + cv.client + " package at " + cv.version +
			" is deprecated and will no longer be supported soon. When this version is no longer supported, requests to Convex will fail, so it is best to upgrade and redeploy your application as soon as possible. " + th.instructions}
	}
	return ClientVersionCheck{}
}

// EncodedByDefault reports whether a client without "format" gets
// convex_encoded_json rather than json: npm, npm-cli and actions below
// 1.4.1, python below 0.5.0 (ClientVersion::default_format in
// crates/common/src/version.rs). /api/run ignores it: it defaults to json.
func EncodedByDefault(v string) bool {
	cv, ok := parseClientVersion(v)
	if !ok || !cv.semver {
		return false
	}
	switch cv.client {
	case "npm", "npm-cli", "actions":
		return cv.sv.compare(semver{1, 4, 1, "", "1.4.1"}) < 0
	case "python":
		return cv.sv.compare(semver{0, 5, 0, "", "0.5.0"}) < 0
	}
	return false
}

// SetHeaders adds the deprecation headers to h, if the verdict has any.
func (c ClientVersionCheck) SetHeaders(h http.Header) {
	if c.State != "" {
		h.Set(HeaderDeprecationState, c.State)
		h.Set(HeaderDeprecationMessage, c.Message)
	}
}

// parseSemver parses a strict semantic version (no leading zeros, optional
// -pre and +build), as Rust's semver crate does.
func parseSemver(s string) (semver, bool) {
	core, build, _ := strings.Cut(s, "+")
	core, pre, hasPre := strings.Cut(core, "-")
	nums := strings.Split(core, ".")
	if len(nums) != 3 || (hasPre && !validIdents(pre)) || (build != "" && !validIdents(build)) || strings.HasSuffix(s, "+") {
		return semver{}, false
	}
	var v [3]uint64
	for i, n := range nums {
		if n == "" || (len(n) > 1 && n[0] == '0') {
			return semver{}, false
		}
		x, err := strconv.ParseUint(n, 10, 64)
		if err != nil {
			return semver{}, false
		}
		v[i] = x
	}
	return semver{v[0], v[1], v[2], pre, s}, true
}

func validIdents(s string) bool {
	for _, id := range strings.Split(s, ".") {
		if id == "" {
			return false
		}
		for i := 0; i < len(id); i++ {
			c := id[i]
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-') {
				return false
			}
		}
	}
	return true
}

// compare orders versions by precedence (pre-release identifiers compared
// as strings, a simplification that holds for the thresholds used here).
func (a semver) compare(b semver) int {
	for _, d := range [...][2]uint64{{a.major, b.major}, {a.minor, b.minor}, {a.patch, b.patch}} {
		if d[0] != d[1] {
			if d[0] < d[1] {
				return -1
			}
			return 1
		}
	}
	switch {
	case a.pre == b.pre:
		return 0
	case a.pre == "":
		return 1
	case b.pre == "":
		return -1
	}
	return strings.Compare(a.pre, b.pre)
}
