package gatewaycmd

import (
	"context"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

func TestRedisLoggerWritesStructuredWarnings(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	l := redisLogger{log: zap.New(core).Named("redis")}
	l.Printf(context.Background(), "redis: connection pool: failed to dial after %d attempts: %v", 5, "refused")
	all := logs.All()
	if len(all) != 1 {
		t.Fatalf("%d entries", len(all))
	}
	e := all[0]
	if e.Level != zapcore.WarnLevel || e.LoggerName != "redis" ||
		e.Message != "redis: connection pool: failed to dial after 5 attempts: refused" {
		t.Errorf("entry %+v", e.Entry)
	}
}
