package convexclient

import (
	"fmt"
	"sort"
	"sync"
)

// Registry lists declared bindings, keyed by canonical function path
// (CanonicalPath), so the gateway can show them, allow Exposed ones through
// its passthrough and check them against a deployment (CheckSpec). It is
// safe for concurrent use. The zero value is not usable; call NewRegistry.
type Registry struct {
	mu       sync.RWMutex
	bindings map[string]BindingInfo
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{bindings: make(map[string]BindingInfo)}
}

// add registers b; a second binding for the same function panics.
func (r *Registry) add(b BindingInfo) {
	key, _ := CanonicalPath(b.Path)
	r.mu.Lock()
	defer r.mu.Unlock()
	if prev, dup := r.bindings[key]; dup {
		panic(fmt.Sprintf("convexclient: function %s declared twice (as %q and %q)", displayPath(key), prev.Path, b.Path))
	}
	r.bindings[key] = b
}

// Bindings returns every registered binding, sorted by canonical path.
func (r *Registry) Bindings() []BindingInfo {
	r.mu.RLock()
	keys := make([]string, 0, len(r.bindings))
	for k := range r.bindings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]BindingInfo, len(keys))
	for i, k := range keys {
		out[i] = r.bindings[k]
	}
	r.mu.RUnlock()
	return out
}

// Lookup finds the binding for path in any accepted spelling: "mod:fn",
// "mod.js:fn", or "mod" for the default export.
func (r *Registry) Lookup(path string) (BindingInfo, bool) {
	key, ok := CanonicalPath(path)
	if !ok {
		return BindingInfo{}, false
	}
	r.mu.RLock()
	b, ok := r.bindings[key]
	r.mu.RUnlock()
	return b, ok
}
