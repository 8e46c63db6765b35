package convexclient

// Int64 is a Convex int64, encoded as {"$integer": base64(8 bytes
// little-endian)}. Plain Go int64 values are encoded the same way; use Int64
// where the type itself should say so, or with encoding/json.
type Int64 int64

// Bytes is a Convex bytes value, encoded as {"$bytes": standard padded base64}.
type Bytes []byte

// Float64 is a Convex float64 that may hold NaN, ±Inf or -0, encoded as
// {"$float": base64(8 bytes little-endian IEEE-754)} for those values and as a
// plain JSON number otherwise.
type Float64 float64

// MarshalJSON encodes i as {"$integer":"<base64 of 8 bytes little-endian>"}.
func (i Int64) MarshalJSON() ([]byte, error) { return appendInteger(nil, int64(i)), nil }

// UnmarshalJSON accepts {"$integer":...} or an integral JSON number.
func (i *Int64) UnmarshalJSON(data []byte) error { return Unmarshal(data, (*int64)(i)) }

// MarshalJSON encodes b as {"$bytes":"<standard padded base64>"}; nil is null.
func (b Bytes) MarshalJSON() ([]byte, error) {
	if b == nil {
		return []byte("null"), nil
	}
	return appendBytes(nil, b), nil
}

// UnmarshalJSON accepts {"$bytes":...} (or null, leaving b unchanged).
func (b *Bytes) UnmarshalJSON(data []byte) error { return Unmarshal(data, (*[]byte)(b)) }

// MarshalJSON encodes f as a JSON number, or {"$float":...} for NaN, ±Inf and -0.
func (f Float64) MarshalJSON() ([]byte, error) { return appendFloat(nil, float64(f), false), nil }

// UnmarshalJSON accepts a JSON number, {"$float":...} or {"$integer":...}.
func (f *Float64) UnmarshalJSON(data []byte) error { return Unmarshal(data, (*float64)(f)) }
