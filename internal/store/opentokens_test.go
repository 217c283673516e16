package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// TestOpenTokens: 64 concurrent first uses of one new namespace token
// make one business and one test-mode key, which every later use gets;
// issued keys authenticate as themselves, and a revoked one stays
// refused; tokens not of the open form are refused.
func TestOpenTokens(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		before, err := st.Businesses(ctx)
		if err != nil {
			t.Fatal(err)
		}
		token := "pb_test_" + catalog.RandomString(20)
		keys := make([]catalog.APIKey, 64)
		errs := make([]error, 64)
		var wg sync.WaitGroup
		for i := range keys {
			wg.Add(1)
			go func() { defer wg.Done(); keys[i], errs[i] = st.AuthenticateOpen(ctx, token) }()
		}
		wg.Wait()
		for i := range keys {
			if errs[i] != nil || keys[i].ID != keys[0].ID || keys[i].Mode != catalog.ModeTest || keys[i].ReadOnly {
				t.Fatalf("first use %d: %+v %v (first: %+v)", i, keys[i], errs[i], keys[0])
			}
		}
		after, _ := st.Businesses(ctx)
		if len(after) != len(before)+1 {
			t.Errorf("64 first uses made %d businesses", len(after)-len(before))
		}
		if k, err := st.AuthenticateOpen(ctx, token); err != nil || k.ID != keys[0].ID {
			t.Errorf("later use: %+v %v", k, err)
		}
		other, err := st.AuthenticateOpen(ctx, "pb_test_"+catalog.RandomString(16))
		if err != nil || other.BusinessID == keys[0].BusinessID {
			t.Errorf("another token: %+v %v", other, err)
		}

		issued, _, err := st.CreateKey(ctx, keys[0].BusinessID, catalog.ModeTest, true)
		if err != nil {
			t.Fatal(err)
		}
		if k, err := st.AuthenticateOpen(ctx, issued); err != nil || !k.ReadOnly || k.BusinessID != keys[0].BusinessID {
			t.Errorf("issued key: %+v %v", k, err)
		}
		if err := st.RevokeKey(ctx, issued); err != nil {
			t.Fatal(err)
		}
		if _, err := st.AuthenticateOpen(ctx, issued); catalog.ErrorKind(err) != catalog.KindUnauthorized {
			t.Errorf("revoked issued key: %v", err)
		}
		if err := st.RevokeKey(ctx, keys[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.AuthenticateOpen(ctx, token); catalog.ErrorKind(err) != catalog.KindUnauthorized {
			t.Errorf("revoked namespace token: %v", err)
		}
		for _, bad := range []string{"pb_test_" + catalog.RandomString(15), "pb_live_" + catalog.RandomString(20), catalog.RandomString(30)} {
			if _, err := st.AuthenticateOpen(ctx, bad); catalog.ErrorKind(err) != catalog.KindUnauthorized {
				t.Errorf("%s: %v", bad, err)
			}
		}
		final, _ := st.Businesses(ctx)
		if len(final) != len(before)+2 {
			t.Errorf("businesses: %d more, want 2", len(final)-len(before))
		}
	})
}
