package store

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// A snapshot holds something every server over one database may change
// and many requests read (the fault rules, the test clocks): it is read
// again at most snapshotTTL after it was read, so a change made through
// another server applies within that, and one made through this server
// at once (the change calls forget).
//
// Reading it takes no lock: one request reads a stale snapshot again
// while the others go on with it.
type snapshot[T any] struct {
	cur     atomic.Pointer[snapshotAt[T]] // nil: read again before use
	refresh sync.Mutex
	gen     atomic.Uint64 // moved by each forget, so a read begun before one is not kept
}

type snapshotAt[T any] struct {
	at time.Time
	v  T
}

// snapshotTTL bounds how stale a snapshot may be.
const snapshotTTL = 250 * time.Millisecond

// get returns the snapshot, reading it with load when it is missing or
// stale.
func (sn *snapshot[T]) get(ctx context.Context, load func(context.Context) (T, error)) (T, error) {
	c := sn.cur.Load()
	if c != nil && time.Since(c.at) <= snapshotTTL {
		return c.v, nil
	}
	if c != nil && !sn.refresh.TryLock() {
		return c.v, nil // another request is reading it again
	}
	if c == nil {
		sn.refresh.Lock()
	}
	defer sn.refresh.Unlock()
	if now := sn.cur.Load(); now != nil && now != c && time.Since(now.at) <= snapshotTTL {
		return now.v, nil // read again while this one waited
	}
	began, gen := time.Now(), sn.gen.Load()
	v, err := load(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	if sn.gen.Load() == gen {
		sn.cur.Store(&snapshotAt[T]{at: began, v: v})
	}
	return v, nil
}

// forget drops the snapshot after a local change: the next get reads it
// again.
func (sn *snapshot[T]) forget() {
	sn.gen.Add(1)
	sn.cur.Store(nil)
}
