package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

func TestCreditEntitlements(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		c := tokens("Tokens")
		c.OverageEnabled, c.PricePerUnit, c.Currency = true, ptr("0.01"), ptr("USD")
		c.RolloverTimeframeCount, c.RolloverTimeframeInterval = ptr(int64(2)), ptr("Month")
		if err := st.CreateCreditEntitlement(ctx, tn, c); err != nil {
			t.Fatal(err)
		}
		got, err := st.GetCreditEntitlement(ctx, tn, c.ID)
		if err != nil || got.OverageBehavior != "forgive_at_reset" || *got.PricePerUnit != "0.01" || got.Precision != 2 {
			t.Errorf("get: %+v %v", got, err)
		}
		bad := map[string]func(*catalog.CreditEntitlement){
			"precision 11":           func(c *catalog.CreditEntitlement) { c.Precision = 11 },
			"empty unit":             func(c *catalog.CreditEntitlement) { c.Unit = "" },
			"unit of 51":             func(c *catalog.CreditEntitlement) { c.Unit = fmt.Sprintf("%051d", 0) },
			"name of 256":            func(c *catalog.CreditEntitlement) { c.Name = fmt.Sprintf("%0256d", 0) },
			"overage without price":  func(c *catalog.CreditEntitlement) { c.OverageEnabled = true },
			"price without currency": func(c *catalog.CreditEntitlement) { c.PricePerUnit = ptr("1") },
			"timeframe count alone":  func(c *catalog.CreditEntitlement) { c.RolloverTimeframeCount = ptr(int64(1)) },
			"rollover 101 percent":   func(c *catalog.CreditEntitlement) { c.RolloverPercentage = ptr(int64(101)) },
			"bad behaviour":          func(c *catalog.CreditEntitlement) { c.OverageBehavior = "ignore" },
			"zero price":             func(c *catalog.CreditEntitlement) { c.PricePerUnit, c.Currency = ptr("0"), ptr("USD") },
		}
		for name, mut := range bad {
			c := tokens("bad " + name)
			mut(c)
			if err := st.CreateCreditEntitlement(ctx, tn, c); kindOf(err) != catalog.KindInvalid {
				t.Errorf("%s: %v", name, err)
			}
		}

		// PATCH: tri-state on nullable fields, validated on the merged state.
		patch := func(u catalog.CreditEntitlementPatch) error { return st.UpdateCreditEntitlement(ctx, tn, c.ID, &u) }
		wantReason(t, "clear currency, keep price", patch(catalog.CreditEntitlementPatch{Currency: catalog.Null[string]()}),
			catalog.Invalid, "currency")
		wantReason(t, "clear price while overage is on", patch(catalog.CreditEntitlementPatch{PricePerUnit: catalog.Null[string](), Currency: catalog.Null[string]()}),
			catalog.Invalid, "price_per_unit")
		wantReason(t, "clear one timeframe field", patch(catalog.CreditEntitlementPatch{RolloverTimeframeInterval: catalog.Null[string]()}),
			catalog.Invalid, "rollover_timeframe")
		wantReason(t, "change precision", patch(catalog.CreditEntitlementPatch{Precision: ptr(int64(3))}), catalog.Invalid, "precision")
		if err := patch(catalog.CreditEntitlementPatch{Precision: ptr(int64(2)), Description: catalog.Some("d")}); err != nil {
			t.Errorf("same precision: %v", err)
		}
		if err := patch(catalog.CreditEntitlementPatch{OverageEnabled: ptr(false), PricePerUnit: catalog.Null[string](),
			Currency: catalog.Null[string](), RolloverTimeframeCount: catalog.Null[int64](), RolloverTimeframeInterval: catalog.Null[string](),
			ExpiresAfterDays: catalog.Some(int64(30))}); err != nil {
			t.Fatalf("valid merged patch: %v", err)
		}
		got, _ = st.GetCreditEntitlement(ctx, tn, c.ID)
		if got.PricePerUnit != nil || got.Currency != nil || got.RolloverTimeframeCount != nil || got.OverageEnabled ||
			*got.ExpiresAfterDays != 30 || *got.Description != "d" || got.Name != "Tokens" {
			t.Errorf("after patch: %+v", got)
		}

		// Names are unique per tenant, deleted ones included.
		other := tokens("Other")
		if err := st.CreateCreditEntitlement(ctx, tn, other); err != nil {
			t.Fatal(err)
		}
		wantReason(t, "rename onto a taken name", patch(catalog.CreditEntitlementPatch{Name: ptr("Other")}), catalog.CreditEntitlementNameTaken, "Other")
		wantReason(t, "create a taken name", st.CreateCreditEntitlement(ctx, tn, tokens("Tokens")), catalog.CreditEntitlementNameTaken, "Tokens")
		if err := st.CreateCreditEntitlement(ctx, storetest.Tenant(t, st), tokens("Tokens")); err != nil {
			t.Errorf("another business may use the name: %v", err)
		}
		if err := st.CreateCreditEntitlement(ctx, catalog.Tenant{BusinessID: tn.BusinessID, Mode: catalog.ModeLive}, tokens("Tokens")); err != nil {
			t.Errorf("live mode may use the name: %v", err)
		}

		// Delete, 410 again, hidden, undelete with its settings.
		if err := st.DeleteCreditEntitlement(ctx, tn, c.ID); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteCreditEntitlement(ctx, tn, c.ID); kindOf(err) != catalog.KindGone || reasonOf(err) != catalog.CreditEntitlementDeleted {
			t.Errorf("second delete: %v", err)
		}
		if _, err := st.GetCreditEntitlement(ctx, tn, c.ID); kindOf(err) != catalog.KindNotFound {
			t.Errorf("get deleted: %v", err)
		}
		if err := patch(catalog.CreditEntitlementPatch{Unit: ptr("x")}); kindOf(err) != catalog.KindNotFound {
			t.Errorf("patch deleted: %v", err)
		}
		wantReason(t, "reuse a deleted name", st.CreateCreditEntitlement(ctx, tn, tokens("Tokens")), catalog.CreditEntitlementNameTaken, "Tokens")
		active, _ := items(st.ListCreditEntitlements(ctx, tn, catalog.CreditFilter{Page: catalog.Page{Size: 10}}))
		deleted, _ := items(st.ListCreditEntitlements(ctx, tn, catalog.CreditFilter{Deleted: true, Page: catalog.Page{Size: 10}}))
		if len(active) != 1 || active[0].ID != other.ID || len(deleted) != 1 || deleted[0].ID != c.ID {
			t.Errorf("lists: active %v deleted %v", active, deleted)
		}
		if err := st.UndeleteCreditEntitlement(ctx, tn, c.ID); err != nil {
			t.Fatal(err)
		}
		if got, err := st.GetCreditEntitlement(ctx, tn, c.ID); err != nil || *got.ExpiresAfterDays != 30 {
			t.Errorf("undeleted: %+v %v", got, err)
		}
		if err := st.UndeleteCreditEntitlement(ctx, tn, c.ID); reasonOf(err) != catalog.CreditEntitlementNotDeleted {
			t.Errorf("undelete of an active one: %v", err)
		}
		if err := st.UndeleteCreditEntitlement(ctx, tn, "cde_nope"); kindOf(err) != catalog.KindNotFound {
			t.Errorf("undelete of an unknown one: %v", err)
		}
		st.DeleteCreditEntitlement(ctx, tn, other.ID)
		if err := st.UndeleteCreditEntitlement(ctx, storetest.Tenant(t, st), other.ID); kindOf(err) != catalog.KindNotFound {
			t.Errorf("undelete by another business: %v", err)
		}
	})
}

