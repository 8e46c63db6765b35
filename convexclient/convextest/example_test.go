package convextest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/convexgw/convexgw/convexclient/convextest"
)

func Example() {
	d := convextest.NewDeployment(convextest.Options{AdminKey: "dev:example|key"})
	d.Query("tasks:list", func(_ context.Context, c *convextest.Call) (any, error) {
		var args struct {
			Status string `json:"status"`
		}
		if err := c.Bind(&args); err != nil {
			return nil, err
		}
		c.Logf("listing %s tasks", args.Status)
		return []map[string]any{{"title": "Write docs", "status": args.Status, "priority": 2}}, nil
	})
	d.Query("users:getPasswordHash", func(context.Context, *convextest.Call) (any, error) {
		return "$2a$10$...", nil
	}, convextest.Internal())

	srv := convextest.NewServer(d)
	defer srv.Close()

	// A client (for example convexclient.New(convexclient.Config{URL: srv.URL}))
	// sends exactly this request:
	req, _ := http.NewRequest("POST", srv.URL+"/api/query",
		strings.NewReader(`{"path":"tasks:list","args":{"status":"open"},"format":"convex_encoded_json"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(body))
	fmt.Println(len(d.Calls()), d.Calls()[0].Path, string(d.Calls()[0].Args))
	// Output:
	// 200 {"status":"success","value":[{"priority":2.0,"status":"open","title":"Write docs"}],"logLines":["[LOG] listing open tasks"]}
	// 1 tasks:list {"status":"open"}
}
