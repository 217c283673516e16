package store_test

import (
	"context"
	"testing"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// TestReadVersionsArePrecise: a product's write retires that product's
// answers and its tenant's lists, not another product's nor another
// tenant's; any other write, and a reset, retire the whole tenant; and a
// store that does not own its database trusts none. (Versions live in
// slots chosen by hash: two of these reads share one with a chance of
// about 1 in 16,000, which would fail this test once.)
func TestReadVersionsArePrecise(t *testing.T) {
	st, _, _ := storetest.OpenRaw(t, store.SQLite)
	ctx := context.Background()
	tn, other := storetest.Tenant(t, st), storetest.Tenant(t, st)
	a, b, c := oneTime("a", 1), oneTime("b", 1), oneTime("c", 1)
	for _, p := range []*catalog.Product{a, b} {
		if err := st.CreateProduct(ctx, tn, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.CreateProduct(ctx, other, c); err != nil {
		t.Fatal(err)
	}
	type read struct {
		tn     catalog.Tenant
		object string
	}
	reads := map[string]read{"a": {tn, a.ID}, "b": {tn, b.ID}, "list": {tn, ""}, "c": {other, c.ID}, "other list": {other, ""}}
	versions := func() map[string]uint64 {
		out := map[string]uint64{}
		for name, r := range reads {
			v, ok := st.ReadVersion(r.tn, r.object)
			if !ok {
				t.Fatal("the owner does not trust its read versions")
			}
			out[name] = v
		}
		return out
	}
	check := func(step string, write func() error, retired ...string) {
		t.Helper()
		before := versions()
		if err := write(); err != nil {
			t.Fatal(step, err)
		}
		after := versions()
		for name := range reads {
			want := false
			for _, r := range retired {
				want = want || r == name
			}
			if moved := after[name] != before[name]; moved != want {
				t.Errorf("%s: %s moved %v, want %v", step, name, moved, want)
			}
		}
	}
	name := "renamed"
	check("update a", func() error { return st.UpdateProduct(ctx, tn, a.ID, &catalog.ProductPatch{Name: &name}) }, "a", "list")
	check("archive b", func() error { return st.ArchiveProduct(ctx, tn, b.ID) }, "b", "list")
	check("an addon", func() error { return st.CreateAddon(ctx, tn, seat()) }, "a", "b", "list")
	check("reset the other", func() error { _, _, err := st.Reset(ctx, other); return err }, "c", "other list")
	check("a failed write", func() error {
		if err := st.UpdateProduct(ctx, tn, "pdt_missing", &catalog.ProductPatch{Name: &name}); kindOf(err) != catalog.KindNotFound {
			return err
		}
		return nil
	})

	if _, ok := storetest.Open(t, store.Postgres).ReadVersion(tn, a.ID); ok {
		t.Error("a PostgreSQL store trusts its read versions")
	}
}
