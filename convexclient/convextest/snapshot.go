package convextest

import (
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"sort"
	"time"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/backend"
)

// Snapshot timestamps. The deployment's timestamp is the clock's Unix
// nanoseconds, bumped past every timestamp already handed out whenever a
// mutation or an action runs, so a snapshot taken before a write is older
// than the write. query_at_ts reads at a timestamp no older than
// Options.SnapshotRetention (MAX_TRANSACTION_WINDOW, 10 s on a self-hosted
// backend); older ones get the backend's 503.

// DefaultSnapshotRetention is the backend's MAX_TRANSACTION_WINDOW default
// (convex-backend crates/common/src/knobs.rs).
const DefaultSnapshotRetention = 10 * time.Second

// maxSnapshots bounds the memoised snapshots (and maxSnapshotEntries the
// queries memoised per snapshot).
const (
	maxSnapshots       = 64
	maxSnapshotEntries = 1024
)

// snapshotMemo holds the results of the queries read at one timestamp, so
// the same query at the same snapshot answers the same even after writes.
type snapshotMemo struct {
	results map[string]resultWriter
}

func (d *Deployment) now() time.Time {
	if d.opts.Now != nil {
		return d.opts.Now()
	}
	return time.Now()
}

func (d *Deployment) retention() time.Duration {
	if d.opts.SnapshotRetention > 0 {
		return d.opts.SnapshotRetention
	}
	return DefaultSnapshotRetention
}

// latestTS hands out the current timestamp.
func (d *Deployment) latestTS() convexclient.Timestamp {
	d.tsMu.Lock()
	defer d.tsMu.Unlock()
	ts := uint64(d.now().UnixNano())
	if ts < d.lastWrite {
		ts = d.lastWrite
	}
	if ts > d.lastIssued {
		d.lastIssued = ts
	}
	return convexclient.Timestamp(ts)
}

// bumpWrite records a write, after every timestamp handed out.
func (d *Deployment) bumpWrite() {
	d.tsMu.Lock()
	defer d.tsMu.Unlock()
	ts := max(uint64(d.now().UnixNano()), d.lastWrite+1, d.lastIssued+1)
	d.lastWrite = ts
}

// queryTS answers POST /api/query_ts: {"ts":"<base64 u64 LE>"}.
func (d *Deployment) queryTS() Response {
	b := append([]byte(`{"ts":"`), d.latestTS().String()...)
	return Response{Status: http.StatusOK, Body: append(b, `"}`...)}
}

// snapshotTS checks the "ts" of a query_at_ts request as the backend does:
// not base64 of 8 bytes, or newer than the latest timestamp → 500
// (errors without metadata); older than the retention window → 503 with
// ErrorMetadata::out_of_retention's generic body (crates/errors/src/lib.rs;
// crates/database/src/snapshot_manager.rs).
func (d *Deployment) snapshotTS(s string) (convexclient.Timestamp, *Response) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != 8 {
		r := errResponse(backend.ErrInternal())
		return 0, &r
	}
	ts := convexclient.Timestamp(binary.LittleEndian.Uint64(b))
	if ts > d.latestTS() {
		r := errResponse(backend.ErrInternal())
		return 0, &r
	}
	oldest := d.now().Add(-d.retention()).UnixNano()
	if oldest > 0 && uint64(ts) < uint64(oldest) {
		r := errResponse(backend.ErrOutOfRetention())
		return 0, &r
	}
	return ts, nil
}

// memoKey identifies a query read: component, function, args and caller.
func memoKey(component string, fp backend.Path, args []byte, who principal) string {
	id := string(who.kind)
	if who.identity != nil {
		id += "|" + who.identity.TokenIdentifier
	}
	return component + "\x00" + fp.String() + "\x00" + string(args) + "\x00" + id
}

// memoGet returns a copy of the memoised result of key at ts.
func (d *Deployment) memoGet(ts convexclient.Timestamp, key string) (*resultWriter, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	m, ok := d.snapshots[uint64(ts)]
	if !ok {
		return nil, false
	}
	w, ok := m.results[key]
	return &w, ok
}

// memoPut memoises w as the result of key at ts, dropping the oldest
// snapshots beyond maxSnapshots and those out of retention.
func (d *Deployment) memoPut(ts convexclient.Timestamp, key string, w *resultWriter) {
	oldest := uint64(max(d.now().Add(-d.retention()).UnixNano(), 0))
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.snapshots == nil {
		d.snapshots = map[uint64]*snapshotMemo{}
	}
	m, ok := d.snapshots[uint64(ts)]
	if !ok {
		m = &snapshotMemo{results: map[string]resultWriter{}}
		d.snapshots[uint64(ts)] = m
		for t := range d.snapshots {
			if t < oldest {
				delete(d.snapshots, t)
			}
		}
		if len(d.snapshots) > maxSnapshots {
			keys := make([]uint64, 0, len(d.snapshots))
			for t := range d.snapshots {
				keys = append(keys, t)
			}
			sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
			for _, t := range keys[:len(keys)-maxSnapshots] {
				delete(d.snapshots, t)
			}
		}
	}
	if len(m.results) < maxSnapshotEntries {
		cp := *w
		cp.rid = ""
		m.results[key] = cp
	}
}
