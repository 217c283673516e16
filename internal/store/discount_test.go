package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

func pct(code string, bps int64) *catalog.Discount {
	return &catalog.Discount{Code: code, Type: catalog.DiscountPercentage, Amount: bps}
}

func discInt(v int64) *int64 { return &v }

func discTime(t time.Time) *time.Time { return &t }

func TestDiscountRules(t *testing.T) {
	usd := func(max *int64, def bool) catalog.CurrencyOption {
		return catalog.CurrencyOption{Currency: "USD", MaxAmountPossible: max, IsDefault: def}
	}
	eur := catalog.CurrencyOption{Currency: "EUR", MaxAmountPossible: discInt(500)}
	now := time.Now().UTC()
	cases := []struct {
		name   string
		reason catalog.Reason
		path   string
		d      *catalog.Discount
	}{
		{"zero amount", catalog.Invalid, "amount", pct("AAA", 0)},
		{"over 100%", catalog.PercentageOverFull, "amount", pct("AAA", 10001)},
		{"flat_per_unit", catalog.DiscountTypeUnsupported, "type", &catalog.Discount{Code: "AAA", Type: "flat_per_unit", Amount: 1}},
		{"short code", catalog.Invalid, "code", pct("AB", 100)},
		{"long code", catalog.Invalid, "code", pct(strings.Repeat("A", 17), 100)},
		{"code with space", catalog.Invalid, "code", pct("SAVE 10", 100)},
		{"flat without options", catalog.CurrencyOptionInvalid, "currency_options", &catalog.Discount{Code: "AAA", Type: "flat", Amount: 1}},
		{"flat without deduction", catalog.CurrencyOptionInvalid, "currency_options[0].max_amount_possible",
			&catalog.Discount{Code: "AAA", Type: "flat", Amount: 1, CurrencyOptions: []catalog.CurrencyOption{usd(nil, true)}}},
		{"flat without default", catalog.CurrencyOptionInvalid, "currency_options",
			&catalog.Discount{Code: "AAA", Type: "flat", Amount: 1, CurrencyOptions: []catalog.CurrencyOption{usd(discInt(100), false), eur}}},
		{"two defaults", catalog.CurrencyOptionInvalid, "currency_options",
			&catalog.Discount{Code: "AAA", Type: "percentage", Amount: 1, CurrencyOptions: []catalog.CurrencyOption{usd(nil, true), {Currency: "EUR", IsDefault: true}}}},
		{"duplicate currency", catalog.CurrencyOptionInvalid, "currency_options[1].currency",
			&catalog.Discount{Code: "AAA", Type: "percentage", Amount: 1, CurrencyOptions: []catalog.CurrencyOption{usd(nil, true), usd(nil, false)}}},
		{"bad currency", catalog.Invalid, "currency_options[0].currency",
			&catalog.Discount{Code: "AAA", Type: "percentage", Amount: 1, CurrencyOptions: []catalog.CurrencyOption{{Currency: "usd"}}}},
		{"zero cap", catalog.Invalid, "currency_options[0].max_amount_possible",
			&catalog.Discount{Code: "AAA", Type: "percentage", Amount: 1, CurrencyOptions: []catalog.CurrencyOption{usd(discInt(0), true)}}},
		{"eligibility", catalog.Invalid, "customer_eligibility", &catalog.Discount{Code: "AAA", Type: "percentage", Amount: 1, CustomerEligibility: "vip"}},
		{"starts after expiry", catalog.Invalid, "starts_at", &catalog.Discount{Code: "AAA", Type: "percentage", Amount: 1, StartsAt: discTime(now), ExpiresAt: discTime(now)}},
		{"usage zero", catalog.Invalid, "usage_limit", &catalog.Discount{Code: "AAA", Type: "percentage", Amount: 1, UsageLimit: discInt(0)}},
		{"per customer over usage", catalog.Invalid, "per_customer_usage_limit", &catalog.Discount{Code: "AAA", Type: "percentage", Amount: 1, UsageLimit: discInt(2), PerCustomerLimit: discInt(3)}},
		{"cycles zero", catalog.Invalid, "subscription_cycles", &catalog.Discount{Code: "AAA", Type: "percentage", Amount: 1, SubscriptionCycles: discInt(0)}},
		{"duplicate product", catalog.Invalid, "restricted_to", &catalog.Discount{Code: "AAA", Type: "percentage", Amount: 1, RestrictedTo: []string{"pdt_x", "pdt_x"}}},
		{"unknown product", catalog.Invalid, "restricted_to", &catalog.Discount{Code: "AAA", Type: "percentage", Amount: 1, RestrictedTo: []string{"pdt_x"}}},
	}
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		for _, c := range cases {
			err := st.CreateDiscount(ctx, tn, c.d)
			if kindOf(err) != catalog.KindInvalid || reasonOf(err) != c.reason || !strings.Contains(err.Error(), c.path) {
				t.Errorf("%s: %v (reason %v), want %v at %s", c.name, err, reasonOf(err), c.reason, c.path)
			}
		}
		if list, _ := items(st.ListDiscounts(ctx, tn, catalog.DiscountFilter{Page: catalog.Page{Size: 50}})); len(list) != 0 {
			t.Errorf("rejected creates wrote %d discounts", len(list))
		}
		// A product of another tenant is unknown here.
		other := storetest.Tenant(t, st)
		theirs := products(t, st, other, 1)
		if err := st.CreateDiscount(ctx, tn, &catalog.Discount{Code: "AAA", Type: "percentage", Amount: 1, RestrictedTo: theirs}); reasonOf(err) != catalog.Invalid {
			t.Errorf("foreign product: %v", err)
		}
		// Edges that pass: 100 %, a flat with one option (its default),
		// a flat amount above 10000 (no percentage rule applies).
		full := pct("FULL", 10000)
		flat := &catalog.Discount{Code: "flat5", Type: "flat", Amount: 20000, CurrencyOptions: []catalog.CurrencyOption{usd(discInt(500), false)}}
		for _, d := range []*catalog.Discount{full, flat} {
			if err := st.CreateDiscount(ctx, tn, d); err != nil {
				t.Fatalf("%s: %v", d.Code, err)
			}
		}
		got, _ := st.GetDiscount(ctx, tn, flat.ID)
		if got.Code != "FLAT5" || !got.CurrencyOptions[0].IsDefault || got.CustomerEligibility != "any" || len(got.RestrictedTo) != 0 || got.Metadata == nil {
			t.Errorf("flat read back %+v", got)
		}
	})
}

