package store

import (
	"context"
	"fmt"
)

// A unit is one write transaction that several use cases share: every
// store call made with a context from inUnit (or handed to a write's
// function) joins it instead of taking a
// connection of its own, writes as nested savepoints and reads through the
// same transaction (so they see the unit's own uncommitted writes, and on
// PostgreSQL never wait for a second pool turn while holding one). A
// request that must commit with its outcome (an idempotent response, the
// journal's events) runs as a unit.
type unitKey struct{}

// unitTx returns the unit transaction ctx carries, or nil.
func unitTx(ctx context.Context) *tx {
	t, _ := ctx.Value(unitKey{}).(*tx)
	return t
}

// inUnit runs fn in one write transaction, handing it a context that every
// store call made with it joins. fn's error rolls back all of it; the unit
// commits (durably) only after fn returned nil and finish, run in the same
// transaction, did too.
func (d *db) inUnit(ctx context.Context, fn func(ctx context.Context) error, finish func(context.Context, *tx) error) error {
	return d.write(ctx, func(ctx context.Context, t *tx) error {
		if err := fn(ctx); err != nil {
			return err
		}
		return finish(ctx, t)
	})
}

// bind returns ctx carrying t, for the use case running in t.
func (t *tx) bind(ctx context.Context) context.Context {
	return context.WithValue(ctx, unitKey{}, t)
}

// nested runs fn in a savepoint of t, so that fn's error undoes only what
// fn did and the unit goes on (on PostgreSQL a failed statement would
// otherwise abort the whole transaction).
func (t *tx) nested(ctx context.Context, fn func(context.Context, *tx) error) error {
	if _, err := t.exec(ctx, "SAVEPOINT unit_step"); err != nil {
		return fmt.Errorf("store: savepoint: %w", err)
	}
	mark, emptiedMark := len(t.events), len(t.emptied)
	if err := fn(ctx, t); err != nil {
		t.events, t.emptied = t.events[:mark], t.emptied[:emptiedMark]
		if _, rerr := t.exec(ctx, "ROLLBACK TO unit_step"); rerr != nil {
			return fmt.Errorf("store: rollback to savepoint: %w (after %v)", rerr, err)
		}
		t.exec(ctx, "RELEASE unit_step")
		return err
	}
	if _, err := t.exec(ctx, "RELEASE unit_step"); err != nil {
		return fmt.Errorf("store: release savepoint: %w", err)
	}
	return nil
}
