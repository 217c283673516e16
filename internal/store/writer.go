package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// maxBatch bounds how many waiting writes one SQLite transaction commits.
const maxBatch = 256

// errClosed answers writes that arrive after Close.
var errClosed = errors.New("store: closed")

// writeReq is one use case waiting for the SQLite writer.
type writeReq struct {
	ctx  context.Context
	fn   func(context.Context, *tx) error
	done chan error
}

// startWriter starts the SQLite group-commit writer. Every write waits in
// one queue; the writer takes all that are waiting, runs each in its own
// savepoint inside one transaction, commits once (one fsync for the lot,
// synchronous=FULL) and only then answers each. A failing use case rolls
// back to its savepoint and leaves the others untouched, so each stays
// atomic, and running them one after another keeps them serialisable.
func (d *db) startWriter() {
	d.writes = make(chan *writeReq, maxBatch)
	d.writerDone = make(chan struct{})
	if d.checkpoints {
		d.ckpt = make(chan struct{}, 1)
		d.ckptDone = make(chan struct{})
		go d.checkpointLoop()
	}
	go d.writeLoop()
}

// enqueue hands a write to the writer and waits for its commit. It waits
// even when ctx ends meanwhile: the write may already be committed, and
// the caller must not report failure for a write that happened.
func (d *db) enqueue(ctx context.Context, fn func(context.Context, *tx) error) error {
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	d.closeMu.RLock()
	if d.closed {
		d.closeMu.RUnlock()
		return errClosed
	}
	d.writes <- req
	d.closeMu.RUnlock()
	return <-req.done
}

// checkpointInterval is the longest time between two checkpoints, and
// minCheckpointInterval the shortest; restartFrames is the WAL length
// (4 KiB frames) past which the writer finishes a checkpoint itself so
// that the WAL starts over.
const (
	checkpointInterval    = 200 * time.Millisecond
	minCheckpointInterval = 10 * time.Millisecond
	restartFrames         = 2000
)

// checkpointPause is how long the checkpointer waits after a checkpoint
// that found frames in the WAL and saw it grow by grown frames in busy
// time: at that pace, until the WAL is restartFrames long (counted from
// zero when this checkpoint has a restart due). A fixed pause let the WAL
// grow with the writer's speed: at 120 MB/s, 200 ms made a WAL of 26 MB.
func checkpointPause(frames, grown int, busy time.Duration) time.Duration {
	if grown <= 0 {
		return checkpointInterval
	}
	left := restartFrames - frames
	if left <= 0 {
		left = restartFrames
	}
	pause := time.Duration(float64(busy) * float64(left) / float64(grown))
	return min(max(pause, minCheckpointInterval), checkpointInterval)
}

// checkpointLoop copies committed WAL frames back into the database file
// on the writer pool's other connection, after commits, as often as
// checkpointPause says for how fast the WAL grows. SQLite's automatic
// checkpoint ran inside the committing write (copying pages and an fsync
// of the database file), so every thousand pages one batch of requests
// waited for it: the tail latency of every write scenario. A PASSIVE checkpoint never blocks
// the writer or readers, but under a steady write load it never catches
// up: the writer appends while it copies, and only a WAL copied entirely
// starts over from the top. So once the WAL is past restartFrames the
// writer, between two batches, copies the few frames this left behind
// (finishCheckpoint), and its next transaction starts the WAL over.
func (d *db) checkpointLoop() {
	defer close(d.ckptDone)
	last, lastFrames, restartAsked := time.Now(), 0, false
	pause := minCheckpointInterval
	for {
		// Time spent waiting for a commit is not time the WAL grew in.
		idle := time.Now()
		if _, ok := <-d.ckpt; !ok {
			return
		}
		last = last.Add(time.Since(idle))
		var busy, frames, copied int
		err := d.w.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied)
		if err != nil {
			// The frames wait for the next round; the WAL only grows
			// meanwhile.
			time.Sleep(checkpointInterval)
			continue
		}
		// The WAL grew by the difference since the last round, or by all
		// its frames if the writer started it over meanwhile.
		grown := frames - lastFrames
		if restartAsked && !d.restartDue.Load() || grown < 0 {
			grown = frames
		}
		restartAsked = frames > restartFrames
		if restartAsked {
			d.restartDue.Store(true)
		}
		now := time.Now()
		// At most twice the last pause: a slow round (the writes just
		// starting) says little about the next.
		pause = min(checkpointPause(frames, grown, now.Sub(last)), 2*pause)
		last, lastFrames = now, frames
		time.Sleep(pause)
	}
}

