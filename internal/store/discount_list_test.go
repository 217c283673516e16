package store_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

func TestDiscountRedeemable(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		now := time.Now().UTC()
		expired := pct("OLD", 100)
		expired.ExpiresAt = discTime(now.Add(-time.Hour))
		future := pct("SOON", 100)
		future.StartsAt = discTime(now.Add(time.Hour))
		once := pct("ONCE", 100)
		once.UsageLimit = discInt(1)
		for _, d := range []*catalog.Discount{expired, future, once} {
			if err := st.CreateDiscount(ctx, tn, d); err != nil {
				t.Fatal(err)
			}
		}
		for code, want := range map[string]catalog.Reason{"old": catalog.DiscountExpired, "Soon": catalog.DiscountNotYetActive} {
			if _, err := st.GetDiscountByCode(ctx, tn, code); kindOf(err) != catalog.KindInvalid || reasonOf(err) != want {
				t.Errorf("%s: %v, want %s", code, err, want)
			}
		}
		if got, err := st.GetDiscountByCode(ctx, tn, "once"); err != nil || got.ID != once.ID {
			t.Fatalf("by lower-case code: %v", err)
		}
		if _, err := st.GetDiscountByCode(ctx, tn, "NOPE"); kindOf(err) != catalog.KindNotFound {
			t.Errorf("missing: %v", err)
		}
		if _, err := st.RedeemDiscount(ctx, tn, "ONCE"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.GetDiscountByCode(ctx, tn, "ONCE"); reasonOf(err) != catalog.DiscountUsedUp {
			t.Errorf("used up: %v", err)
		}
		if got, _ := st.GetDiscount(ctx, tn, once.ID); got.TimesUsed != 1 {
			t.Errorf("times_used = %d", got.TimesUsed)
		}
		// Raising the limit makes it redeemable again.
		if _, err := st.UpdateDiscount(ctx, tn, once.ID, &catalog.DiscountPatch{UsageLimit: discInt(5)}); err != nil {
			t.Fatal(err)
		}
		// Concurrent redemptions never exceed the limit.
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok := 0
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := st.RedeemDiscount(ctx, tn, "ONCE"); err == nil {
					mu.Lock()
					ok++
					mu.Unlock()
				} else if reasonOf(err) != catalog.DiscountUsedUp {
					t.Errorf("redeem: %v", err)
				}
			}()
		}
		wg.Wait()
		if got, _ := st.GetDiscount(ctx, tn, once.ID); ok != 4 || got.TimesUsed != 5 {
			t.Errorf("%d redemptions succeeded, times_used %d; want 4 and 5", ok, got.TimesUsed)
		}
	})
}

func discountCodes(list []*catalog.Discount) []string {
	var out []string
	for _, d := range list {
		out = append(out, d.Code)
	}
	slices.Sort(out)
	return out
}

func TestDiscountListFilters(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		ids := products(t, st, tn, 2)
		now := time.Now().UTC()
		all := pct("SUMMER10", 1000)
		onlyA := pct("SUMMER_A", 500)
		onlyA.RestrictedTo = []string{ids[0]}
		flat := &catalog.Discount{Code: "WINTER", Type: "flat", Amount: 1, RestrictedTo: []string{ids[1], ids[0]},
			CurrencyOptions: []catalog.CurrencyOption{{Currency: "USD", MaxAmountPossible: discInt(100)}}}
		old := pct("OLD50", 5000)
		old.ExpiresAt = discTime(now.Add(-time.Minute))
		for _, d := range []*catalog.Discount{all, onlyA, flat, old} {
			if err := st.CreateDiscount(ctx, tn, d); err != nil {
				t.Fatal(err)
			}
		}
		yes, no := true, false
		for name, tc := range map[string]struct {
			f    catalog.DiscountFilter
			want []string
		}{
			"all":              {catalog.DiscountFilter{}, []string{"OLD50", "SUMMER10", "SUMMER_A", "WINTER"}},
			"code partial":     {catalog.DiscountFilter{Code: "mmer"}, []string{"SUMMER10", "SUMMER_A"}},
			"code underscore":  {catalog.DiscountFilter{Code: "_"}, []string{"SUMMER_A"}},
			"code percent":     {catalog.DiscountFilter{Code: "%"}, nil},
			"flat":             {catalog.DiscountFilter{Type: "flat"}, []string{"WINTER"}},
			"percentage":       {catalog.DiscountFilter{Type: "percentage", Code: "summer"}, []string{"SUMMER10", "SUMMER_A"}},
			"active":           {catalog.DiscountFilter{Active: &yes}, []string{"SUMMER10", "SUMMER_A", "WINTER"}},
			"inactive":         {catalog.DiscountFilter{Active: &no}, []string{"OLD50"}},
			"product A":        {catalog.DiscountFilter{ProductID: ids[0]}, []string{"OLD50", "SUMMER10", "SUMMER_A", "WINTER"}},
			"product B":        {catalog.DiscountFilter{ProductID: ids[1]}, []string{"OLD50", "SUMMER10", "WINTER"}},
			"product B active": {catalog.DiscountFilter{ProductID: ids[1], Active: &yes, Type: "percentage"}, []string{"SUMMER10"}},
		} {
			tc.f.Page = catalog.Page{Size: 50}
			list, err := items(st.ListDiscounts(ctx, tn, tc.f))
			if err != nil {
				t.Fatal(err)
			}
			if got := discountCodes(list); !slices.Equal(got, tc.want) {
				t.Errorf("%s: %v, want %v", name, got, tc.want)
			}
		}
		list, _ := items(st.ListDiscounts(ctx, tn, catalog.DiscountFilter{Code: "WINTER", Page: catalog.Page{Size: 10}}))
		if !slices.Equal(list[0].RestrictedTo, []string{ids[1], ids[0]}) {
			t.Errorf("restricted_to order %v", list[0].RestrictedTo)
		}
		// Newest first, page by page.
		p0, _ := items(st.ListDiscounts(ctx, tn, catalog.DiscountFilter{Page: catalog.Page{Size: 3}}))
		p1, _ := items(st.ListDiscounts(ctx, tn, catalog.DiscountFilter{Page: catalog.Page{Size: 3, Number: 1}}))
		p2, _ := items(st.ListDiscounts(ctx, tn, catalog.DiscountFilter{Page: catalog.Page{Size: 3, Number: 2}}))
		if len(p0) != 3 || len(p1) != 1 || len(p2) != 0 || p0[0].ID != old.ID || p1[0].ID != all.ID {
			t.Errorf("pages %v %v %v", discountCodes(p0), discountCodes(p1), discountCodes(p2))
		}
	})
}

