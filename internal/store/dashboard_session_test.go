package store_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

func TestDashboardSessions(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		keys := storetest.Keys(t, st)
		if _, _, err := st.CreateSession(ctx, keys["revoked"], time.Hour); catalog.ErrorKind(err) != catalog.KindUnauthorized {
			t.Fatalf("a revoked key signed in: %v", err)
		}
		token, s, err := st.CreateSession(ctx, keys["a"], time.Hour)
		if err != nil || s.Key.Mode != catalog.ModeTest || len(s.CSRF) < 40 || len(token) < 40 {
			t.Fatalf("create: %+v %v", s, err)
		}
		got, err := st.GetSession(ctx, token)
		if err != nil || got.Key.ID != s.Key.ID || got.CSRF != s.CSRF || len(got.Modes) != 1 {
			t.Fatalf("get: %+v %v", got, err)
		}
		if _, err := st.GetSession(ctx, token+"x"); err != store.ErrNoSession {
			t.Fatalf("unknown token: %v", err)
		}
		if err := st.SwitchSessionMode(ctx, token, catalog.ModeLive); err != store.ErrNoSession {
			t.Fatalf("switch without a live key: %v", err)
		}
		if err := st.AddSessionKey(ctx, token, keys["b"]); catalog.ErrorKind(err) != catalog.KindForbidden {
			t.Fatalf("another business's key: %v", err)
		}
		if err := st.AddSessionKey(ctx, token, keys["aLive"]); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.GetSession(ctx, token); got.Key.Mode != catalog.ModeLive || len(got.Modes) != 2 {
			t.Fatalf("after adding the live key: %+v", got)
		}
		if err := st.SwitchSessionMode(ctx, token, catalog.ModeTest); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteSession(ctx, token); err != nil {
			t.Fatal(err)
		}
		if _, err := st.GetSession(ctx, token); err != store.ErrNoSession {
			t.Fatalf("signed out: %v", err)
		}
		// Expired, and revoked.
		short, _, err := st.CreateSession(ctx, keys["aRO"], time.Microsecond)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond)
		if _, err := st.GetSession(ctx, short); err != store.ErrNoSession {
			t.Fatalf("expired: %v", err)
		}
		tok, _, _ := st.CreateSession(ctx, keys["aRO"], time.Hour)
		if err := st.RevokeKey(ctx, keys["aRO"]); err != nil {
			t.Fatal(err)
		}
		if _, err := st.GetSession(ctx, tok); err != store.ErrNoSession {
			t.Fatalf("revoked key: %v", err)
		}
	})
}

func TestSearchProducts(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		const n = 1234
		if err := st.SeedProducts(ctx, tn, n, func(i int) *catalog.Product {
			name := "Plain " + strconv.Itoa(i)
			if i%300 == 7 {
				name = "Rare_100% " + strconv.Itoa(i)
			}
			p := &catalog.Product{Name: name, TaxCategory: "saas", Price: catalog.Price{Type: catalog.PriceOneTime, Currency: "USD", Price: 100}}
			if i%2 == 0 {
				p.Price = catalog.Price{Type: catalog.PriceRecurring, Currency: "USD", Price: 100, PaymentFrequencyCount: 1,
					PaymentFrequencyInterval: "Month", SubscriptionPeriodCount: 1, SubscriptionPeriodInterval: "Year"}
			}
			return p
		}); err != nil {
			t.Fatal(err)
		}
		walk := func(f catalog.ProductSearch) (names []string, pages int) {
			seen := map[string]bool{}
			for {
				l, resume, err := st.SearchProducts(ctx, tn, f)
				if err != nil {
					t.Fatal(err)
				}
				pages++
				for _, p := range l.Items {
					if seen[p.ID] {
						t.Fatalf("%s twice", p.ID)
					}
					seen[p.ID] = true
					names = append(names, p.Name)
				}
				switch {
				case resume != nil:
					f.Page.After = resume
				case l.More:
					last := l.Items[len(l.Items)-1]
					f.Page.After = &catalog.Keyset{CreatedAt: last.CreatedAt, ID: last.ID}
				default:
					return names, pages
				}
			}
		}
		all, pages := walk(catalog.ProductSearch{Page: catalog.Page{Size: 100}})
		if len(all) != n || pages != 13 || all[0] != "Plain 1233" {
			t.Fatalf("walk: %d products in %d pages, first %q", len(all), pages, all[0])
		}
		rec := true
		if got, _ := walk(catalog.ProductSearch{Recurring: &rec, Page: catalog.Page{Size: 100}}); len(got) != n/2 {
			t.Fatalf("recurring: %d", len(got))
		}
		// The search reads the catalog a window at a time, resuming where
		// the window ended; "%" and "_" are literal.
		rare, _ := walk(catalog.ProductSearch{Query: "rare_100%", Page: catalog.Page{Size: 2}})
		if len(rare) != 5 || rare[0] != "Rare_100% 1207" || rare[4] != "Rare_100% 7" {
			t.Fatalf("search: %q", rare)
		}
		if got, _ := walk(catalog.ProductSearch{Query: "rare_1000", Page: catalog.Page{Size: 2}}); len(got) != 0 {
			t.Fatalf("wildcards matched: %q", got)
		}
		first, _, _ := st.SearchProducts(ctx, tn, catalog.ProductSearch{Page: catalog.Page{Size: 1}})
		byID, _, _ := st.SearchProducts(ctx, tn, catalog.ProductSearch{Query: first.Items[0].ID, Page: catalog.Page{Size: 5}})
		if len(byID.Items) != 1 || byID.Items[0].ID != first.Items[0].ID {
			t.Fatalf("by id: %+v", byID.Items)
		}
		counts, err := st.Counts(ctx, tn)
		if err != nil || counts["products"] != n || counts["collections"] != 0 {
			t.Fatalf("counts: %v %v", counts, err)
		}
	})
}
