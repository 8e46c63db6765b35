package gatewaycmd

import (
	"fmt"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// newLogger builds the one logger of the process: JSON (production) or
// console lines on stderr at level.
func newLogger(level, format string) (*zap.Logger, error) {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("LOG_LEVEL: %w", err)
	}
	zc := zap.NewProductionConfig()
	if format == "console" {
		zc = zap.NewDevelopmentConfig()
	}
	// Errors here are request failures whose cause is in the line; a stack
	// per line costs tens of microseconds on the request path and says
	// nothing (recovered panics log their own stack).
	zc.DisableStacktrace = true
	// No sampling: repeated lines (login failures in a brute-force attack,
	// task failures in an outage) are the ones that must not be dropped.
	zc.Sampling = nil
	zc.Level = zap.NewAtomicLevelAt(lvl)
	zc.OutputPaths = []string{"stderr"}
	zc.ErrorOutputPaths = []string{"stderr"}
	zc.EncoderConfig.TimeKey = "time"
	zc.EncoderConfig.EncodeTime = zapcore.ISO8601TimeEncoder
	return zc.Build()
}