// finishCheckpoint runs on the writer goroutine between batches, when the
// checkpointer asked for it.
func (d *db) finishCheckpoint() {
	if d.restartDue.Swap(false) {
		var busy, frames, copied int
		d.w.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied)
	}
}

func (d *db) writeLoop() {
	defer close(d.writerDone)
	for first := range d.writes {
		batch := []*writeReq{first}
	drain:
		for len(batch) < maxBatch {
			select {
			case r, ok := <-d.writes:
				if !ok {
					break drain
				}
				batch = append(batch, r)
			default:
				break drain
			}
		}
		d.commitBatch(batch)
		d.finishCheckpoint()
	}
}

func (d *db) commitBatch(batch []*writeReq) {
	errs := make([]error, len(batch))
	// The batch runs on a context no request can cancel: interrupting one
	// statement could roll back the whole shared transaction.
	ctx := context.Background()
	fail := func(err error) {
		for _, r := range batch {
			r.done <- err
		}
	}
	// River's connection writes too; the two take turns (gate.go).
	if d.gate != nil {
		d.gate.lock(ctx)
		defer d.gate.unlock()
	}
	sqlTx, err := d.w.BeginTx(ctx, nil)
	if err != nil {
		fail(fmt.Errorf("store: begin: %w", err))
		return
	}
	t := &tx{d: d, tx: sqlTx, pool: d.w, fixed: ctx}
	single := len(batch) == 1
	ran := 0
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			errs[i] = err // abandoned before it ran: nothing was written
			continue
		}
		mark, emptiedMark := len(t.events), len(t.emptied)
		if single {
			if errs[i] = runSafe(r, t); errs[i] == nil {
				ran++
			}
			continue
		}
		if _, err := t.exec(ctx, "SAVEPOINT w"); err != nil {
			sqlTx.Rollback()
			fail(fmt.Errorf("store: savepoint: %w", err))
			return
		}
		if errs[i] = runSafe(r, t); errs[i] != nil {
			t.events = t.events[:mark] // the use case's events go with it
			t.emptied = t.emptied[:emptiedMark]
			if _, err := t.exec(ctx, "ROLLBACK TO w"); err != nil {
				sqlTx.Rollback()
				fail(fmt.Errorf("store: rollback to savepoint: %w", err))
				return
			}
		} else {
			ran++
		}
		if _, err := t.exec(ctx, "RELEASE w"); err != nil {
			sqlTx.Rollback()
			fail(fmt.Errorf("store: release savepoint: %w", err))
			return
		}
	}
	// The batch's journal rows, in one statement per few hundred.
	if ran > 0 {
		if err := t.flushEvents(ctx); err != nil {
			sqlTx.Rollback()
			fail(fmt.Errorf("store: journal: %w", err))
			return
		}
	}
	// Odd while committing (stableVersion).
	d.version.Add(1)
	if ran == 0 {
		sqlTx.Rollback()
	} else {
		began := time.Now()
		err := sqlTx.Commit()
		d.obs.WriteBatch(ran, time.Since(began))
		t.retireReads()
		if err == nil {
			t.rememberSent() // still holding the gate: before River can fetch the jobs
		} else {
			for i := range errs {
				if errs[i] == nil {
					errs[i] = fmt.Errorf("store: commit: %w", err)
				}
			}
		}
	}
	// Before anyone hears of the commit, so that a read that starts after
	// an answered write never takes an older cached answer (version.go).
	d.version.Add(1)
	if d.ckpt != nil {
		select {
		case d.ckpt <- struct{}{}:
		default: // one is due already
		}
	}
	for i, r := range batch {
		r.done <- errs[i]
	}
}

// runSafe runs fn, turning a panic into an error so one bad request cannot
// take the writer, and every other waiting request, down with it.
func runSafe(r *writeReq, t *tx) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("store: panic in write: %v", v)
		}
	}()
	return r.fn(t.bind(r.ctx), t)
}

// stopWriter lets the writer finish every queued write and waits for it.
func (d *db) stopWriter() {
	if d.writes == nil {
		return
	}
	d.closeMu.Lock()
	first := !d.closed
	if first {
		d.closed = true
		close(d.writes)
	}
	d.closeMu.Unlock()
	<-d.writerDone
	if d.ckpt != nil {
		if first {
			close(d.ckpt) // the writer, its only sender, is done
		}
		<-d.ckptDone
	}
}
