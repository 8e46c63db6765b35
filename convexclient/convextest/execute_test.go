package convextest

import (
	"context"
	"testing"

	"github.com/convexgw/convexgw/convexclient"
)

func TestDoWithoutHTTP(t *testing.T) {
	d := NewDeployment(Options{})
	d.Query("m:f", func(_ context.Context, c *Call) (any, error) { return c.RequestID, nil })
	resp := d.Do(context.Background(), Request{Endpoint: EndpointQuery, Path: "m:f", Args: []byte(`{}`), RequestID: "x"})
	if resp.Status != 200 || string(resp.Body) != `{"status":"success","value":"x"}` {
		t.Fatalf("%d %s", resp.Status, resp.Body)
	}
	if fn, ok := d.Lookup("m.js:f"); !ok || fn.Kind != convexclient.KindQuery {
		t.Error("Lookup")
	}
	if err := d.Register("bad path:", Function{Kind: convexclient.KindQuery, Handler: func(context.Context, *Call) (any, error) { return nil, nil }}); err == nil {
		t.Error("Register accepted a bad path")
	}
	if got := d.Paths(); len(got) != 1 || got[0] != "m:f" {
		t.Errorf("Paths %v", got)
	}
}

func TestDoHangEndsWithContext(t *testing.T) {
	d := NewDeployment(Options{})
	d.Query("m:f", func(context.Context, *Call) (any, error) { return nil, nil })
	d.Inject("m:f", Fault{Hang: true, Times: 1})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if resp := d.Do(ctx, Request{Endpoint: EndpointQuery, Path: "m:f", Args: []byte(`{}`)}); resp.Status != 0 || resp.Reset {
		t.Fatalf("hung call answered %+v", resp)
	}
	if c := d.Calls(); len(c) != 1 || c[0].Status != 0 || len(c[0].RequestID) != 16 {
		t.Errorf("recorded %+v", c)
	}
	if resp := d.Do(context.Background(), Request{Endpoint: EndpointQuery, Path: "m:f", Args: []byte(`{}`), Format: "convex_encoded_json", HasFormat: true}); string(resp.Body) != `{"status":"success","value":null}` {
		t.Errorf("after the fault: %s", resp.Body)
	}
}
