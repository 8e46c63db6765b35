package convexclient_test

import (
	"context"
	"fmt"
	"time"

	"github.com/convexgw/convexgw/convexclient"
)

// A secondary-mutation runner marks its calls as background work and tells
// the client which attempt of the task each call is, so that a failing task
// counts once and never opens a foreground breaker. The mutation takes the
// task's time as an argument, so a replay after an unknown outcome is harmless.
func ExampleWithBackground() {
	srv := fakeDeployment()
	defer srv.Close()
	client, _ := convexclient.New(convexclient.Config{URL: srv.URL})

	args := map[string]any{"userId": "u1", "at": float64(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).UnixMilli())}
	for attempt := 1; attempt <= 5; attempt++ {
		ctx := convexclient.WithAttempt(convexclient.WithBackground(context.Background()), attempt)
		err := client.Mutation(ctx, "auth:recordLogin", args, nil)
		if err == nil || !convexclient.TemporaryIdempotent(err) {
			fmt.Println("attempt", attempt, "final:", err != nil)
			break
		}
		// back off, then try again
	}
	for _, b := range client.Breakers() {
		fmt.Println(b.Name, b.State, b.Limit)
	}
	// Output:
	// attempt 1 final: true
	// query closed 64
	// mutation closed 32
	// action closed 16
	// background closed 8
}
