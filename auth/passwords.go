package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
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
	// DummyCost is the bcrypt cost of the dummy hash that unknown users and
	// malformed stored hashes are compared against, so that they take as long
	// as a wrong password for a real account. Zero (the default) follows the
	// stored hashes: the cost most often seen among the well-formed hashes
	// Verify has checked, or Cost before any. Following matters when stored
	// hashes are cheaper than Cost (seed data at 10, Cost 12): a dummy at
	// Cost would make unknown emails 4x slower and reveal which accounts
	// exist. Set it (clamped to 4–31) when the stored cost is known.
	DummyCost int
}

// Passwords hashes and verifies bcrypt passwords in a bounded pool, so a
// login storm cannot take every CPU or pile up goroutines. The work runs on
// at most PoolSize long-lived worker threads at a lower OS scheduling
// priority (see workerPool), so it yields to request handling. It is safe
// for concurrent use.
type Passwords struct {
	cost    int
	maxWait time.Duration
	maxIn   int
	slots   chan struct{} // held from acquire until the work is done
	threads *workerPool   // runs the work on locked, de-prioritised threads

	dummyCost int                               // fixed dummy cost; 0: follow seen
	seen      [bcrypt.MaxCost + 1]atomic.Uint64 // well-formed stored hashes verified, by cost
	dummies   [bcrypt.MaxCost + 1]struct {      // dummy hash per cost, made on first use
		once sync.Once
		hash []byte
	}
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
	if cfg.DummyCost != 0 {
		cfg.DummyCost = min(max(cfg.DummyCost, bcrypt.MinCost), bcrypt.MaxCost)
	}
	return &Passwords{cost: cfg.Cost, maxWait: cfg.MaxWait, maxIn: cfg.MaxPasswordBytes,
		slots: make(chan struct{}, cfg.PoolSize), threads: newWorkerPool(cfg.PoolSize, defaultWorkerIdle),
		dummyCost: cfg.DummyCost}
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

// run takes a pool slot (waiting at most MaxWait) and runs fn on a pool
// worker thread (see workerPool), returning when fn has. If ctx ends first
// run returns ctx's error at once; fn still finishes (bcrypt cannot be
// interrupted) and keeps its slot until then, so the pool stays bounded.
// fn must not touch what the caller reads after a ctx error.
func (p *Passwords) run(ctx context.Context, fn func()) error {
	if err := p.acquire(ctx); err != nil {
		return err
	}
	done := make(chan struct{})
	p.threads.submit(func() {
		defer close(done) // after the release: a returning caller sees its slot free
		defer p.release()
		fn()
	})
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("auth: password check abandoned: %w", ctx.Err())
	}
}

// Hash returns a bcrypt hash of password at the configured cost. Passwords
// over 72 bytes fail with ErrPasswordTooLong; a full pool with *BusyError;
// ctx ending first with an error wrapping ctx.Err().
func (p *Passwords) Hash(ctx context.Context, password string) (string, error) {
	if len(password) > maxBcryptBytes {
		return "", ErrPasswordTooLong
	}
	var h []byte
	var err error
	if rerr := p.run(ctx, func() { h, err = bcrypt.GenerateFromPassword([]byte(password), p.cost) }); rerr != nil {
		return "", rerr
	}
	if err != nil {
		return "", fmt.Errorf("auth: hashing password: %w", err)
	}
	return string(h), nil
}

// Verify compares password with a stored bcrypt hash ($2a$, $2b$ or $2y$).
// A mismatch fails with ErrInvalidCredentials. An empty hash (unknown user)
// and a malformed hash cost one comparison against a dummy hash at the
// dummy cost (see PasswordConfig.DummyCost) before failing the same way, so
// response time does not reveal which accounts exist. needsRehash is true after a successful check
// against a hash whose cost is below the configured one. A full pool fails
// with *BusyError (ErrBusy); ctx ending while waiting or comparing with an
// error wrapping ctx.Err() (the comparison itself finishes in the pool).
func (p *Passwords) Verify(ctx context.Context, hash, password string) (needsRehash bool, err error) {
	if len(password) > p.maxIn {
		return false, fmt.Errorf("%w: password input over %d bytes", ErrInvalidCredentials, p.maxIn)
	}
	// Locals, not the named results: after a ctx error the worker may still
	// be writing them while this returns.
	var rehash bool
	var verr error
	if err := p.run(ctx, func() { rehash, verr = p.verify(hash, password) }); err != nil {
		return false, err
	}
	return rehash, verr
}

// verify is Verify's work inside a pool slot, on a pool worker thread.
func (p *Passwords) verify(hash, password string) (needsRehash bool, err error) {
	if hash == "" {
		_ = bcrypt.CompareHashAndPassword(p.dummyHash(), []byte(password))
		return false, ErrInvalidCredentials
	}
	if c, cerr := bcrypt.Cost([]byte(hash)); cerr == nil && c >= bcrypt.MinCost && c <= bcrypt.MaxCost {
		p.seen[c].Add(1)
	}
	err = bcrypt.CompareHashAndPassword([]byte(hash), []byte(password))
	switch {
	case err == nil:
		return NeedsRehash(hash, p.cost), nil
	case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword):
		return false, ErrInvalidCredentials
	default:
		// Malformed stored hash: spend the same time, report both causes.
		_ = bcrypt.CompareHashAndPassword(p.dummyHash(), []byte(password))
		return false, errors.Join(ErrInvalidCredentials, ErrMalformedHash)
	}
}

// currentDummyCost is DummyCost, else the most common cost among the
// stored hashes verified so far (ties to the higher cost), else Cost. A
// mode rather than the last cost seen, so a few logins to one account
// cannot steer it.
func (p *Passwords) currentDummyCost() int {
	if p.dummyCost != 0 {
		return p.dummyCost
	}
	best, bestN := p.cost, uint64(0)
	for c := range p.seen {
		if n := p.seen[c].Load(); n > 0 && n >= bestN {
			best, bestN = c, n
		}
	}
	return best
}

// dummyHash returns a hash of a random, forgotten password at the current
// dummy cost, computed once per cost on first use (inside a pool slot).
func (p *Passwords) dummyHash() []byte {
	c := p.currentDummyCost()
	d := &p.dummies[c]
	d.once.Do(func() {
		secret := make([]byte, 32)
		_, _ = rand.Read(secret) // crypto/rand.Read never fails on supported platforms
		// Cannot fail: 32 bytes and a cost clamped to range.
		d.hash, _ = bcrypt.GenerateFromPassword(secret, c)
	})
	return d.hash
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
