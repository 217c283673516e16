package store

import (
	"context"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
)

// Test clocks. A test-mode partition whose clock is set reads every time
// a rule depends on from it (object and journal timestamps, discount
// starts_at and expires_at, idempotency-key expiry, the retention), and
// the clock stands still until it is set or advanced again, so that a
// test sees the same time however slow its machine. Other partitions,
// and every live-mode one, read the real time. Like the fault rules the
// clocks are read from a snapshot (snapshot.go): a clock set through
// another server applies here within snapshotTTL.

type testClocks = map[catalog.Tenant]time.Time

// nowIn returns the current time of the tenant's partition at stored
// precision: its test clock's when one is set.
func (s *Store) nowIn(ctx context.Context, tn catalog.Tenant) time.Time {
	return s.clockOf(ctx, tn).Now
}

func (s *Store) clockOf(ctx context.Context, tn catalog.Tenant) catalog.Clock {
	if tn.Mode == catalog.ModeTest {
		clocks, err := s.clocks.get(ctx, s.testClocks)
		if at, ok := clocks[tn]; ok && err == nil {
			return catalog.Clock{Now: at, Test: true}
		}
	}
	return catalog.Clock{Now: s.now()}
}

func (s *Store) testClocks(ctx context.Context) (testClocks, error) {
	rows, err := s.db.query(ctx, "SELECT business_id, mode, now_at FROM test_clocks")
	if err != nil {
		return nil, wrap("testClocks", err)
	}
	defer rows.Close()
	out := testClocks{}
	for rows.Next() {
		var tn catalog.Tenant
		var mode string
		var at int64
		if err := rows.Scan(&tn.BusinessID, &mode, &at); err != nil {
			return nil, wrap("testClocks", err)
		}
		tn.Mode = catalog.Mode(mode)
		out[tn] = fromMicros(at)
	}
	return out, wrap("testClocks", rows.Err())
}

// Clock returns the partition's clock as the rules read it now.
func (s *Store) Clock(ctx context.Context, tn catalog.Tenant) (catalog.Clock, error) {
	if tn.Mode != catalog.ModeTest {
		return catalog.Clock{Now: s.now()}, nil
	}
	var c catalog.Clock
	err := s.db.read(ctx, func(ctx context.Context, t *tx) error {
		var at int64
		err := t.queryRow(ctx, "SELECT now_at FROM test_clocks WHERE business_id = ? AND mode = ?", tn.BusinessID, string(tn.Mode)).Scan(&at)
		switch {
		case isNoRows(err):
			c = catalog.Clock{Now: s.now()}
			return nil
		case err != nil:
			return err
		}
		c = catalog.Clock{Now: fromMicros(at), Test: true}
		return nil
	})
	return c, wrap("Clock", err)
}

// SetClock sets the partition's test clock to at (it may go back).
func (s *Store) SetClock(ctx context.Context, tn catalog.Tenant, at time.Time) (catalog.Clock, error) {
	c, err := s.moveClock(ctx, tn, "now", func(time.Time) time.Time { return at })
	return c, wrap("SetClock", err)
}

// AdvanceClock moves the partition's test clock on by d, from the real
// time when none is set.
func (s *Store) AdvanceClock(ctx context.Context, tn catalog.Tenant, d time.Duration) (catalog.Clock, error) {
	c, err := s.moveClock(ctx, tn, "advance", func(from time.Time) time.Time { return from.Add(d) })
	return c, wrap("AdvanceClock", err)
}

// moveClock sets the clock to next(what it reads now); field names the
// input a time out of range came from.
func (s *Store) moveClock(ctx context.Context, tn catalog.Tenant, field string, next func(time.Time) time.Time) (catalog.Clock, error) {
	if err := testClockMode(tn); err != nil {
		return catalog.Clock{}, err
	}
	var c catalog.Clock
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		from := s.now()
		var was int64
		err := t.queryRow(ctx, s.lockClause("SELECT now_at FROM test_clocks WHERE business_id = ? AND mode = ?", "FOR UPDATE"),
			tn.BusinessID, string(tn.Mode)).Scan(&was)
		switch {
		case err == nil:
			from = fromMicros(was)
		case !isNoRows(err):
			return err
		}
		at := next(from).UTC().Truncate(time.Microsecond)
		if at.Before(catalog.MinClock) || at.After(catalog.MaxClock) {
			var p catalog.Problems
			p.Add(field, "the clock must stay between 1970-01-01 and 9999-12-31")
			return p.Err()
		}
		c = catalog.Clock{Now: at, Test: true}
		_, err = t.exec(ctx, `INSERT INTO test_clocks (business_id, mode, now_at, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (business_id, mode) DO UPDATE SET now_at = excluded.now_at, updated_at = excluded.updated_at`,
			tn.BusinessID, string(tn.Mode), micros(at), micros(s.now()))
		return err
	})
	s.clocks.forget()
	return c, err
}

// DeleteClock returns the partition to the real time.
func (s *Store) DeleteClock(ctx context.Context, tn catalog.Tenant) (catalog.Clock, error) {
	if err := testClockMode(tn); err != nil {
		return catalog.Clock{}, err
	}
	_, err := s.db.writeStatement(ctx, "DELETE FROM test_clocks WHERE business_id = ? AND mode = ?", tn.BusinessID, string(tn.Mode))
	s.clocks.forget()
	return catalog.Clock{Now: s.now()}, wrap("DeleteClock", err)
}

func testClockMode(tn catalog.Tenant) error {
	if tn.Mode != catalog.ModeTest {
		return catalog.Errorf(catalog.KindForbidden, catalog.Unauthorized, "Test clocks are for test-mode keys only")
	}
	return nil
}

// clocked is an SQL condition: the row of table (or alias) belongs to a
// partition with a test clock.
func clocked(table string) string {
	return "EXISTS (SELECT 1 FROM test_clocks c WHERE c.business_id = " + table + ".business_id AND c.mode = " + table + ".mode)"
}
