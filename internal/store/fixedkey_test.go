package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// TestEnsureKey: 16 concurrent makes of one fixed key (serve --seed of a
// file that fixes its key, several servers starting) make one business
// and one test-mode key, which then authenticates as any issued key does;
// a token of another form, or whose id is taken, is refused.
func TestEnsureKey(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		const token = "pb_test_Seed000000000001_ci0catalog0000000000000000000001"
		before, _ := st.Businesses(ctx)
		keys := make([]catalog.APIKey, 16)
		errs := make([]error, 16)
		var wg sync.WaitGroup
		for i := range keys {
			wg.Add(1)
			go func() {
				defer wg.Done()
				keys[i], errs[i] = st.EnsureKey(ctx, token, "Seeded catalog")
			}()
		}
		wg.Wait()
		for i := range keys {
			if errs[i] != nil || keys[i].ID != keys[0].ID || keys[i].Mode != catalog.ModeTest || keys[i].ReadOnly {
				t.Fatalf("make %d: %+v %v", i, keys[i], errs[i])
			}
		}
		after, _ := st.Businesses(ctx)
		if len(after) != len(before)+1 {
			t.Errorf("%d businesses made, want 1", len(after)-len(before))
		}
		if k, err := st.Authenticate(ctx, token); err != nil || k.ID != keys[0].ID || k.BusinessID != keys[0].BusinessID {
			t.Errorf("authenticate: %+v %v", k, err)
		}
		for _, bad := range []string{"pb_test_short", "pb_live_Seed000000000001_ci0catalog0000000000000000000001",
			"pb_test_Seed000000000001_ci0catalog000000000000000000000!"} {
			if _, err := st.EnsureKey(ctx, bad, "x"); err == nil {
				t.Errorf("%s made", bad)
			}
		}
		// The same id with another secret is another key's.
		if _, err := st.EnsureKey(ctx, "pb_test_Seed000000000001_ci0catalog0000000000000000000002", "x"); err == nil {
			t.Error("a second secret for a key id was accepted")
		}
		if err := st.RevokeKey(ctx, keys[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.EnsureKey(ctx, token, "x"); err == nil {
			t.Error("a revoked fixed key was made again")
		}
	})
}