func TestDiscountCodes(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		gen := pct("", 500)
		if err := st.CreateDiscount(ctx, tn, gen); err != nil {
			t.Fatal(err)
		}
		if len(gen.Code) != 16 || strings.ToUpper(gen.Code) != gen.Code || !strings.HasPrefix(gen.ID, "dsc_") {
			t.Errorf("generated code %q id %q", gen.Code, gen.ID)
		}
		d := pct("save10", 1000)
		if err := st.CreateDiscount(ctx, tn, d); err != nil || d.Code != "SAVE10" {
			t.Fatalf("create: %q %v", d.Code, err)
		}
		if err := st.CreateDiscount(ctx, tn, pct("Save10", 1)); reasonOf(err) != catalog.DiscountCodeTaken || kindOf(err) != catalog.KindInvalid {
			t.Errorf("duplicate: %v", err)
		}
		// Codes are per business and mode.
		live := catalog.Tenant{BusinessID: tn.BusinessID, Mode: catalog.ModeLive}
		if err := st.CreateDiscount(ctx, live, pct("SAVE10", 1)); err != nil {
			t.Errorf("same code in live mode: %v", err)
		}
		// Renaming onto a taken code fails and changes nothing.
		other := pct("OTHER", 1)
		st.CreateDiscount(ctx, tn, other)
		if _, err := st.UpdateDiscount(ctx, tn, other.ID, &catalog.DiscountPatch{Code: name("save10")}); reasonOf(err) != catalog.DiscountCodeTaken {
			t.Errorf("rename onto taken code: %v", err)
		}
		if got, _ := st.GetDiscount(ctx, tn, other.ID); got.Code != "OTHER" {
			t.Errorf("code after failed rename: %s", got.Code)
		}
		// Delete: 404 afterwards, and the code is free again.
		if err := st.DeleteDiscount(ctx, tn, d.ID); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteDiscount(ctx, tn, d.ID); kindOf(err) != catalog.KindNotFound {
			t.Errorf("second delete: %v", err)
		}
		if _, err := st.GetDiscount(ctx, tn, d.ID); kindOf(err) != catalog.KindNotFound {
			t.Errorf("get deleted: %v", err)
		}
		if _, err := st.GetDiscountByCode(ctx, tn, "SAVE10"); kindOf(err) != catalog.KindNotFound {
			t.Errorf("by code deleted: %v", err)
		}
		if _, err := st.UpdateDiscount(ctx, tn, d.ID, &catalog.DiscountPatch{}); kindOf(err) != catalog.KindNotFound {
			t.Errorf("update deleted: %v", err)
		}
		if err := st.CreateDiscount(ctx, tn, pct("SAVE10", 1)); err != nil {
			t.Errorf("reuse of a deleted code: %v", err)
		}
		if _, err := st.GetDiscount(ctx, storetest.Tenant(t, st), gen.ID); kindOf(err) != catalog.KindNotFound {
			t.Errorf("other business: %v", err)
		}
	})
}

// TestDiscountCodeRace creates one code from many goroutines: the unique
// index lets exactly one win on both engines.
func TestDiscountCodeRace(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		const n = 12
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[i] = st.CreateDiscount(ctx, tn, pct("RACE", int64(i+1)))
			}()
		}
		close(start)
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case reasonOf(err) != catalog.DiscountCodeTaken:
				t.Errorf("loser: %v", err)
			}
		}
		list, _ := items(st.ListDiscounts(ctx, tn, catalog.DiscountFilter{Code: "race", Page: catalog.Page{Size: 50}}))
		if won != 1 || len(list) != 1 {
			t.Errorf("%d creates won, %d stored; want 1 and 1", won, len(list))
		}
	})
}
