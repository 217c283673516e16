package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/pgtest"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func oneTime(name string, amount int64) *catalog.Product {
	return &catalog.Product{Name: name, TaxCategory: "saas",
		Price: catalog.Price{Type: catalog.PriceOneTime, Currency: "USD", Price: amount}}
}

func monthly(name string, amount int64) *catalog.Product {
	return &catalog.Product{Name: name, TaxCategory: "saas",
		Price: catalog.Price{Type: catalog.PriceRecurring, Currency: "EUR", Price: amount,
			PaymentFrequencyCount: 1, PaymentFrequencyInterval: "Month", SubscriptionPeriodCount: 1, SubscriptionPeriodInterval: "Year"}}
}

// items drops a list's paging, for tests that look at the rows only.
func items[T any](l catalog.List[T], err error) ([]T, error) { return l.Items, err }

func kindOf(err error) catalog.Kind { return catalog.ErrorKind(err) }

func reasonOf(err error) catalog.Reason {
	var e *catalog.Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return -1
}

func TestMigrateTwice(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		if err := st.Migrate(context.Background()); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
	})
}

func TestProductLifecycle(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		p := monthly("Pro", 1999)
		p.Price.DiscountBps = 1250
		if err := st.CreateProduct(ctx, tn, p); err != nil {
			t.Fatal(err)
		}
		if p.BrandID != tn.BusinessID {
			t.Errorf("brand = %q, want the primary brand %q", p.BrandID, tn.BusinessID)
		}
		got, err := st.GetProduct(ctx, tn, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Pro" || got.Price.Price != 1999 || got.Price.Discount != 13 || !got.Price.IsRecurring() {
			t.Errorf("read back %+v", got)
		}

		name, mode := "Pro 2", "by_country"
		if err := st.UpdateProduct(ctx, tn, p.ID, &catalog.ProductPatch{Name: &name, PricingMode: catalog.Some(mode)}); err != nil {
			t.Fatal(err)
		}
		got, _ = st.GetProduct(ctx, tn, p.ID)
		if got.Name != "Pro 2" || got.PricingMode == nil || *got.PricingMode != mode || got.Price.Price != 1999 {
			t.Errorf("after update: %+v", got)
		}
		if err := st.UpdateProduct(ctx, tn, p.ID, &catalog.ProductPatch{PricingMode: catalog.Null[string]()}); err != nil {
			t.Fatal(err)
		}
		got, _ = st.GetProduct(ctx, tn, p.ID)
		if got.PricingMode != nil || got.Name != "Pro 2" {
			t.Errorf("null pricing_mode should clear only it: %+v", got)
		}

		// A merged state that breaks a rule is rejected and nothing changes.
		bad := "month"
		price := got.Price
		price.PaymentFrequencyInterval = bad
		err = st.UpdateProduct(ctx, tn, p.ID, &catalog.ProductPatch{Name: &name, Price: &price})
		if kindOf(err) != catalog.KindInvalid {
			t.Fatalf("bad update: %v", err)
		}

		if err := st.ArchiveProduct(ctx, tn, p.ID); err != nil {
			t.Fatal(err)
		}
		if err := st.ArchiveProduct(ctx, tn, p.ID); kindOf(err) != catalog.KindGone || reasonOf(err) != catalog.ProductArchived {
			t.Fatalf("second archive: %v", err)
		}
		active, _ := items(st.ListProducts(ctx, tn, catalog.ProductFilter{Page: catalog.Page{Size: 10}}))
		archived, _ := items(st.ListProducts(ctx, tn, catalog.ProductFilter{Archived: true, Page: catalog.Page{Size: 10}}))
		if len(active) != 0 || len(archived) != 1 {
			t.Errorf("active %d archived %d, want 0 and 1", len(active), len(archived))
		}
		if err := st.UnarchiveProduct(ctx, tn, p.ID); err != nil {
			t.Fatal(err)
		}
		got, _ = st.GetProduct(ctx, tn, p.ID)
		if got.Archived {
			t.Error("still archived after unarchive")
		}
	})
}

func TestTenantIsolation(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a := storetest.Tenant(t, st)
		b := storetest.Tenant(t, st)
		aLive := catalog.Tenant{BusinessID: a.BusinessID, Mode: catalog.ModeLive}
		p := oneTime("A's", 100)
		if err := st.CreateProduct(ctx, a, p); err != nil {
			t.Fatal(err)
		}
		for name, tn := range map[string]catalog.Tenant{"other business": b, "other mode": aLive} {
			if _, err := st.GetProduct(ctx, tn, p.ID); kindOf(err) != catalog.KindNotFound {
				t.Errorf("%s: get = %v, want not found", name, err)
			}
			if err := st.ArchiveProduct(ctx, tn, p.ID); kindOf(err) != catalog.KindNotFound {
				t.Errorf("%s: archive = %v, want not found", name, err)
			}
			n := "stolen"
			if err := st.UpdateProduct(ctx, tn, p.ID, &catalog.ProductPatch{Name: &n}); kindOf(err) != catalog.KindNotFound {
				t.Errorf("%s: update = %v, want not found", name, err)
			}
			if list, _ := items(st.ListProducts(ctx, tn, catalog.ProductFilter{Page: catalog.Page{Size: 10}})); len(list) != 0 {
				t.Errorf("%s: list shows %d products", name, len(list))
			}
		}
		// Another business's brand is not a brand of this one.
		q := oneTime("x", 1)
		q.BrandID = b.BusinessID
		if err := st.CreateProduct(ctx, a, q); kindOf(err) != catalog.KindInvalid {
			t.Errorf("foreign brand: %v", err)
		}
	})
}

