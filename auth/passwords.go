package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

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
	// DummyCost is the bcrypt cost every failed verification is made to
	// take: unknown users and malformed stored hashes are compared against
	// a dummy hash of this cost, and a wrong password against a cheaper
	// stored hash is padded up to it (see Verify). Zero (the default)
	// means Cost, which is right whenever Cost is the highest cost among
	// the stored hashes. Set it (clamped to 4–31) only to pin a known
	// higher stored cost. It never follows the traffic: an attacker could
	// steer it.
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

	dummyCost int                          // every failure costs this much
	onDummy   func(cost int)               // tests: observes dummy comparisons
	dummies   [bcrypt.MaxCost + 1]struct { // dummy hash per cost, made on first use
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
	if cfg.DummyCost == 0 {
		cfg.DummyCost = cfg.Cost
	}
	cfg.DummyCost = min(max(cfg.DummyCost, bcrypt.MinCost), bcrypt.MaxCost)
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
// A mismatch fails with ErrInvalidCredentials. Every failure costs the
// same bcrypt work whatever the account, so response time reveals neither
// which accounts exist nor their hashes' cost:
//
//   - an empty hash (unknown user) and a malformed hash cost one comparison
//     against a dummy hash at the dummy cost (PasswordConfig.DummyCost,
//     default Cost); a malformed hash fails with ErrInvalidCredentials
//     joined with ErrMalformedHash;
//   - a wrong password against a stored hash of a lower cost c is padded
//     with one dummy comparison at each cost c, c+1, ..., dummy-1: the
//     rounds add up to exactly those of one comparison at the dummy cost
//     (2^c + 2^c + 2^(c+1) + ... + 2^(dummy-1) = 2^dummy), with the fewest
//     extra comparisons (cost 10 against 12: two, at 10 and 11), so the
//     fixed per-comparison overhead that remains is a fraction of a
//     percent at production costs. A stored cost above the dummy cost
//     cannot be padded down and takes longer.
//
// A successful check is not padded (the caller learns the password was
// right anyway); needsRehash is then true when the hash's cost is below
// the configured one. A full pool fails with *BusyError (ErrBusy); ctx
// ending while waiting or comparing with an error wrapping ctx.Err() (the
// comparison itself finishes in the pool).
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

// Waste spends, in the pool, the bcrypt work of a failed Verify (one
// comparison at the dummy cost) and then fails with ErrInvalidCredentials.
// Use it where a login is refused without checking the password (a
// locked or inactive account, an attempt refused after the user lookup),
// so the refusal takes as long as a wrong password. Pool and context
// errors are as for Verify.
func (p *Passwords) Waste(ctx context.Context, password string) error {
	if err := p.run(ctx, func() { p.compareDummy(p.dummyCost, password) }); err != nil {
		return err
	}
	return ErrInvalidCredentials
}

// verify is Verify's work inside a pool slot, on a pool worker thread.
func (p *Passwords) verify(hash, password string) (needsRehash bool, err error) {
	if hash == "" {
		p.compareDummy(p.dummyCost, password)
		return false, ErrInvalidCredentials
	}
	err = bcrypt.CompareHashAndPassword([]byte(hash), []byte(password))
	switch {
	case err == nil:
		return NeedsRehash(hash, p.cost), nil
	case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword):
		if c, cerr := bcrypt.Cost([]byte(hash)); cerr == nil {
			for k := max(c, bcrypt.MinCost); k < p.dummyCost; k++ {
				p.compareDummy(k, password)
			}
		}
		return false, ErrInvalidCredentials
	default:
		// Malformed stored hash: spend the same time, report both causes.
		p.compareDummy(p.dummyCost, password)
		return false, errors.Join(ErrInvalidCredentials, ErrMalformedHash)
	}
}

// compareDummy runs one comparison against the dummy hash of cost c.
func (p *Passwords) compareDummy(c int, password string) {
	if p.onDummy != nil {
		p.onDummy(c)
	}
	_ = bcrypt.CompareHashAndPassword(p.dummyHash(c), []byte(password))
}

// dummyHash returns a hash of a random, forgotten password at cost c,
// computed once per cost on first use (inside a pool slot).
func (p *Passwords) dummyHash(c int) []byte {
	d := &p.dummies[c]
	d.once.Do(func() {
		secret := make([]byte, 32)
		_, _ = rand.Read(secret) // crypto/rand.Read never fails on supported platforms
		// Cannot fail: 32 bytes and a cost clamped to range.
		d.hash, _ = bcrypt.GenerateFromPassword(secret, c)
	})
	return d.hash
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
