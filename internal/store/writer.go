package store

import (
	"context"
	"errors"
	"fmt"
)

// maxBatch bounds how many waiting writes one SQLite transaction commits.
const maxBatch = 256

// errClosed answers writes that arrive after Close.
var errClosed = errors.New("store: closed")

// writeReq is one use case waiting for the SQLite writer.
type writeReq struct {
	ctx  context.Context
	fn   func(*tx) error
	done chan error
}

// startWriter starts the SQLite group-commit writer. Every write waits in
// one queue; the writer takes all that are waiting, runs each in its own
// savepoint inside one transaction, commits once (one fsync for the lot,
// synchronous=FULL) and only then answers each. A failing use case rolls
// back to its savepoint and leaves the others untouched, so each stays
// atomic, and running them one after another keeps them serialisable.
func (s *Store) startWriter() {
	s.writes = make(chan *writeReq, maxBatch)
	s.writerDone = make(chan struct{})
	go s.writeLoop()
}

// enqueue hands a write to the writer and waits for its commit. It waits
// even when ctx ends meanwhile: the write may already be committed, and
// the caller must not report failure for a write that happened.
func (s *Store) enqueue(ctx context.Context, fn func(*tx) error) error {
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	s.closeMu.RLock()
	if s.closed {
		s.closeMu.RUnlock()
		return errClosed
	}
	s.writes <- req
	s.closeMu.RUnlock()
	return <-req.done
}

func (s *Store) writeLoop() {
	defer close(s.writerDone)
	for first := range s.writes {
		batch := []*writeReq{first}
	drain:
		for len(batch) < maxBatch {
			select {
			case r, ok := <-s.writes:
				if !ok {
					break drain
				}
				batch = append(batch, r)
			default:
				break drain
			}
		}
		s.commitBatch(batch)
	}
}

func (s *Store) commitBatch(batch []*writeReq) {
	errs := make([]error, len(batch))
	// The batch runs on a context no request can cancel: interrupting one
	// statement could roll back the whole shared transaction.
	ctx := context.Background()
	fail := func(err error) {
		for _, r := range batch {
			r.done <- err
		}
	}
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		fail(fmt.Errorf("store: begin: %w", err))
		return
	}
	t := &tx{s: s, tx: sqlTx, db: s.w, fixed: ctx}
	single := len(batch) == 1
	ran := 0
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			errs[i] = err // abandoned before it ran: nothing was written
			continue
		}
		if single {
			errs[i] = runSafe(r.fn, t)
			ran++
			continue
		}
		if _, err := sqlTx.ExecContext(ctx, "SAVEPOINT w"); err != nil {
			sqlTx.Rollback()
			fail(fmt.Errorf("store: savepoint: %w", err))
			return
		}
		if errs[i] = runSafe(r.fn, t); errs[i] != nil {
			if _, err := sqlTx.ExecContext(ctx, "ROLLBACK TO w"); err != nil {
				sqlTx.Rollback()
				fail(fmt.Errorf("store: rollback to savepoint: %w", err))
				return
			}
		} else {
			ran++
		}
		if _, err := sqlTx.ExecContext(ctx, "RELEASE w"); err != nil {
			sqlTx.Rollback()
			fail(fmt.Errorf("store: release savepoint: %w", err))
			return
		}
	}
	if single && errs[0] != nil || ran == 0 {
		sqlTx.Rollback()
	} else if err := sqlTx.Commit(); err != nil {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = fmt.Errorf("store: commit: %w", err)
			}
		}
	}
	// Before anyone hears of the commit, so that a read that starts after
	// an answered write never takes an older cached answer (version.go).
	s.version.Add(1)
	for i, r := range batch {
		r.done <- errs[i]
	}
}

// runSafe runs fn, turning a panic into an error so one bad request cannot
// take the writer, and every other waiting request, down with it.
func runSafe(fn func(*tx) error, t *tx) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("store: panic in write: %v", v)
		}
	}()
	return fn(t)
}

// stopWriter lets the writer finish every queued write and waits for it.
func (s *Store) stopWriter() {
	if s.writes == nil {
		return
	}
	s.closeMu.Lock()
	if !s.closed {
		s.closed = true
		close(s.writes)
	}
	s.closeMu.Unlock()
	<-s.writerDone
}
