package convexclient_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
)

type ListTasksArgs struct {
	Status string `json:"status,omitempty"`
	Limit  int    `json:"limit"`
}

type Task struct {
	ID       string `json:"_id"`
	Title    string `json:"title"`
	Priority int64  `json:"priority"`
}

// fakeDeployment stands in for a Convex deployment: tasks:list answers like
// the real backend (note 1.0 for an integral float, $integer for an int64);
// anything else throws a ConvexError.
func fakeDeployment() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if strings.Contains(string(body), `"path":"tasks:list"`) {
			io.WriteString(w, `{"status":"success","value":[{"_id":"k1","priority":{"$integer":"AQAAAAAAAAA="},"title":"Write report"}]}`)
			return
		}
		io.WriteString(w, `{"status":"error","errorMessage":"[Request ID: 0f] Server Error\nUncaught ConvexError: {\"code\":\"NOT_FOUND\"}\n","errorData":{"code":"NOT_FOUND"}}`)
	}))
}

func Example() {
	srv := fakeDeployment()
	defer srv.Close()

	registry := convexclient.NewRegistry()
	listTasks := convexclient.NewQuery[ListTasksArgs, []Task](registry, "tasks:list")

	client, err := convexclient.New(convexclient.Config{URL: srv.URL}) // e.g. https://happy-animal-123.convex.cloud
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := convexclient.WithCredential(context.Background(), convexclient.UserToken("eyJhbGciOi..."))
	tasks, err := listTasks.Call(ctx, client, ListTasksArgs{Limit: 20})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%+v\n", tasks)
	// Output: [{ID:k1 Title:Write report Priority:1}]
}

func ExampleErrorData() {
	srv := fakeDeployment()
	defer srv.Close()
	client, _ := convexclient.New(convexclient.Config{URL: srv.URL})
	getTask := convexclient.NewMutation[struct{ ID string }, Task](nil, "tasks:remove")

	_, err := getTask.Call(context.Background(), client, struct{ ID string }{"k9"})
	if data, ok := convexclient.ErrorData[struct{ Code string }](err); ok {
		fmt.Println("ConvexError code:", data.Code)
	}
	var fe *convexclient.FunctionError
	fmt.Println(errors.As(err, &fe), fe.Path)
	// Output:
	// ConvexError code: NOT_FOUND
	// true tasks:remove
}

func ExampleNewLazy() {
	// The configuration is read on first use; a missing URL is an error
	// naming the setting, and the next use tries again.
	client := convexclient.NewLazy(func() (convexclient.Config, error) {
		return convexclient.Config{URL: ""}, nil // e.g. os.Getenv("CONVEX_URL")
	})
	err := client.Ready()
	fmt.Println(errors.Is(err, convexclient.ErrNotConfigured))
	fmt.Println(err)
	// Output:
	// true
	// convexclient: CONVEX_URL is not set
}

func ExampleRegistry_CheckSpec() {
	registry := convexclient.NewRegistry()
	convexclient.NewQuery[struct{}, []Task](registry, "tasks:list")
	convexclient.NewQuery[struct{}, string](registry, "users:getPasswordHash", convexclient.Internal)
	convexclient.NewMutation[Task, string](registry, "tasks:create")

	spec := `{"url":"https://happy-animal-123.convex.cloud","functions":[
	  {"identifier":"tasks.js:list","functionType":"Query","visibility":{"kind":"public"}},
	  {"identifier":"users.js:getPasswordHash","functionType":"Query","visibility":{"kind":"public"}}]}`
	fmt.Println(registry.CheckSpec([]byte(spec)))
	// Output:
	// convexclient: bindings do not match the deployment (2 problems):
	//   tasks:create: missing
	//   users:getPasswordHash: visibility mismatch: declared internal, deployment has public
}

// tasksDeployment is a fake deployment (convextest) with a task list and a
// counter of its tasks.
func tasksDeployment() *convextest.Server {
	d := convextest.NewDeployment(convextest.Options{})
	tasks := []Task{{ID: "k1", Title: "Write report", Priority: 1}, {ID: "k2", Title: "Ship it", Priority: 2}}
	var mu sync.Mutex
	d.Query("tasks:list", func(context.Context, *convextest.Call) (any, error) {
		mu.Lock()
		defer mu.Unlock()
		return append([]Task(nil), tasks...), nil
	})
	d.Query("tasks:count", func(context.Context, *convextest.Call) (any, error) {
		mu.Lock()
		defer mu.Unlock()
		return int64(len(tasks)), nil
	})
	d.Mutation("tasks:create", func(_ context.Context, c *convextest.Call) (any, error) {
		var t Task
		if err := c.Bind(&t); err != nil {
			return nil, err
		}
		mu.Lock()
		defer mu.Unlock()
		t.ID = fmt.Sprintf("k%d", len(tasks)+1)
		tasks = append(tasks, t)
		return t.ID, nil
	})
	return convextest.NewServer(d)
}

// Queries that must agree run in one batch, at one database timestamp.
func ExampleBatch() {
	srv := tasksDeployment()
	defer srv.Close()
	client, _ := convexclient.New(convexclient.Config{URL: srv.URL})
	listTasks := convexclient.NewQuery[ListTasksArgs, []Task](nil, "tasks:list")
	countTasks := convexclient.NewQuery[struct{}, int64](nil, "tasks:count")

	b := client.NewBatch()
	list := convexclient.Add(b, listTasks, ListTasksArgs{Limit: 10})
	count := convexclient.Add(b, countTasks, struct{}{})
	if err := b.Run(context.Background()); err != nil { // one POST /api/query_batch
		fmt.Println(err)
		return
	}
	tasks, err := list.Get()
	n, _ := count.Get()
	fmt.Println(len(tasks), n, err)
	// Output: 2 2 <nil>
}

// A snapshot lets reads made in separate requests agree: each reads the
// database as of the snapshot's timestamp, whatever was written since.
func ExampleSnapshot() {
	srv := tasksDeployment()
	defer srv.Close()
	client, _ := convexclient.New(convexclient.Config{URL: srv.URL})
	countTasks := convexclient.NewQuery[struct{}, int64](nil, "tasks:count")
	createTask := convexclient.NewMutation[Task, string](nil, "tasks:create")
	ctx := context.Background()

	snap, err := client.Snapshot(ctx) // POST /api/query_ts
	if err != nil {
		fmt.Println(err)
		return
	}
	before, _ := countTasks.CallAt(ctx, snap, struct{}{}) // POST /api/query_at_ts
	if _, err := createTask.Call(ctx, client, Task{Title: "Celebrate"}); err != nil {
		fmt.Println(err)
		return
	}
	again, _ := countTasks.CallAt(ctx, snap, struct{}{})
	now, _ := countTasks.Call(ctx, client, struct{}{})
	fmt.Println(before, again, now)

	// Snapshots expire (about 10 s on a self-hosted backend): take a new one.
	if _, err := countTasks.CallAt(ctx, client.SnapshotAt(1), struct{}{}); errors.Is(err, convexclient.ErrOutOfRetention) {
		fmt.Println("out of retention")
	}
	// Output:
	// 2 2 3
	// out of retention
}
