package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

func ptr[T any](v T) *T { return &v }

func seat() *catalog.Addon {
	return &catalog.Addon{Name: "Seat", Price: 500, Currency: "USD", TaxCategory: "saas"}
}

func calls() *catalog.Meter {
	return &catalog.Meter{Name: "API calls", EventName: "api.call", MeasurementUnit: "calls",
		Aggregation: catalog.MeterAggregation{Type: "count"}}
}

func flag(name string) *catalog.Entitlement {
	return &catalog.Entitlement{Name: name, IntegrationType: "feature_flag",
		Config: catalog.IntegrationConfig{FeatureID: ptr("pro"), FeatureType: ptr("boolean")}}
}

func tokens(name string) *catalog.CreditEntitlement {
	return &catalog.CreditEntitlement{Name: name, Precision: 2, Unit: "tokens"}
}

// wantReason fails unless err is a *catalog.Error with reason and a
// message mentioning mention.
func wantReason(t *testing.T, what string, err error, reason catalog.Reason, mention string) {
	t.Helper()
	if reasonOf(err) != reason || !strings.Contains(err.Error(), mention) {
		t.Errorf("%s: got %v (reason %v), want %v mentioning %q", what, err, reasonOf(err), reason, mention)
	}
}

func TestAddons(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn, other := storetest.Tenant(t, st), storetest.Tenant(t, st)
		a := seat()
		a.Description = ptr("one more seat")
		if err := st.CreateAddon(ctx, tn, a); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(a.ID, "adn_") || a.BusinessID != tn.BusinessID {
			t.Errorf("created %+v", a)
		}
		got, err := st.GetAddon(ctx, tn, a.ID)
		if err != nil || got.Name != "Seat" || *got.Description != "one more seat" || !got.CreatedAt.Equal(a.CreatedAt) {
			t.Errorf("get: %+v %v", got, err)
		}
		for _, tn2 := range []catalog.Tenant{other, {BusinessID: tn.BusinessID, Mode: catalog.ModeLive}} {
			if _, err := st.GetAddon(ctx, tn2, a.ID); kindOf(err) != catalog.KindNotFound {
				t.Errorf("another tenant sees the addon: %v", err)
			}
		}
		up, err := st.UpdateAddon(ctx, tn, a.ID, &catalog.AddonPatch{Price: ptr(int64(900)), Currency: ptr("EUR")})
		if err != nil || up.Price != 900 || up.Currency != "EUR" || up.Name != "Seat" || !up.UpdatedAt.After(a.UpdatedAt) {
			t.Errorf("update: %+v %v", up, err)
		}
		for name, u := range map[string]*catalog.AddonPatch{
			"empty name": {Name: ptr("")}, "bad currency": {Currency: ptr("XYZ")}, "negative price": {Price: ptr(int64(-1))},
			"bad tax category": {TaxCategory: ptr("food")}, "long description": {Description: ptr(strings.Repeat("d", 1001))},
		} {
			if _, err := st.UpdateAddon(ctx, tn, a.ID, u); kindOf(err) != catalog.KindInvalid {
				t.Errorf("%s: %v", name, err)
			}
		}
		if got, _ := st.GetAddon(ctx, tn, a.ID); got.Price != 900 || got.Name != "Seat" {
			t.Errorf("rejected updates changed the addon: %+v", got)
		}
		bad := seat()
		bad.Name = strings.Repeat("n", 101)
		if err := st.CreateAddon(ctx, tn, bad); kindOf(err) != catalog.KindInvalid || !strings.Contains(err.Error(), "name") {
			t.Errorf("long name: %v", err)
		}
		b := seat()
		if err := st.CreateAddon(ctx, tn, b); err != nil {
			t.Fatal(err)
		}
		list, err := items(st.ListAddons(ctx, tn, catalog.AddonFilter{Page: catalog.Page{Size: 10}}))
		if err != nil || len(list) != 2 || list[0].ID != b.ID || list[1].ID != a.ID {
			t.Errorf("list (newest first): %v %v", list, err)
		}
		if page, _ := items(st.ListAddons(ctx, tn, catalog.AddonFilter{Page: catalog.Page{Size: 1, Number: 1}})); len(page) != 1 || page[0].ID != a.ID {
			t.Errorf("page 1: %v", page)
		}
		if list, _ := items(st.ListAddons(ctx, other, catalog.AddonFilter{Page: catalog.Page{Size: 10}})); len(list) != 0 {
			t.Errorf("another tenant lists %d addons", len(list))
		}
	})
}

