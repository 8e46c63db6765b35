package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// maxBcryptBytes is the most of a password bcrypt reads.
const maxBcryptBytes = 72

// PasswordConfig configures Passwords. Zero fields take the defaults noted.
type PasswordConfig struct {
	// Cost is the bcrypt cost for new hashes (default 12; clamped to 4–31).
	// Production configs should not go below 10 (OWASP); low costs exist
	// for tests. Stored hashes below it report needsRehash.
	Cost int
	// PoolSize is how many hashes or comparisons run at once (default runtime.NumCPU()).
	PoolSize int
	// MaxWait is how long a call waits for a pool slot before failing with
	// *BusyError (default 2s).
	MaxWait time.Duration
	// MaxPasswordBytes caps login input: longer passwords fail Verify with
	// ErrInvalidCredentials without any bcrypt work (default 1024).
	MaxPasswordBytes int
}

// Passwords hashes and verifies bcrypt passwords in a bounded pool, so a
// login storm cannot take every CPU or pile up goroutines. It is safe for
// concurrent use.
type Passwords struct {
	cost    int
	maxWait time.Duration
	maxIn   int
	slots   chan struct{}

	dummyOnce sync.Once
	dummy     []byte
}

// NewPasswords returns Passwords with cfg's defaults applied.
func NewPasswords(cfg PasswordConfig) *Passwords {
	switch {
	case cfg.Cost == 0:
		cfg.Cost = 12
	case cfg.Cost < bcrypt.MinCost:
		cfg.Cost = bcrypt.MinCost
	case cfg.Cost > bcrypt.MaxCost:
		cfg.Cost = bcrypt.MaxCost
	}
	if cfg.PoolSize <= 0 {
		cfg.PoolSize = runtime.NumCPU()
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = 2 * time.Second
	}
	if cfg.MaxPasswordBytes <= 0 {
		cfg.MaxPasswordBytes = 1024
	}
	return &Passwords{cost: cfg.Cost, maxWait: cfg.MaxWait, maxIn: cfg.MaxPasswordBytes, slots: make(chan struct{}, cfg.PoolSize)}
}

// Cost returns the bcrypt cost used for new hashes.
func (p *Passwords) Cost() int { return p.cost }

// acquire takes a pool slot, waiting at most MaxWait.
func (p *Passwords) acquire(ctx context.Context) error {
	select {
	case p.slots <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(p.maxWait)
	defer t.Stop()
	select {
	case p.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("auth: waiting for password pool: %w", ctx.Err())
	case <-t.C:
		return &BusyError{RetryAfter: ceilSecond(p.maxWait)}
	}
}

func (p *Passwords) release() { <-p.slots }

// Hash returns a bcrypt hash of password at the configured cost. Passwords
// over 72 bytes fail with ErrPasswordTooLong; a full pool with *BusyError.
func (p *Passwords) Hash(ctx context.Context, password string) (string, error) {
	if len(password) > maxBcryptBytes {
		return "", ErrPasswordTooLong
	}
	if err := p.acquire(ctx); err != nil {
		return "", err
	}
	defer p.release()
	h, err := bcrypt.GenerateFromPassword([]byte(password), p.cost)
	if err != nil {
		return "", fmt.Errorf("auth: hashing password: %w", err)
	}
	return string(h), nil
}

// Verify compares password with a stored bcrypt hash ($2a$, $2b$ or $2y$).
// A mismatch fails with ErrInvalidCredentials. An empty hash (unknown user)
// and a malformed hash cost one comparison against a dummy hash at the
// configured cost before failing the same way, so response time does not
// reveal which accounts exist. needsRehash is true after a successful check
// against a hash whose cost is below the configured one. A full pool fails
// with *BusyError (ErrBusy); ctx cancellation while waiting with ctx.Err().
func (p *Passwords) Verify(ctx context.Context, hash, password string) (needsRehash bool, err error) {
	if len(password) > p.maxIn {
		return false, fmt.Errorf("%w: password input over %d bytes", ErrInvalidCredentials, p.maxIn)
	}
	if err := p.acquire(ctx); err != nil {
		return false, err
	}
	defer p.release()
	dummy := p.dummyHash()
	if hash == "" {
		_ = bcrypt.CompareHashAndPassword(dummy, []byte(password))
		return false, ErrInvalidCredentials
	}
	err = bcrypt.CompareHashAndPassword([]byte(hash), []byte(password))
	switch {
	case err == nil:
		return NeedsRehash(hash, p.cost), nil
	case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword):
		return false, ErrInvalidCredentials
	default:
		// Malformed stored hash: spend the same time, report both causes.
		_ = bcrypt.CompareHashAndPassword(dummy, []byte(password))
		return false, errors.Join(ErrInvalidCredentials, ErrMalformedHash)
	}
}

// dummyHash returns a hash of a random, forgotten password at the configured
// cost, computed once on first use (inside a pool slot).
func (p *Passwords) dummyHash() []byte {
	p.dummyOnce.Do(func() {
		secret := make([]byte, 32)
		_, _ = rand.Read(secret) // crypto/rand.Read never fails on supported platforms
		// Cannot fail: 32 bytes and a cost NewPasswords clamped to range.
		p.dummy, _ = bcrypt.GenerateFromPassword(secret, p.cost)
	})
	return p.dummy
}

// MinPasswordRunes is the shortest new password CheckNewPassword accepts
// (OWASP ASVS v4 2.1.1).
const MinPasswordRunes = 12

// CheckNewPassword applies the rules for a password being set: at least
// MinPasswordRunes characters, at most 72 bytes (what bcrypt reads; ASVS
// 2.1.2's 64 characters fit in ASCII). Errors are ErrPasswordTooShort or
// ErrPasswordTooLong. Login input is not checked this way.
func CheckNewPassword(password string) error {
	if len(password) > maxBcryptBytes {
		return ErrPasswordTooLong
	}
	if utf8.RuneCountInString(password) < MinPasswordRunes {
		return ErrPasswordTooShort
	}
	return nil
}

// NeedsRehash reports whether a stored bcrypt hash has a cost below cost.
// A malformed hash reports false: it cannot be verified, so it cannot be
// upgraded either.
func NeedsRehash(hash string, cost int) bool {
	c, err := bcrypt.Cost([]byte(hash))
	if err != nil {
		return false
	}
	return c < cost
}