func TestListOrderAndFilters(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		fixed := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		st.Now = func() time.Time { return fixed } // equal timestamps: the id breaks ties
		var ids []string
		for i := 0; i < 5; i++ {
			p := oneTime("one", int64(i))
			if i%2 == 1 {
				p = monthly("sub", int64(i))
			}
			if err := st.CreateProduct(ctx, tn, p); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, p.ID)
		}
		var seen []string
		for page := 0; ; page++ {
			list, err := items(st.ListProducts(ctx, tn, catalog.ProductFilter{Page: catalog.Page{Size: 2, Number: page}}))
			if err != nil {
				t.Fatal(err)
			}
			if len(list) == 0 {
				break
			}
			for _, p := range list {
				seen = append(seen, p.ID)
			}
		}
		// Equal timestamps: newest first means id descending, every
		// product exactly once across the pages.
		slices.Sort(ids)
		slices.Reverse(ids)
		if !slices.Equal(seen, ids) {
			t.Errorf("paged %v, want %v", seen, ids)
		}
		yes, no := true, false
		rec, _ := items(st.ListProducts(ctx, tn, catalog.ProductFilter{Recurring: &yes, Page: catalog.Page{Size: 10}}))
		one, _ := items(st.ListProducts(ctx, tn, catalog.ProductFilter{Recurring: &no, Page: catalog.Page{Size: 10}}))
		if len(rec) != 2 || len(one) != 3 {
			t.Errorf("recurring %d one-time %d, want 2 and 3", len(rec), len(one))
		}
		brand, _ := items(st.ListProducts(ctx, tn, catalog.ProductFilter{BrandID: "brnd_nope", Page: catalog.Page{Size: 10}}))
		if len(brand) != 0 {
			t.Errorf("unknown brand filter returned %d", len(brand))
		}
	})
}

func TestReferencesRejected(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		p := monthly("with addon", 100)
		p.Addons = []string{"adn_missing"}
		if err := st.CreateProduct(ctx, tn, p); reasonOf(err) != catalog.UnknownAddon {
			t.Errorf("addon: %v", err)
		}
		if list, _ := items(st.ListProducts(ctx, tn, catalog.ProductFilter{Page: catalog.Page{Size: 10}})); len(list) != 0 {
			t.Errorf("a rejected create wrote %d products", len(list))
		}
	})
}

func TestKeys(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		token, key, err := st.CreateKey(ctx, tn.BusinessID, catalog.ModeLive, true)
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.Authenticate(ctx, token)
		if err != nil || got.ID != key.ID || got.Mode != catalog.ModeLive || !got.ReadOnly || got.BusinessID != tn.BusinessID {
			t.Fatalf("authenticate: %+v %v", got, err)
		}
		tampered := token[:len(token)-1] + string("A"[0]^byte(token[len(token)-1]&1))
		for name, bad := range map[string]string{
			"empty":      "",
			"garbage":    "nope",
			"tampered":   tampered,
			"mode swap":  "pb_test_" + token[len("pb_live_"):],
			"unknown id": "pb_live_0000000000000000_" + token[len(token)-32:],
		} {
			if _, err := st.Authenticate(ctx, bad); !errors.Is(err, store.ErrUnauthorized) {
				t.Errorf("%s: %v", name, err)
			}
		}
		if err := st.RevokeKey(ctx, key.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Authenticate(ctx, token); !errors.Is(err, store.ErrUnauthorized) {
			t.Errorf("revoked key still works: %v", err)
		}
		keys, _ := st.Keys(ctx)
		if len(keys) != 1 || keys[0].RevokedAt == nil {
			t.Errorf("keys = %+v", keys)
		}
	})
}

func TestBootstrapOnce(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		token, b, err := st.Bootstrap(ctx, "First")
		if err != nil || token == "" || b.ID == "" {
			t.Fatalf("bootstrap: %q %v", token, err)
		}
		again, _, err := st.Bootstrap(ctx, "First")
		if err != nil || again != "" {
			t.Fatalf("second bootstrap made a key: %q %v", again, err)
		}
		if _, err := st.Authenticate(ctx, token); err != nil {
			t.Fatal(err)
		}
	})
}

func TestInternalErrorsNameTheUseCase(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		tn := storetest.Tenant(t, st)
		st.Close()
		_, err := st.GetBrand(context.Background(), tn, tn.BusinessID)
		if err == nil || !strings.HasPrefix(err.Error(), "store: GetBrand: ") || catalog.ErrorKind(err) != catalog.KindInternal {
			t.Errorf("after Close: %v", err)
		}
	})
}
