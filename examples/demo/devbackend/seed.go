package devbackend

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

//go:embed seed.json
var seedJSON []byte

// Seed returns a copy of the embedded demo seed (the format of
// contract.md, "Demo seed data"), for tools that load the same data.
func Seed() []byte { return append([]byte(nil), seedJSON...) }

// load inserts a seed document set into s: tables in the fixed order,
// documents in array order, "$ref" names resolved to ids. It returns the
// ids of the named documents.
func (s *store) load(seed []byte, nowMs float64) (map[string]string, error) {
	var f struct {
		Tables map[string][]map[string]any `json:"tables"`
	}
	if err := json.Unmarshal(seed, &f); err != nil {
		return nil, fmt.Errorf("devbackend: seed: %w", err)
	}
	for name := range f.Tables {
		if tableNumber(name) == 0 {
			return nil, fmt.Errorf("devbackend: seed: unknown table %q", name)
		}
	}
	refs := map[string]string{}
	for _, table := range tableNames {
		for i, d := range f.Tables[table] {
			name, _ := d["$ref"].(string)
			delete(d, "$ref")
			resolved, err := resolveRefs(d, refs)
			if err != nil {
				return nil, fmt.Errorf("devbackend: seed: %s[%d]: %w", table, i, err)
			}
			id := s.insert(table, resolved.(map[string]any), nowMs)
			if name != "" {
				if _, dup := refs[name]; dup {
					return nil, fmt.Errorf("devbackend: seed: %s[%d]: duplicate $ref %q", table, i, name)
				}
				refs[name] = id
			}
		}
	}
	return refs, nil
}

// resolveRefs replaces every {"$ref": name} inside v by the named id.
func resolveRefs(v any, refs map[string]string) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		if r, ok := t["$ref"]; ok && len(t) == 1 {
			name, _ := r.(string)
			id, ok := refs[name]
			if !ok {
				return nil, fmt.Errorf("unknown $ref %v", r)
			}
			return id, nil
		}
		out := make(map[string]any, len(t))
		for k, e := range t {
			r, err := resolveRefs(e, refs)
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			r, err := resolveRefs(e, refs)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	}
	return v, nil
}