func TestDiscountUpdate(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		ids := products(t, st, tn, 2)
		now := time.Now().UTC().Truncate(time.Microsecond)
		d := pct("BASE", 1000)
		d.StartsAt, d.ExpiresAt = discTime(now.Add(-time.Hour)), discTime(now.Add(time.Hour))
		d.UsageLimit, d.PerCustomerLimit = discInt(10), discInt(2)
		d.RestrictedTo = []string{ids[0]}
		d.Metadata = catalog.Metadata{"k": []byte(`1.50`)}
		if err := st.CreateDiscount(ctx, tn, d); err != nil {
			t.Fatal(err)
		}
		got, err := st.UpdateDiscount(ctx, tn, d.ID, &catalog.DiscountPatch{Name: name("Renamed"), Code: name("new-code")})
		if err != nil || *got.Name != "Renamed" || got.Code != "NEW-CODE" || got.Amount != 1000 || !got.ExpiresAt.Equal(*d.ExpiresAt) ||
			*got.PerCustomerLimit != 2 || len(got.RestrictedTo) != 1 || string(got.Metadata["k"]) != "1.50" {
			t.Fatalf("plain update: %+v %v", got, err)
		}
		// Tri-state fields clear on null; replace-sets replace.
		got, err = st.UpdateDiscount(ctx, tn, d.ID, &catalog.DiscountPatch{StartsAt: catalog.Null[time.Time](),
			PerCustomerLimit: catalog.Null[int64](), RestrictedTo: &[]string{ids[1], ids[0]}, PreserveOnPlanChange: new(true)})
		if err != nil || got.StartsAt != nil || got.PerCustomerLimit != nil || !slices.Equal(got.RestrictedTo, []string{ids[1], ids[0]}) || !got.PreserveOnPlanChange {
			t.Fatalf("tri-state update: %+v %v", got, err)
		}
		got, err = st.UpdateDiscount(ctx, tn, d.ID, &catalog.DiscountPatch{RestrictedTo: &[]string{}})
		if err != nil || len(got.RestrictedTo) != 0 || got.PreserveOnPlanChange != true {
			t.Fatalf("clear restrictions: %+v %v", got, err)
		}
		// Merged results are re-validated; a failure changes nothing.
		for name, u := range map[string]*catalog.DiscountPatch{
			"per customer over usage":  {PerCustomerLimit: catalog.Some[int64](11)},
			"usage under per customer": {UsageLimit: discInt(1), PerCustomerLimit: catalog.Some[int64](2)},
			"to flat without options":  {Type: name("flat")},
			"over 100%":                {Amount: discInt(10001)},
			"starts after expiry":      {StartsAt: catalog.Some(now.Add(2 * time.Hour))},
			"unknown product":          {RestrictedTo: &[]string{"pdt_nope"}},
			"empty code":               {Code: name("")},
		} {
			if _, err := st.UpdateDiscount(ctx, tn, d.ID, u); kindOf(err) != catalog.KindInvalid {
				t.Errorf("%s: %v", name, err)
			}
		}
		got, _ = st.GetDiscount(ctx, tn, d.ID)
		if got.Type != "percentage" || got.Amount != 1000 || *got.UsageLimit != 10 || got.Code != "NEW-CODE" {
			t.Errorf("after rejected updates: %+v", got)
		}
		// Switching to flat with its options in the same patch works.
		got, err = st.UpdateDiscount(ctx, tn, d.ID, &catalog.DiscountPatch{Type: name("flat"),
			CurrencyOptions: &[]catalog.CurrencyOption{{Currency: "EUR", MaxAmountPossible: discInt(300), MinimumSubtotal: 1000}}})
		if err != nil || got.Type != "flat" || len(got.CurrencyOptions) != 1 || !got.CurrencyOptions[0].IsDefault {
			t.Errorf("to flat: %+v %v", got, err)
		}
	})
}
