package routes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/mail"
)

// failingValues is a memory store whose single-use values cannot be
// written: a Redis that refuses the token.
type failingValues struct{ auth.Store }

func (failingValues) PutValue(context.Context, string, []byte, time.Time, time.Time) error {
	return fmt.Errorf("%w: redis unreachable", auth.ErrStore)
}

// TestFlowTaskErrorsRetried: a task that could not store its token is
// retried by the runner (its error says Temporary), while an unknown
// account is a success with nothing to do.
func TestFlowTaskErrorsRetried(t *testing.T) {
	env := newFlowEnv(t, flowOpts{})
	tokens, err := auth.NewAccountTokens(auth.AccountTokenConfig{Store: failingValues{env.store}})
	if err != nil {
		t.Fatal(err)
	}
	env.api.d.Flows.Tokens = tokens
	tasks := env.api.Tasks()
	raw, _ := json.Marshal(EmailTaskArgs{Email: "ann@test.dev"})
	err = tasks[TaskForgotPassword](context.Background(), raw)
	var tmp interface{ Temporary() bool }
	if !errors.As(err, &tmp) || !tmp.Temporary() || !errors.Is(err, auth.ErrStore) {
		t.Errorf("store failure: %v, want a temporary error matching auth.ErrStore", err)
	}
	raw, _ = json.Marshal(EmailTaskArgs{Email: "nobody@test.dev"})
	if err := tasks[TaskForgotPassword](context.Background(), raw); err != nil {
		t.Errorf("unknown account: %v", err)
	}
	if err := tasks[TaskSignUp](context.Background(), json.RawMessage(`[`)); err == nil {
		t.Error("malformed arguments accepted")
	}
}

// TestFlowsWithoutRunner: without a secondary runner the work runs
// before the answer (tools and tests), with the same answer.
func TestFlowsWithoutRunner(t *testing.T) {
	env := newFlowEnv(t, flowOpts{noRunner: true})
	r := env.browser().do(http.MethodPost, "/api/auth/forgot-password", map[string]string{"email": "ann@test.dev"})
	if r.status != http.StatusAccepted {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if m, ok := env.mailbox.Latest("ann@test.dev"); !ok || m.Template != mail.ResetPassword {
		t.Errorf("no reset email: %+v", m)
	}
}

// TestTasksListsTheFlows: the runner must know every kind the routes
// enqueue.
func TestTasksListsTheFlows(t *testing.T) {
	tasks := NewAPI(testDeps(t)).Tasks()
	for _, k := range []string{TaskRecordLogin, TaskSetPasswordHash, TaskSignUp, TaskForgotPassword, TaskResendVerification} {
		if tasks[k] == nil {
			t.Errorf("Tasks has no %s", k)
		}
	}
}
