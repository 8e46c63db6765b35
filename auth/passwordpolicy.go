package auth

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
)

// Password length rules (NIST SP 800-63B 5.1.1.2): at least 8 characters,
// and at most the 72 bytes bcrypt reads. No composition rules.
const (
	MinPasswordRunes = 8
	MaxPasswordBytes = maxBcryptBytes
)

// DefaultMinPasswordScore is the zxcvbn score (0–4) a new password needs by
// default: 3, "safely unguessable" (about 10^8 guesses or more). Score 2
// passwords fall to an offline attack on a leaked cost-12 bcrypt hash in
// hours; 0 and 1 are common passwords and their obvious variants.
const DefaultMinPasswordScore = 3

// WeakPasswordError is a new password the policy refuses. It matches
// ErrWeakPassword (and ErrPasswordTooShort or ErrPasswordTooLong for the
// length rules). Reason is a sentence for the user, safe to show as a
// field-level 400 message; it never contains the password.
type WeakPasswordError struct {
	// Reason says why, for example "must be at least 8 characters".
	Reason string
	cause  error
}

// Error implements error.
func (e *WeakPasswordError) Error() string { return "auth: weak password: " + e.Reason }

// Unwrap returns ErrWeakPassword and the specific cause.
func (e *WeakPasswordError) Unwrap() []error { return []error{ErrWeakPassword, e.cause} }

// PasswordUser is what a password must not be built from.
type PasswordUser struct {
	// Email and Name of the account; empty fields are ignored.
	Email, Name string
}

// PasswordPolicy checks new passwords (sign-up, reset, change, invitation).
// The zero value applies the defaults. It is safe for concurrent use.
//
// Strength is estimated with github.com/trustelem/zxcvbn, a Go port of
// Dropbox's zxcvbn 4.4 (guess-number scoring with its frequency lists of
// common passwords, names, words and keyboard patterns). Linking it costs
// about 6.5 MiB of heap at program start (its dictionaries).
type PasswordPolicy struct {
	// MinScore is the lowest zxcvbn score (0–4) accepted (default
	// DefaultMinPasswordScore; negative accepts every score).
	MinScore int
}

// Check applies, in order: at least MinPasswordRunes characters, at most
// MaxPasswordBytes bytes, not containing the email's local part, the
// whole email or a part of the name of at least 3 characters (case and
// accents as written), and a zxcvbn score of at least MinScore with the
// user's details as extra dictionary words. It returns nil or a
// *WeakPasswordError.
func (p PasswordPolicy) Check(password string, u PasswordUser) error {
	if err := checkLength(password); err != nil {
		return err
	}
	lower := strings.ToLower(password)
	inputs := userWords(u)
	for _, w := range inputs {
		if utf8.RuneCountInString(w) >= 3 && strings.Contains(lower, w) {
			return &WeakPasswordError{Reason: "must not contain your name or email address", cause: errPasswordPersonal}
		}
	}
	min := p.MinScore
	if min == 0 {
		min = DefaultMinPasswordScore
	}
	if min > 0 && zxcvbn.PasswordStrength(password, inputs).Score < min {
		return &WeakPasswordError{Reason: "is too common or too easy to guess; try a longer phrase of unrelated words", cause: errPasswordGuessable}
	}
	return nil
}

func checkLength(password string) error {
	if len(password) > MaxPasswordBytes {
		return &WeakPasswordError{Reason: fmt.Sprintf("must be at most %d bytes", MaxPasswordBytes), cause: ErrPasswordTooLong}
	}
	if utf8.RuneCountInString(password) < MinPasswordRunes {
		return &WeakPasswordError{Reason: fmt.Sprintf("must be at least %d characters", MinPasswordRunes), cause: ErrPasswordTooShort}
	}
	return nil
}

// userWords returns the lower-cased email, its local part and the words
// of the name (split at anything not a letter or digit).
func userWords(u PasswordUser) []string {
	var out []string
	if email := strings.ToLower(strings.TrimSpace(u.Email)); email != "" {
		out = append(out, email)
		if at := strings.LastIndexByte(email, '@'); at > 0 {
			out = append(out, email[:at])
		}
	}
	name := strings.ToLower(u.Name)
	out = append(out, strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })...)
	if compact := strings.Join(strings.Fields(name), ""); compact != "" && !strings.EqualFold(compact, name) {
		out = append(out, compact)
	}
	return out
}

// CheckNewPassword applies the policy's rules for a password being set,
// with the default score and no user details: at least MinPasswordRunes
// (8) characters, at most 72 bytes (what bcrypt reads), and not too common
// or guessable (zxcvbn score at least DefaultMinPasswordScore). There are
// no composition rules (NIST SP 800-63B). Errors are *WeakPasswordError,
// matching ErrWeakPassword and, for the length rules, ErrPasswordTooShort
// or ErrPasswordTooLong. Prefer PasswordPolicy.Check with the user's
// email and name. Login input is not checked this way.
func CheckNewPassword(password string) error {
	return PasswordPolicy{}.Check(password, PasswordUser{})
}
