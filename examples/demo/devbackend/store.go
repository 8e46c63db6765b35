package devbackend

import (
	"maps"
	"slices"
)

// doc is a stored document: field name to value (float64, string, bool,
// nil, int64, []any of those), including _id and _creationTime. Stored docs
// are never modified in place (patches copy), so a doc handed out stays
// valid after the store's lock is released.
type doc = map[string]any

// store is the in-memory database of the six tables. It is not safe for
// concurrent use; Backend serialises access.
type store struct {
	tables       map[string]map[string]doc
	idTable      map[string]string // every id ever issued -> its table
	counter      uint64
	lastCreation float64
	newID        func(s *store, table string) string
}

// newStore returns an empty store; newID makes the id of the next document
// (s.counter is its 1-based number), nil means makeID.
func newStore(newID func(s *store, table string) string) *store {
	s := &store{tables: map[string]map[string]doc{}, idTable: map[string]string{}}
	for _, t := range tableNames {
		s.tables[t] = map[string]doc{}
	}
	if newID == nil {
		newID = func(s *store, table string) string { return makeID(table, s.counter) }
	}
	s.newID = newID
	return s
}

// tableOf returns the table an id string belongs to, or "": ids this store
// issued, ids in this package's format, and convex-test's "<digits><table>"
// ids (so recordings replay against the emulation).
func (s *store) tableOf(id string) string {
	if t, ok := s.idTable[id]; ok {
		return t
	}
	if t := decodeID(id); t != "" {
		return t
	}
	return suffixTable(id)
}

// insert stores fields as a new document of table and returns its id.
// _creationTime follows Convex (and convex-test): now in ms, bumped by
// 0.001 when not after the previous document's.
func (s *store) insert(table string, fields doc, nowMs float64) string {
	s.counter++
	id := s.newID(s, table)
	s.idTable[id] = table
	ct := nowMs
	if ct <= s.lastCreation {
		ct = s.lastCreation + 0.001
	}
	s.lastCreation = ct
	d := maps.Clone(fields)
	d["_id"] = id
	d["_creationTime"] = ct
	s.tables[table][id] = d
	return id
}

// reserve consumes an id and a creation time as an insert into a system
// table would: convex-test stores a _scheduled_functions document for every
// runAfter, so later ids and _creationTimes shift by one.
func (s *store) reserve(table string, nowMs float64) {
	s.counter++
	s.idTable[s.newID(s, table)] = table
	if nowMs <= s.lastCreation {
		nowMs = s.lastCreation + 0.001
	}
	s.lastCreation = nowMs
}

// get returns the document with id in table, or nil.
func (s *store) get(table, id string) doc {
	if t, ok := s.tables[table]; ok {
		return t[id]
	}
	return nil
}

// getAny returns the document with id in whichever table holds it, or nil.
func (s *store) getAny(id string) doc {
	return s.get(s.tableOf(id), id)
}

// patch merges fields into a stored document (copy on write).
func (s *store) patch(table, id string, fields doc) {
	old := s.get(table, id)
	if old == nil {
		return
	}
	d := maps.Clone(old)
	maps.Copy(d, fields)
	s.tables[table][id] = d
}

// remove deletes a document.
func (s *store) remove(table, id string) {
	delete(s.tables[table], id)
}

// scan returns the documents of table for which match is true (nil matches
// all), sorted by fields ascending, or descending when desc.
func (s *store) scan(table string, fields []string, desc bool, match func(doc) bool) []doc {
	var out []doc
	for _, d := range s.tables[table] {
		if match == nil || match(d) {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b doc) int {
		c := compareKeys(a, b, fields)
		if desc {
			return -c
		}
		return c
	})
	return out
}
