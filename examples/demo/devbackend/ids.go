package devbackend

import (
	"encoding/binary"
	"strings"
)

// idAlphabet is the lowercase Crockford base32 alphabet Convex ids use.
const idAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// idLen is the length of the ids this package generates (20 bytes in base32).
const idLen = 32

// tableNames lists the schema's tables; an id's first byte is the index of
// its table in this list plus one, as Convex ids start with a table number.
var tableNames = [...]string{"users", "tasks", "notifications", "beneficiaries", "donations", "meetings"}

func tableNumber(table string) byte {
	for i, t := range tableNames {
		if t == table {
			return byte(i + 1)
		}
	}
	return 0
}

// mix64 is splitmix64's finaliser: a bijection that makes consecutive
// counters look random while staying deterministic.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func fletcher16(b []byte) uint16 {
	var s1, s2 uint16
	for _, c := range b {
		s1 = (s1 + uint16(c)) % 255
		s2 = (s2 + s1) % 255
	}
	return s2<<8 | s1
}

// makeID returns the Convex-like id of the n-th document (counting from one
// over all tables) of table: 32 base32 characters encoding the table number,
// a scrambled counter and a checksum, so the table can be read back.
func makeID(table string, n uint64) string {
	var b [20]byte
	b[0] = tableNumber(table)
	binary.BigEndian.PutUint64(b[1:9], mix64(n))
	binary.BigEndian.PutUint64(b[9:17], mix64(n^0x5bd1e995))
	b[17] = byte(n)
	binary.BigEndian.PutUint16(b[18:20], fletcher16(b[:18]))
	return encodeBase32(b[:])
}

func encodeBase32(b []byte) string {
	var sb strings.Builder
	var acc uint32
	bits := 0
	for _, c := range b {
		acc = acc<<8 | uint32(c)
		bits += 8
		for bits >= 5 {
			bits -= 5
			sb.WriteByte(idAlphabet[(acc>>uint(bits))&31])
		}
	}
	if bits > 0 {
		sb.WriteByte(idAlphabet[(acc<<uint(5-bits))&31])
	}
	return sb.String()
}

// decodeID returns the table encoded in an id made by makeID, or "" when s
// is not such an id.
func decodeID(s string) string {
	if len(s) != idLen {
		return ""
	}
	var b [20]byte
	var acc uint32
	bits, n := 0, 0
	for i := 0; i < len(s); i++ {
		v := strings.IndexByte(idAlphabet, s[i])
		if v < 0 {
			return ""
		}
		acc = acc<<5 | uint32(v)
		bits += 5
		if bits >= 8 {
			bits -= 8
			b[n] = byte(acc >> uint(bits))
			n++
		}
	}
	if binary.BigEndian.Uint16(b[18:20]) != fletcher16(b[:18]) {
		return ""
	}
	if b[0] == 0 || int(b[0]) > len(tableNames) {
		return ""
	}
	return tableNames[b[0]-1]
}

// suffixTable reads the table of an id in convex-test's format (decimal
// digits followed by the table name), as recordings made with convex-test
// carry them; "" when s has no such form.
func suffixTable(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i == len(s) {
		return ""
	}
	return s[i:]
}