func TestMeters(t *testing.T) {
	cond := func(key, op, value string) catalog.MeterCondition {
		return catalog.MeterCondition{Key: key, Operator: op, Value: json.RawMessage(value)}
	}
	nest := func(depth int) *catalog.MeterFilter {
		f := &catalog.MeterFilter{Conjunction: "and", Conditions: []catalog.MeterCondition{cond("k", "equals", `"v"`)}}
		for i := 1; i < depth; i++ {
			f = &catalog.MeterFilter{Conjunction: "or", Filters: []catalog.MeterFilter{*f}}
		}
		return f
	}
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		m := calls()
		m.Aggregation = catalog.MeterAggregation{Type: "sum", Key: ptr("tokens")}
		m.Filter = &catalog.MeterFilter{Conjunction: "or", Filters: []catalog.MeterFilter{
			{Conjunction: "and", Conditions: []catalog.MeterCondition{cond("region", "equals", `"eu"`), cond("n", "greater_than", `5.50`)}},
			*nest(2),
		}}
		if err := st.CreateMeter(ctx, tn, m); err != nil {
			t.Fatal(err)
		}
		got, err := st.GetMeter(ctx, tn, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(got.Filter)
		b, _ := json.Marshal(m.Filter)
		if string(a) != string(b) || *got.Aggregation.Key != "tokens" || !strings.HasPrefix(got.ID, "mtr_") {
			t.Errorf("round trip: %s != %s (%+v)", a, b, got)
		}
		bad := map[string]func(*catalog.Meter){
			"sum without key": func(m *catalog.Meter) { m.Aggregation = catalog.MeterAggregation{Type: "sum"} },
			"max with empty":  func(m *catalog.Meter) { m.Aggregation = catalog.MeterAggregation{Type: "max", Key: ptr("")} },
			"unknown type":    func(m *catalog.Meter) { m.Aggregation.Type = "avg" },
			"no event name":   func(m *catalog.Meter) { m.EventName = "" },
			"no unit":         func(m *catalog.Meter) { m.MeasurementUnit = "" },
			"four levels":     func(m *catalog.Meter) { m.Filter = nest(4) },
			"no clauses":      func(m *catalog.Meter) { m.Filter = &catalog.MeterFilter{Conjunction: "and"} },
			"eleven clauses":  func(m *catalog.Meter) { m.Filter = nest(1); m.Filter.Conditions = make([]catalog.MeterCondition, 11) },
			"bad conjunction": func(m *catalog.Meter) { m.Filter = nest(1); m.Filter.Conjunction = "xor" },
			"bad operator":    func(m *catalog.Meter) { m.Filter = nest(1); m.Filter.Conditions[0].Operator = "like" },
			"empty key":       func(m *catalog.Meter) { m.Filter = nest(1); m.Filter.Conditions[0].Key = "" },
			"object value":    func(m *catalog.Meter) { m.Filter = nest(1); m.Filter.Conditions[0].Value = json.RawMessage(`{}`) },
			"null value":      func(m *catalog.Meter) { m.Filter = nest(1); m.Filter.Conditions[0].Value = json.RawMessage(`null`) },
			"mixed clauses": func(m *catalog.Meter) {
				m.Filter = nest(2)
				m.Filter.Conditions = []catalog.MeterCondition{cond("a", "equals", "1")}
			},
			"deep eleven wide": func(m *catalog.Meter) {
				m.Filter = nest(3)
				m.Filter.Filters[0].Filters[0].Conditions = make([]catalog.MeterCondition, 11)
			},
		}
		for name, mut := range bad {
			m := calls()
			mut(m)
			if err := st.CreateMeter(ctx, tn, m); kindOf(err) != catalog.KindInvalid {
				t.Errorf("%s: %v", name, err)
			}
		}
		for depth := 1; depth <= 3; depth++ {
			ok := calls()
			ok.Filter = nest(depth)
			if err := st.CreateMeter(ctx, tn, ok); err != nil {
				t.Errorf("depth %d: %v", depth, err)
			}
		}
		if err := st.SetMeterArchived(ctx, tn, m.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := st.SetMeterArchived(ctx, tn, m.ID, true); err != nil {
			t.Errorf("archiving twice: %v", err)
		}
		active, _ := items(st.ListMeters(ctx, tn, catalog.MeterListFilter{Archived: false, Page: catalog.Page{Size: 10}}))
		archived, _ := items(st.ListMeters(ctx, tn, catalog.MeterListFilter{Archived: true, Page: catalog.Page{Size: 10}}))
		if len(active) != 3 || len(archived) != 1 || archived[0].ID != m.ID {
			t.Errorf("lists: %d active, %d archived", len(active), len(archived))
		}
		if got, err := st.GetMeter(ctx, tn, m.ID); err != nil || !got.Archived {
			t.Errorf("an archived meter is still readable: %v %v", got, err)
		}
		if err := st.SetMeterArchived(ctx, tn, m.ID, false); err != nil {
			t.Fatal(err)
		}
		if archived, _ := items(st.ListMeters(ctx, tn, catalog.MeterListFilter{Archived: true, Page: catalog.Page{Size: 10}})); len(archived) != 0 {
			t.Errorf("unarchive left %d archived", len(archived))
		}
		if err := st.SetMeterArchived(ctx, storetest.Tenant(t, st), m.ID, true); kindOf(err) != catalog.KindNotFound {
			t.Errorf("another tenant archived the meter: %v", err)
		}
	})
}
