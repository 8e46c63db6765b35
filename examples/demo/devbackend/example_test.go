package devbackend_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/convexgw/convexgw/convexclient/convextest"
	"github.com/convexgw/convexgw/examples/demo/devbackend"
)

// The dev backend served as a fake Convex deployment: the deploy key looks
// up a demo user through the internal auth function, as the gateway's login
// does.
func ExampleBackend_Deployment() {
	b := devbackend.New(devbackend.Options{IDs: devbackend.ConvexTestIDs})
	srv := convextest.NewServer(b.Deployment(convextest.Options{AdminKey: "demo-key"}))
	defer srv.Close()

	body := `{"path":"auth:getUserByEmail","format":"convex_encoded_json","args":{"email":"manager@demo.test"}}`
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/query", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Convex demo-key")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, strings.Contains(string(out), `"_id":"000000000000000000000010001users"`), strings.Contains(string(out), `"role":"manager"`))
	// Output: 200 true true
}

func ExampleDemoAccounts() {
	for _, a := range devbackend.DemoAccounts() {
		fmt.Println(a.Email, a.Password, a.Role, a.Active)
	}
	// Output:
	// admin@demo.test demo-admin-pass admin true
	// manager@demo.test demo-manager-pass manager true
	// member@demo.test demo-member-pass member true
	// inactive@demo.test demo-inactive-pass member false
}
