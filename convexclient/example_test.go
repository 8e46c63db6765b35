package convexclient_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/convexgw/convexgw/convexclient"
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
