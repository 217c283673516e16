package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// TestIdempotentUnit checks that a claimed request's writes commit only
// with its response: a request whose claim went stale and was taken over
// by a retry writes nothing and is told so, a failed request leaves
// nothing behind, and only the retry's product exists.
func TestIdempotentUnit(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		now := time.Now().UTC()
		st.Now = func() time.Time { return now }
		count := func() int {
			ps, err := items(st.ListProducts(ctx, tn, catalog.ProductFilter{Page: catalog.Page{Size: 100}}))
			if err != nil {
				t.Fatal(err)
			}
			return len(ps)
		}

		_, slow, err := st.BeginIdempotent(ctx, tn, "k", "fp")
		if err != nil {
			t.Fatal(err)
		}
		// Later than a request may run: a retry takes the key over.
		now = now.Add(3 * time.Minute)
		replay, retry, err := st.BeginIdempotent(ctx, tn, "k", "fp")
		if err != nil || replay != nil {
			t.Fatalf("takeover: %v %v", replay, err)
		}
		err = st.RunIdempotent(ctx, slow, func(ctx context.Context) (store.Replay, error) {
			return store.Replay{Status: 200}, st.CreateProduct(ctx, tn, oneTime("slow", 100))
		})
		if !errors.Is(err, store.ErrIdempotencyInFlight) {
			t.Fatalf("the overtaken request: %v, want ErrIdempotencyInFlight", err)
		}
		if n := count(); n != 0 {
			t.Fatalf("the overtaken request wrote %d products", n)
		}
		// A failing request rolls back what it wrote before failing.
		boom := errors.New("boom")
		err = st.RunIdempotent(ctx, retry, func(ctx context.Context) (store.Replay, error) {
			if err := st.CreateProduct(ctx, tn, oneTime("half", 100)); err != nil {
				return store.Replay{}, err
			}
			return store.Replay{}, boom
		})
		if !errors.Is(err, boom) || count() != 0 {
			t.Fatalf("failed request: %v, %d products", err, count())
		}
		if err := st.RunIdempotent(ctx, retry, func(ctx context.Context) (store.Replay, error) {
			// Reads inside the unit see its own writes.
			p := oneTime("retry", 100)
			if err := st.CreateProduct(ctx, tn, p); err != nil {
				return store.Replay{}, err
			}
			if _, err := st.GetProduct(ctx, tn, p.ID); err != nil {
				return store.Replay{}, err
			}
			return store.Replay{Status: 200, Headers: "{}", Body: []byte(p.ID)}, nil
		}); err != nil {
			t.Fatal(err)
		}
		replay, _, err = st.BeginIdempotent(ctx, tn, "k", "fp")
		if err != nil || replay == nil || replay.Status != 200 || count() != 1 {
			t.Fatalf("after the retry: replay %+v, err %v, %d products", replay, err, count())
		}
	})
}
