package convexclient

import (
	"errors"
	"testing"
)

func addSeeds(f *testing.F) {
	for _, v := range loadVectors(f) {
		f.Add([]byte(v.JSText))
		f.Add([]byte(v.BackendText))
		f.Add([]byte(v.JSON))
	}
	for _, c := range canonicalCases {
		f.Add([]byte(c.in))
	}
	for _, in := range invalidCases {
		f.Add([]byte(in))
	}
	f.Add([]byte(taskListText(3)))
}

// FuzzAppendCanonical checks that the canonical printer and the decoder agree
// on validity, that canonical output is a fixed point, and that decoding then
// re-encoding reproduces the canonical text.
func FuzzAppendCanonical(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		out, cerr := AppendCanonical(nil, data)
		var x any
		derr := Unmarshal(data, &x)
		if (cerr == nil) != (derr == nil) {
			t.Fatalf("AppendCanonical err %v, Unmarshal err %v", cerr, derr)
		}
		if cerr != nil {
			if !errors.Is(cerr, ErrInvalidValue) || !errors.Is(derr, ErrInvalidValue) {
				t.Fatalf("errors do not match ErrInvalidValue: %v / %v", cerr, derr)
			}
			return
		}
		again, err := AppendCanonical(nil, out)
		if err != nil || string(again) != string(out) {
			t.Fatalf("not a fixed point: %s -> %s (%v)", out, again, err)
		}
		enc, err := Marshal(x)
		if err != nil {
			t.Fatalf("Marshal(decoded %s): %v", out, err)
		}
		round, err := AppendCanonical(nil, enc)
		if err != nil {
			t.Fatalf("round trip: %s -> %s: %v", out, enc, err)
		}
		if string(round) != string(out) {
			// Marshal writes every NaN as the canonical quiet NaN, while
			// AppendCanonical keeps a received NaN payload; nothing else
			// may differ.
			var y any
			if err := Unmarshal(round, &y); err != nil || !sameValue(x, y) {
				t.Fatalf("round trip: %s -> %s -> %s (%v)", out, enc, round, err)
			}
		}
	})
}

// FuzzUnmarshalTyped decodes arbitrary input into typed targets: it must
// never panic and every error must be a *ValueError.
func FuzzUnmarshalTyped(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		targets := []any{new(decodeTask), new([]benchTask), new(map[string]int64), new(int), new(Float64), new(Bytes), new([3]uint8)}
		for _, p := range targets {
			if err := Unmarshal(data, p); err != nil {
				if _, ok := err.(*ValueError); !ok {
					t.Fatalf("%T: err %T %v", p, err, err)
				}
				continue
			}
			if _, err := Marshal(p); err != nil && !errors.Is(err, ErrInvalidValue) {
				t.Fatalf("Marshal(%T): %v", p, err)
			}
		}
	})
}
