package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// account is a demo login with a valid password (examples/demo/devbackend seed).
type account struct{ email, password string }

// benchAccounts are the active demo accounts; logins rotate over them.
var benchAccounts = []account{
	{"admin@demo.test", "demo-admin-pass"},
	{"manager@demo.test", "demo-manager-pass"},
	{"member@demo.test", "demo-member-pass"},
}

func loginBody(a account) []byte {
	b, _ := json.Marshal(map[string]string{"email": a.email, "password": a.password})
	return b
}

// cookieAccount is the account whose session cookie calls the proxied
// route (signIn). Login phases leave it out: the gateway keeps at most 20
// sessions per user and revokes the oldest, so logging it in again and
// again would sign the bench's own cookie out.
var cookieAccount = benchAccounts[2]

// loginTargets are login requests rotating over the demo accounts other
// than cookieAccount.
func loginTargets(base string) []vegeta.Target {
	out := make([]vegeta.Target, 0, len(benchAccounts))
	for _, a := range benchAccounts {
		if a == cookieAccount {
			continue
		}
		out = append(out, vegeta.Target{Method: http.MethodPost, URL: base + "/api/auth/login",
			Body: loginBody(a), Header: http.Header{"Content-Type": {"application/json"}}})
	}
	return out
}

// session is a signed-in caller: the Cookie header value and the CSRF
// token unsafe requests send in X-CSRF-Token.
type session struct{ cookie, csrf string }

// login signs a in and returns its session.
func login(ctx context.Context, base string, a account) (session, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/auth/login", bytes.NewReader(loginBody(a)))
	if err != nil {
		return session{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return session{}, fmt.Errorf("login: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return session{}, fmt.Errorf("login as %s: %d %s", a.email, resp.StatusCode, body)
	}
	var answer struct {
		CSRFToken string `json:"csrfToken"`
	}
	_ = json.Unmarshal(body, &answer) // an empty token only fails the unsafe requests that need it
	cookie, err := cookieHeader(resp.Cookies())
	return session{cookie: cookie, csrf: answer.CSRFToken}, err
}

// listTasks is GET /api/tasks (first page) as s: the number of items.
func listTasks(ctx context.Context, base string, s session) (int, error) {
	body, err := getOK(ctx, base+"/api/tasks", s.cookie)
	if err != nil {
		return 0, err
	}
	var page struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		return 0, fmt.Errorf("GET /api/tasks: %w", err)
	}
	return len(page.Items), nil
}

// ensureTasks creates tasks as s (POST /api/tasks, as a browser sends it:
// CSRF token, Origin) until GET /api/tasks lists n.
func ensureTasks(ctx context.Context, base, origin string, s session, n int) error {
	have, err := listTasks(ctx, base, s)
	if err != nil {
		return err
	}
	for i := have; i < n; i++ {
		body := fmt.Sprintf(`{"title":"Bench task %d","priority":"medium"}`, i+1)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/tasks", strings.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Cookie", s.cookie)
		req.Header.Set("X-CSRF-Token", s.csrf)
		req.Header.Set("Origin", origin)
		resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
		if err != nil {
			return fmt.Errorf("POST /api/tasks: %w", err)
		}
		answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			return fmt.Errorf("POST /api/tasks: %d %s", resp.StatusCode, answer)
		}
	}
	if have, err = listTasks(ctx, base, s); err == nil && have != n {
		err = fmt.Errorf("GET /api/tasks lists %d tasks, want %d", have, n)
	}
	return err
}

// cookieHeader renders the cookies a response set as one Cookie header.
func cookieHeader(cs []*http.Cookie) (string, error) {
	var parts []string
	for _, c := range cs {
		if c.Value != "" && c.MaxAge >= 0 {
			parts = append(parts, c.Name+"="+c.Value)
		}
	}
	if len(parts) == 0 {
		return "", fmt.Errorf("login set no cookie")
	}
	sort.Strings(parts)
	return strings.Join(parts, "; "), nil
}

// getOK does GET url with the cookie and returns the body of a 200 answer.
func getOK(ctx context.Context, url, cookie string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Cookie", cookie)
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %d %s", url, resp.StatusCode, body)
	}
	return body, nil
}

// bcryptVerifyTime measures one bcrypt verify at cost in this process: the
// median of n sequential CompareHashAndPassword calls.
func bcryptVerifyTime(cost, n int) (time.Duration, error) {
	pw := []byte("bench-password-" + randomHex(4))
	hash, err := bcrypt.GenerateFromPassword(pw, cost)
	if err != nil {
		return 0, fmt.Errorf("bcrypt: %w", err)
	}
	times := make([]time.Duration, 0, n)
	for range n {
		start := time.Now()
		if err := bcrypt.CompareHashAndPassword(hash, pw); err != nil {
			return 0, fmt.Errorf("bcrypt verify: %w", err)
		}
		times = append(times, time.Since(start))
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	return times[len(times)/2], nil
}

// bcryptParallelRate measures how many cost verifies per second this machine
// gives workers goroutines right now, over about d.
func bcryptParallelRate(cost, workers int, d time.Duration) (float64, error) {
	pw := []byte("bench-password-" + randomHex(4))
	hash, err := bcrypt.GenerateFromPassword(pw, cost)
	if err != nil {
		return 0, fmt.Errorf("bcrypt: %w", err)
	}
	start := time.Now()
	done := make(chan int, workers)
	for range workers {
		go func() {
			n := 0
			for time.Since(start) < d {
				_ = bcrypt.CompareHashAndPassword(hash, pw)
				n++
			}
			done <- n
		}()
	}
	total := 0
	for range workers {
		total += <-done
	}
	return float64(total) / time.Since(start).Seconds(), nil
}
