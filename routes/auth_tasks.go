package routes

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"time"

	"go.uber.org/zap"
)

// Secondary task kinds the auth routes enqueue (see API.Tasks).
const (
	// TaskRecordLogin runs Accounts.RecordLogin with RecordLoginArgs.
	TaskRecordLogin = "accounts.record_login"
	// TaskSetPasswordHash runs Accounts.SetPasswordHash with PasswordHashArgs.
	TaskSetPasswordHash = "accounts.set_password_hash"
)

// RecordLoginArgs are the arguments of TaskRecordLogin: the login time is
// an argument (Unix milliseconds), so a replay writes the same value.
type RecordLoginArgs struct {
	UserID string `json:"userId"`
	At     int64  `json:"at"`
}

// PasswordHashArgs are the arguments of TaskSetPasswordHash: the new bcrypt
// hash, computed before the task is enqueued. The password itself is never
// part of a task (tasks may be written to Redis).
type PasswordHashArgs struct {
	UserID       string `json:"userId"`
	PasswordHash string `json:"passwordHash"`
}

// Tasks returns the secondary task kinds the routes enqueue, with the
// functions that run them, for the runner to register. Each function is
// idempotent for its arguments. A mutation the login contract switched off
// (accounts.ErrNotSupported) succeeds without doing anything.
//
// The account flows' kinds (TaskSignUp, TaskForgotPassword,
// TaskResendVerification) are listed too; their failures that are worth a
// retry say so through a Temporary() bool method or are Convex's transient
// errors.
func (a *API) Tasks() map[string]func(ctx context.Context, args json.RawMessage) error {
	tasks := a.flowTasks()
	maps.Copy(tasks, map[string]func(context.Context, json.RawMessage) error{
		TaskRecordLogin: func(ctx context.Context, raw json.RawMessage) error {
			var args RecordLoginArgs
			if err := json.Unmarshal(raw, &args); err != nil {
				return fmt.Errorf("%s arguments: %w", TaskRecordLogin, err)
			}
			if a.d.Accounts == nil {
				return nil
			}
			return ignoreUnsupported(a.d.Accounts.RecordLogin(ctx, args.UserID, time.UnixMilli(args.At)))
		},
		TaskSetPasswordHash: func(ctx context.Context, raw json.RawMessage) error {
			var args PasswordHashArgs
			if err := json.Unmarshal(raw, &args); err != nil {
				return fmt.Errorf("%s arguments: %w", TaskSetPasswordHash, err)
			}
			if a.d.Accounts == nil {
				return nil
			}
			return ignoreUnsupported(a.d.Accounts.SetPasswordHash(ctx, args.UserID, args.PasswordHash))
		},
	})
	return tasks
}

// rehashLater re-hashes the password at the configured cost after the
// response, through the bounded bcrypt pool, then enqueues the new hash
// (TaskSetPasswordHash). The password stays in this process's memory only
// for the hashing and is never queued or written anywhere. When the pool
// stays busy, or the process stops first, nothing is lost: the stored hash
// keeps its lower cost, so the next login re-hashes.
func (a *API) rehashLater(ctx context.Context, userID, password string) {
	ctx = context.WithoutCancel(ctx)
	go func() {
		hash, err := a.d.Passwords.Hash(ctx, password)
		if err != nil {
			a.log.Info("password re-hash skipped; the next login re-hashes", zap.String("request_id", RequestIDFrom(ctx)),
				zap.String("user_id", userID), zap.Error(err))
			return
		}
		a.d.Secondary.Enqueue(ctx, TaskSetPasswordHash, PasswordHashArgs{UserID: userID, PasswordHash: hash})
	}()
}