// TestCreditNameRace: concurrent creates of one name, one wins, the rest
// are told the name is taken (the unique index decides on PostgreSQL).
func TestCreditNameRace(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		errs := race(12, func(int) error { return st.CreateCreditEntitlement(ctx, tn, tokens("Contended")) })
		if wins := countWins(t, errs, catalog.KindInvalid); wins != 1 {
			t.Errorf("%d creates won, want 1", wins)
		}
		for _, err := range errs {
			if err != nil && reasonOf(err) != catalog.CreditEntitlementNameTaken {
				t.Errorf("loser: %v", err)
			}
		}
		// Renames race the same way.
		var ids []string
		for i := 0; i < 8; i++ {
			c := tokens(fmt.Sprintf("r%d", i))
			if err := st.CreateCreditEntitlement(ctx, tn, c); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, c.ID)
		}
		errs = race(len(ids), func(i int) error {
			return st.UpdateCreditEntitlement(ctx, tn, ids[i], &catalog.CreditEntitlementPatch{Name: ptr("Renamed")})
		})
		if wins := countWins(t, errs, catalog.KindInvalid); wins != 1 {
			t.Errorf("%d renames won, want 1", wins)
		}
		list, _ := items(st.ListCreditEntitlements(ctx, tn, catalog.CreditFilter{Page: catalog.Page{Size: 100}}))
		if len(list) != 9 {
			t.Errorf("%d credit entitlements, want 9", len(list))
		}
	})
}
