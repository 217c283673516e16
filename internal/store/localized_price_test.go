package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

func rule(amount int64, currency string, country ...string) *catalog.LocalizedPriceInput {
	in := &catalog.LocalizedPriceInput{Amount: &amount, Currency: &currency}
	if len(country) > 0 {
		in.CountryCode = &country[0]
	}
	return in
}

// priced creates a USD one-time product in the pricing mode (none if "").
func priced(t *testing.T, st *store.Store, tn catalog.Tenant, mode string) *catalog.Product {
	t.Helper()
	p := oneTime("Localized", 1000)
	if mode != "" {
		p.PricingMode = &mode
	}
	if err := st.CreateProduct(context.Background(), tn, p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLocalizedPriceRules: every rule of creating, reading, updating and
// archiving localized prices, on both engines.
func TestLocalizedPriceRules(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		byCurrency := priced(t, st, tn, catalog.ByCurrency)
		byCountry := priced(t, st, tn, catalog.ByCountry)
		none := priced(t, st, tn, "")
		pwyw := oneTime("Tip jar", 500)
		pwyw.Price.PayWhatYouWant, pwyw.PricingMode = true, ptr(catalog.ByCurrency)
		if err := st.CreateProduct(ctx, tn, pwyw); err != nil {
			t.Fatal(err)
		}

		for _, c := range []struct {
			name    string
			product string
			in      *catalog.LocalizedPriceInput
			kind    catalog.Kind
			reason  catalog.Reason
		}{
			{"no pricing mode", none.ID, rule(900, "EUR"), catalog.KindInvalid, catalog.PricingModeRequired},
			{"base currency", byCurrency.ID, rule(900, "USD"), catalog.KindInvalid, catalog.LocalizedPriceDuplicatesBase},
			{"country in by_currency", byCurrency.ID, rule(900, "EUR", "DE"), catalog.KindInvalid, catalog.LocalizedPriceShapeMismatch},
			{"no country in by_country", byCountry.ID, rule(900, "EUR"), catalog.KindInvalid, catalog.LocalizedPriceShapeMismatch},
			{"pay what you want", pwyw.ID, rule(900, "EUR"), catalog.KindInvalid, catalog.LocalizedPriceNotApplicable},
			{"zero amount", byCurrency.ID, rule(0, "EUR"), catalog.KindInvalid, catalog.Invalid},
			{"unknown currency", byCurrency.ID, rule(900, "EURO"), catalog.KindInvalid, catalog.Invalid},
			{"unknown country", byCountry.ID, rule(900, "EUR", "XX"), catalog.KindInvalid, catalog.Invalid},
			{"no currency", byCurrency.ID, &catalog.LocalizedPriceInput{Amount: ptr(int64(5))}, catalog.KindInvalid, catalog.Invalid},
			{"unknown product", "pdt_nope", rule(900, "EUR"), catalog.KindNotFound, catalog.Missing},
		} {
			_, err := st.CreateLocalizedPrice(ctx, tn, c.product, c.in)
			if kindOf(err) != c.kind || reasonOf(err) != c.reason {
				t.Errorf("%s: %v (%v), want kind %v reason %v", c.name, err, reasonOf(err), c.kind, c.reason)
			}
		}

		eur, err := st.CreateLocalizedPrice(ctx, tn, byCurrency.ID, rule(900, "EUR"))
		if err != nil {
			t.Fatal(err)
		}
		if eur.Mode != catalog.ByCurrency || eur.CountryCode != nil || eur.ProductID != byCurrency.ID || eur.ID[:4] != "lcp_" {
			t.Errorf("created %+v", eur)
		}
		if _, err := st.CreateLocalizedPrice(ctx, tn, byCurrency.ID, rule(800, "EUR")); kindOf(err) != catalog.KindConflict || reasonOf(err) != catalog.LocalizedPriceTaken {
			t.Errorf("second EUR rule: %v", err)
		}
		de, err := st.CreateLocalizedPrice(ctx, tn, byCountry.ID, rule(950, "EUR", "DE"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateLocalizedPrice(ctx, tn, byCountry.ID, rule(1, "USD", "DE")); reasonOf(err) != catalog.LocalizedPriceTaken {
			t.Errorf("second DE rule: %v", err)
		}
		if _, err := st.CreateLocalizedPrice(ctx, tn, byCountry.ID, rule(1000, "USD", "US")); err != nil {
			t.Errorf("by_country in the base currency: %v", err)
		}

		// Another tenant sees nothing.
		other := storetest.Tenant(t, st)
		if _, err := st.GetLocalizedPrice(ctx, other, byCurrency.ID, eur.ID); kindOf(err) != catalog.KindNotFound {
			t.Errorf("other tenant get: %v", err)
		}
		if _, err := st.ListLocalizedPrices(ctx, other, byCurrency.ID); kindOf(err) != catalog.KindNotFound {
			t.Errorf("other tenant list: %v", err)
		}
		if err := st.ArchiveLocalizedPrice(ctx, other, byCurrency.ID, eur.ID); kindOf(err) != catalog.KindNotFound {
			t.Errorf("other tenant archive: %v", err)
		}
		// A rule of another product is not found under this one.
		if _, err := st.GetLocalizedPrice(ctx, tn, byCountry.ID, eur.ID); kindOf(err) != catalog.KindNotFound {
			t.Errorf("wrong product: %v", err)
		}

		got, err := st.UpdateLocalizedPrice(ctx, tn, byCurrency.ID, eur.ID, &catalog.LocalizedPricePatch{Amount: ptr(int64(850))})
		if err != nil || got.Amount != 850 || got.Currency != "EUR" {
			t.Fatalf("update: %+v %v", got, err)
		}
		if _, err := st.UpdateLocalizedPrice(ctx, tn, byCurrency.ID, eur.ID, &catalog.LocalizedPricePatch{Amount: ptr(int64(-1))}); kindOf(err) != catalog.KindInvalid {
			t.Errorf("negative amount: %v", err)
		}
		if got, _ := st.GetLocalizedPrice(ctx, tn, byCurrency.ID, eur.ID); got == nil || got.Amount != 850 {
			t.Errorf("after update: %+v", got)
		}

		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(st.ArchiveLocalizedPrice(ctx, tn, byCurrency.ID, eur.ID))
		must(st.ArchiveLocalizedPrice(ctx, tn, byCurrency.ID, eur.ID)) // idempotent
		if _, err := st.GetLocalizedPrice(ctx, tn, byCurrency.ID, eur.ID); kindOf(err) != catalog.KindNotFound {
			t.Errorf("get archived: %v", err)
		}
		if _, err := st.UpdateLocalizedPrice(ctx, tn, byCurrency.ID, eur.ID, &catalog.LocalizedPricePatch{Amount: ptr(int64(1))}); kindOf(err) != catalog.KindNotFound {
			t.Errorf("update archived: %v", err)
		}
		if err := st.ArchiveLocalizedPrice(ctx, tn, byCurrency.ID, "lcp_nope"); kindOf(err) != catalog.KindNotFound {
			t.Errorf("archive unknown: %v", err)
		}
		// The archive frees the currency.
		if _, err := st.CreateLocalizedPrice(ctx, tn, byCurrency.ID, rule(700, "EUR")); err != nil {
			t.Errorf("EUR again after the archive: %v", err)
		}
		list, err := items(st.ListLocalizedPrices(ctx, tn, byCountry.ID))
		if err != nil || len(list) != 2 || list[1].ID != de.ID {
			t.Errorf("list: %+v %v", list, err)
		}
		if list, err := items(st.ListLocalizedPrices(ctx, tn, none.ID)); err != nil || len(list) != 0 {
			t.Errorf("empty list: %+v %v", list, err)
		}

		// An archived product takes no new rule and no change.
		must(st.ArchiveProduct(ctx, tn, byCountry.ID))
		if _, err := st.CreateLocalizedPrice(ctx, tn, byCountry.ID, rule(1, "EUR", "FR")); kindOf(err) != catalog.KindGone {
			t.Errorf("create on archived product: %v", err)
		}
		if _, err := st.UpdateLocalizedPrice(ctx, tn, byCountry.ID, de.ID, &catalog.LocalizedPricePatch{Amount: ptr(int64(1))}); kindOf(err) != catalog.KindGone {
			t.Errorf("update on archived product: %v", err)
		}
	})
}

// TestPricingModeChangeArchivesRules: a product update archives, in its
// transaction, exactly the rules that no longer apply, and records them.
func TestPricingModeChangeArchivesRules(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		p := priced(t, st, tn, catalog.ByCurrency)
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		active := func() []string {
			t.Helper()
			l, err := items(st.ListLocalizedPrices(ctx, tn, p.ID))
			must(err)
			var out []string
			for _, lp := range l {
				c := lp.Currency
				if lp.CountryCode != nil {
					c += "/" + *lp.CountryCode
				}
				out = append(out, c)
			}
			return out
		}
		for _, c := range []string{"EUR", "GBP"} {
			_, err := st.CreateLocalizedPrice(ctx, tn, p.ID, rule(900, c))
			must(err)
		}
		// A change of anything else keeps the rules.
		must(st.UpdateProduct(ctx, tn, p.ID, &catalog.ProductPatch{Name: ptr("Renamed"), PricingMode: catalog.Some(catalog.ByCurrency)}))
		if got := fmt.Sprint(active()); got != "[GBP EUR]" {
			t.Fatalf("after rename: %s", got)
		}
		// The base currency becomes EUR: the EUR rule would duplicate it.
		price := p.Price
		price.Currency = "EUR"
		must(st.UpdateProduct(ctx, tn, p.ID, &catalog.ProductPatch{Price: &price}))
		if got := fmt.Sprint(active()); got != "[GBP]" {
			t.Fatalf("after the base currency changed: %s", got)
		}
		// by_country: every by_currency rule goes.
		must(st.UpdateProduct(ctx, tn, p.ID, &catalog.ProductPatch{PricingMode: catalog.Some(catalog.ByCountry)}))
		if got := active(); len(got) != 0 {
			t.Fatalf("after by_country: %v", got)
		}
		_, err := st.CreateLocalizedPrice(ctx, tn, p.ID, rule(900, "INR", "IN"))
		must(err)
		// pay what you want: no rule applies.
		pwyw := price
		pwyw.PayWhatYouWant = true
		must(st.UpdateProduct(ctx, tn, p.ID, &catalog.ProductPatch{Price: &pwyw}))
		if got := active(); len(got) != 0 {
			t.Fatalf("after pay what you want: %v", got)
		}
		must(st.UpdateProduct(ctx, tn, p.ID, &catalog.ProductPatch{Price: &price}))
		_, err = st.CreateLocalizedPrice(ctx, tn, p.ID, rule(900, "INR", "IN"))
		must(err)
		// null: base price only.
		must(st.UpdateProduct(ctx, tn, p.ID, &catalog.ProductPatch{PricingMode: catalog.Null[string]()}))
		if got := active(); len(got) != 0 {
			t.Fatalf("after null: %v", got)
		}
		var archived int
		for _, e := range events(t, st, tn, catalog.EventFilter{Type: "localized_price.archived"}) {
			archived++
			if e.ObjectKind != "localized_price" || len(e.Data) == 0 {
				t.Errorf("event %+v", e)
			}
		}
		if archived != 4 {
			t.Errorf("%d archive events, want 4 (EUR, GBP, IN twice)", archived)
		}
	})
}

// TestLocalizedPriceRace creates the same rule from many goroutines, by
// currency and by country: the partial unique indexes let exactly one win
// on both engines.
func TestLocalizedPriceRace(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		for _, mode := range []string{catalog.ByCurrency, catalog.ByCountry} {
			p := priced(t, st, tn, mode)
			const n = 12
			errs := make([]error, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					in := rule(int64(100+i), "EUR")
					if mode == catalog.ByCountry {
						// Another currency each: the country alone clashes.
						in = rule(int64(100+i), []string{"EUR", "USD", "GBP"}[i%3], "DE")
					}
					_, errs[i] = st.CreateLocalizedPrice(ctx, tn, p.ID, in)
				}()
			}
			close(start)
			wg.Wait()
			won := 0
			for _, err := range errs {
				switch {
				case err == nil:
					won++
				case kindOf(err) != catalog.KindConflict || reasonOf(err) != catalog.LocalizedPriceTaken:
					t.Errorf("%s loser: %v", mode, err)
				}
			}
			list, _ := items(st.ListLocalizedPrices(ctx, tn, p.ID))
			if won != 1 || len(list) != 1 {
				t.Errorf("%s: %d creates won, %d stored; want 1 and 1", mode, won, len(list))
			}
		}
	})
}
