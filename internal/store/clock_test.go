package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// TestClockRules: under a test clock, objects and events take its time
// (the events say so), discounts redeem by it, and idempotency records
// expire by it, in that partition only.
func TestClockRules(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn, other := storetest.Tenant(t, st), storetest.Tenant(t, st)
		at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
		if _, err := st.SetClock(ctx, tn, at); err != nil {
			t.Fatal(err)
		}
		p, q := oneTime("clocked", 1), oneTime("real", 1)
		if err := st.CreateProduct(ctx, tn, p); err != nil {
			t.Fatal(err)
		}
		if err := st.CreateProduct(ctx, other, q); err != nil {
			t.Fatal(err)
		}
		if !p.CreatedAt.Equal(at) || q.CreatedAt.Year() == 2030 {
			t.Errorf("created at %v and %v", p.CreatedAt, q.CreatedAt)
		}
		if e := events(t, st, tn, catalog.EventFilter{})[0]; !e.TestClock || !e.CreatedAt.Equal(at) {
			t.Errorf("event under the clock: %+v", e)
		}
		if e := events(t, st, other, catalog.EventFilter{})[0]; e.TestClock {
			t.Errorf("event without a clock: %+v", e)
		}

		later := at.Add(time.Hour)
		d := pct("LATER", 100)
		d.StartsAt = &later
		if err := st.CreateDiscount(ctx, tn, d); err != nil {
			t.Fatal(err)
		}
		if _, err := st.GetDiscountByCode(ctx, tn, "LATER"); kindOf(err) != catalog.KindInvalid {
			t.Errorf("before starts_at: %v", err)
		}
		if c, err := st.AdvanceClock(ctx, tn, 2*time.Hour); err != nil || !c.Now.Equal(at.Add(2*time.Hour)) {
			t.Fatalf("advance: %+v %v", c, err)
		}
		if _, err := st.GetDiscountByCode(ctx, tn, "LATER"); err != nil {
			t.Errorf("after starts_at: %v", err)
		}

		// Idempotency records: one in each partition, then a day of the
		// clock passes in tn only.
		for _, x := range []catalog.Tenant{tn, other} {
			if _, c, err := st.BeginIdempotent(ctx, x, "k", "fp"); err != nil {
				t.Fatal(err)
			} else if err := st.RunIdempotent(ctx, c, func(context.Context) (store.Replay, error) { return store.Replay{Status: 200, Body: []byte("{}")}, nil }); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := st.AdvanceClock(ctx, tn, store.IdempotencyTTL+time.Minute); err != nil {
			t.Fatal(err)
		}
		if n, err := st.PruneIdempotency(ctx); err != nil || n != 1 {
			t.Errorf("pruned %d, %v; want tn's one", n, err)
		}
		if replay, _, err := st.BeginIdempotent(ctx, other, "k", "fp"); err != nil || replay == nil {
			t.Errorf("the other partition's record: %v %v", replay, err)
		}

		// The retention follows the clock: tn's events are a day old by
		// it, the other partition's are new.
		if n, err := st.PruneEvents(ctx, time.Hour); err != nil || n != 2 {
			t.Errorf("pruned %d events, %v; want tn's two", n, err)
		}
		if len(events(t, st, other, catalog.EventFilter{})) != 1 {
			t.Error("the other partition lost its event")
		}

		if c, err := st.DeleteClock(ctx, tn); err != nil || c.Test {
			t.Fatalf("delete: %+v %v", c, err)
		}
		r := oneTime("real again", 1)
		if err := st.CreateProduct(ctx, tn, r); err != nil || r.CreatedAt.Year() == 2030 {
			t.Errorf("after delete: %v %v", r.CreatedAt, err)
		}
		if _, err := st.SetClock(ctx, catalog.Tenant{BusinessID: tn.BusinessID, Mode: catalog.ModeLive}, at); kindOf(err) != catalog.KindForbidden {
			t.Errorf("live mode: %v", err)
		}
		if _, err := st.SetClock(ctx, tn, time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)); kindOf(err) != catalog.KindInvalid {
			t.Errorf("year 1: %v", err)
		}
	})
}
