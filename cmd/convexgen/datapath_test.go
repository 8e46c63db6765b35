package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestAddedFieldReachesREST is the data path's guarantee (issue 11): a field
// added to a function's returns validator reaches REST clients after
// regeneration, with no other change. It adds a required number dueAt to the
// documents tasks:list returns in the demo's spec, generates the bindings
// with the demo's flags into a temporary module, and there serves tasks:list
// through routes.NewResource (as the demo's GET /api/tasks does) against a
// fake deployment that returns it: the REST item must equal the backend's
// document, dueAt included. The same request through the hand-written Task
// type the demo had before its bindings were generated loses dueAt, which is
// how the field went missing before (every test stayed green).
func TestAddedFieldReachesREST(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module: skipped with -short")
	}
	data, err := os.ReadFile(demoDir + "/convex/function-spec.json")
	if err != nil {
		t.Fatal(err)
	}
	var spec map[string]any
	if err := json.Unmarshal(data, &spec); err != nil {
		t.Fatal(err)
	}
	added := false
	for _, f := range spec["functions"].([]any) {
		f := f.(map[string]any)
		if f["identifier"] != "tasks.js:list" {
			continue
		}
		doc := f["returns"].(map[string]any)["value"].(map[string]any) // array element
		doc["value"].(map[string]any)["dueAt"] = map[string]any{"fieldType": map[string]any{"type": "number"}, "optional": false}
		added = true
	}
	if !added {
		t.Fatal("tasks.js:list is not in the demo's spec")
	}
	edited, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	_, dir := tempModule(t)
	specFile := filepath.Join(dir, "function-spec.json")
	write(t, specFile, string(edited))
	pkg := filepath.Join(dir, "tasksapp")
	if err := os.Mkdir(pkg, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(pkg, "bindings.go"), string(runGen(t, specFile, []string{"-package", "tasksapp", "-config", demoDir + "/convexgen.json"})))
	write(t, filepath.Join(pkg, "datapath_test.go"), dataPathTest)
	goIn(t, dir, "test", "-count=1", "-run", "TestDueAt", "-v", "./tasksapp")
}

// dataPathTest is the test of the temporary module's package tasksapp.
const dataPathTest = `package tasksapp

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
	"github.com/convexgw/convexgw/routes"
)

// handTask and handTaskListArgs are the demo's hand-written types from
// before its bindings were generated.
type handTask struct {
	ID           string  ` + "`json:\"_id\"`" + `
	CreationTime float64 ` + "`json:\"_creationTime\"`" + `
	Title        string  ` + "`json:\"title\"`" + `
	Status       string  ` + "`json:\"status\"`" + `
	Priority     string  ` + "`json:\"priority\"`" + `
	UserID       string  ` + "`json:\"userId\"`" + `
	CreatedAt    float64 ` + "`json:\"createdAt\"`" + `
	UpdatedAt    float64 ` + "`json:\"updatedAt\"`" + `
}

type handTaskListArgs struct {
	Status *string ` + "`json:\"status,omitempty\"`" + `
}

// backendTask is what the deployment returns, dueAt included.
var backendTask = map[string]any{"_id": "0a85rxmatjfh8v0gc42f7jq17g21rcaq", "_creationTime": 1767225600000.5,
	"title": "Write tests", "status": "pending", "priority": "high", "userId": "04egp574vc0rzvfay8tspvka545g6thv",
	"createdAt": 1767225600000.0, "updatedAt": 1767225600001.0, "dueAt": 1767312000000.0}

// restItems serves list as GET /api/tasks through routes.NewResource in
// front of a fake deployment returning backendTask, and returns the items.
func restItems(t *testing.T, list routes.Binding) []map[string]any {
	t.Helper()
	d := convextest.NewDeployment(convextest.Options{AdminKey: "test:key"})
	d.Query("tasks:list", func(context.Context, *convextest.Call) (any, error) { return []any{backendTask}, nil })
	srv := convextest.NewServer(d)
	defer srv.Close()
	client, err := convexclient.New(convexclient.Config{URL: srv.URL, DeployKey: "test:key"})
	if err != nil {
		t.Fatal(err)
	}
	h := routes.NewAPI(routes.Deps{Convex: client}).Handler(func(r *routes.Router) {
		routes.MustResource(routes.ResourceFunctions{List: list}).Mount(r, "/api/tasks")
	})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/tasks", nil))
	var body struct {
		Items []map[string]any ` + "`json:\"items\"`" + `
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); rec.Code != http.StatusOK || err != nil || len(body.Items) != 1 {
		t.Fatalf("GET /api/tasks: %d %s (%v)", rec.Code, rec.Body, err)
	}
	return body.Items
}

func TestDueAtReachesREST(t *testing.T) {
	if _, ok := reflect.TypeFor[TasksDoc]().FieldByName("DueAt"); !ok {
		t.Fatal("the generated TasksDoc has no DueAt")
	}
	got := restItems(t, NewBindings(convexclient.NewRegistry()).TasksList)[0]
	if !reflect.DeepEqual(got, backendTask) {
		t.Fatalf("generated bindings: REST item\n%v\nbackend document\n%v", got, backendTask)
	}
	old := restItems(t, convexclient.NewQuery[handTaskListArgs, []handTask](nil, "tasks:list"))[0]
	if _, ok := old["dueAt"]; ok {
		t.Fatal("the hand-written type kept dueAt: this test would not catch a dropped field")
	}
	delete(old, "dueAt")
	want := map[string]any{}
	for k, v := range backendTask {
		if k != "dueAt" {
			want[k] = v
		}
	}
	if !reflect.DeepEqual(old, want) {
		t.Fatalf("hand-written type: REST item %v", old)
	}
	t.Logf("generated: %v", got)
	t.Logf("hand-written: %v (dueAt dropped)", old)
}
`
