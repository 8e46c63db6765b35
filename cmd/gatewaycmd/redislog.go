package gatewaycmd

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
)

// redisLogger routes go-redis's own messages (a connection pool that cannot
// dial, a connection a hook rejected) into the gateway's logger, as JSON
// lines with the rest, instead of go-redis's default: unstructured lines on
// stderr through the standard library's log package.
type redisLogger struct{ log *zap.Logger }

// Printf implements go-redis's internal.Logging.
func (l redisLogger) Printf(_ context.Context, format string, v ...any) {
	l.log.Warn(fmt.Sprintf(format, v...))
}

// routeRedisLogs points go-redis's logger, which is process-wide, at log.
// The command owns the process, so it is the one place that sets it.
func routeRedisLogs(log *zap.Logger) {
	redis.SetLogger(redisLogger{log: log.Named("redis")})
}
