package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// usage is a usage-based product billing the given meters.
func usage(name string, meters ...catalog.MeterPrice) *catalog.Product {
	return &catalog.Product{Name: name, TaxCategory: "saas", Price: catalog.Price{Type: catalog.PriceUsage, Currency: "USD",
		FixedPrice: 100, PaymentFrequencyCount: 1, PaymentFrequencyInterval: "Month", SubscriptionPeriodCount: 1,
		SubscriptionPeriodInterval: "Month", Meters: meters}}
}

// refFixture is one of each referenced kind in a tenant, plus spares.
type refFixture struct {
	addon, meter, archivedMeter, ent, deletedEnt, credit, deletedCredit string
	foreignAddon, foreignMeter, foreignEnt, foreignCredit               string
}

func newRefFixture(t *testing.T, st *store.Store, tn catalog.Tenant) refFixture {
	t.Helper()
	ctx := context.Background()
	var f refFixture
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, tn2 := range []catalog.Tenant{tn, {BusinessID: tn.BusinessID, Mode: catalog.ModeLive}} {
		a, m, e, c := seat(), calls(), flag("Pro"), tokens("Tokens")
		must(st.CreateAddon(ctx, tn2, a))
		must(st.CreateMeter(ctx, tn2, m))
		must(st.CreateEntitlement(ctx, tn2, e))
		must(st.CreateCreditEntitlement(ctx, tn2, c))
		if tn2 == tn {
			f.addon, f.meter, f.ent, f.credit = a.ID, m.ID, e.ID, c.ID
		} else {
			f.foreignAddon, f.foreignMeter, f.foreignEnt, f.foreignCredit = a.ID, m.ID, e.ID, c.ID
		}
	}
	m, e, c := calls(), flag("Gone"), tokens("Gone")
	must(st.CreateMeter(ctx, tn, m))
	must(st.SetMeterArchived(ctx, tn, m.ID, true))
	must(st.CreateEntitlement(ctx, tn, e))
	must(st.DeleteEntitlement(ctx, tn, e.ID))
	must(st.CreateCreditEntitlement(ctx, tn, c))
	must(st.DeleteCreditEntitlement(ctx, tn, c.ID))
	f.archivedMeter, f.deletedEnt, f.deletedCredit = m.ID, e.ID, c.ID
	return f
}

func grant(id string) catalog.CreditGrant {
	return catalog.CreditGrant{ID: catalog.NewUUID(), CreditEntitlementID: id, CreditsAmount: "10"}
}

func TestProductReferenceRules(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		f := newRefFixture(t, st, tn)
		meter := func(id string) catalog.MeterPrice { return catalog.MeterPrice{MeterID: id, PricePerUnit: ptr("0.5")} }
		linked := func(credit string) catalog.MeterPrice {
			return catalog.MeterPrice{MeterID: f.meter, CreditEntitlementID: &credit, MeterUnitsPerCredit: ptr("10")}
		}
		withAddons := func(ids ...string) *catalog.Product { p := monthly("a", 1); p.Addons = ids; return p }
		withGrants := func(ids ...string) *catalog.Product {
			p := oneTime("c", 1)
			for _, id := range ids {
				p.CreditEntitlements = append(p.CreditEntitlements, grant(id))
			}
			return p
		}
		withEnts := func(ids ...string) *catalog.Product { p := oneTime("e", 1); p.Entitlements = ids; return p }
		cases := []struct {
			name    string
			p       *catalog.Product
			reason  catalog.Reason
			mention string
		}{
			{"unknown addon", withAddons("adn_nope"), catalog.UnknownAddon, "adn_nope"},
			{"addon of live mode", withAddons(f.foreignAddon), catalog.UnknownAddon, f.foreignAddon},
			{"addon on a one-time product", func() *catalog.Product { p := oneTime("o", 1); p.Addons = []string{f.addon}; return p }(), catalog.Invalid, "subscription"},
			{"addon twice", withAddons(f.addon, f.addon), catalog.DuplicateAddon, "addons"},
			{"unknown meter", usage("u", meter("mtr_nope")), catalog.UnknownMeter, "mtr_nope"},
			{"meter of live mode", usage("u", meter(f.foreignMeter)), catalog.UnknownMeter, f.foreignMeter},
			{"archived meter", usage("u", meter(f.archivedMeter)), catalog.MeterArchived, f.archivedMeter},
			{"meter twice", usage("u", meter(f.meter), meter(f.meter)), catalog.DuplicateMeter, "price.meters"},
			{"meter credit without units", usage("u", catalog.MeterPrice{MeterID: f.meter, CreditEntitlementID: &f.credit}), catalog.Invalid, "meter_units_per_credit"},
			{"meter linked to an unknown credit", usage("u", linked("cde_nope")), catalog.UnknownCreditEntitlement, "cde_nope"},
			{"meter linked to a deleted credit", usage("u", linked(f.deletedCredit)), catalog.CreditEntitlementDeleted, f.deletedCredit},
			{"unknown credit", withGrants("cde_nope"), catalog.UnknownCreditEntitlement, "cde_nope"},
			{"credit of live mode", withGrants(f.foreignCredit), catalog.UnknownCreditEntitlement, f.foreignCredit},
			{"deleted credit", withGrants(f.deletedCredit), catalog.CreditEntitlementDeleted, f.deletedCredit},
			{"credit twice", withGrants(f.credit, f.credit), catalog.Invalid, "credit_entitlements"},
			{"unknown entitlement", withEnts("ent_nope"), catalog.UnknownEntitlement, "ent_nope"},
			{"entitlement of live mode", withEnts(f.foreignEnt), catalog.UnknownEntitlement, f.foreignEnt},
			{"deleted entitlement", withEnts(f.deletedEnt), catalog.UnknownEntitlement, f.deletedEnt},
			{"entitlement twice", withEnts(f.ent, f.ent), catalog.Invalid, "entitlements"},
		}
		for _, c := range cases {
			wantReason(t, "create: "+c.name, st.CreateProduct(ctx, tn, c.p), c.reason, c.mention)
		}
		// The same rules hold for a PATCH that adds the reference.
		base := usage("base", meter(f.meter))
		if err := st.CreateProduct(ctx, tn, base); err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			u := &catalog.ProductPatch{Price: &c.p.Price}
			if c.p.Addons != nil {
				u.Addons = &c.p.Addons
			}
			if c.p.CreditEntitlements != nil {
				u.CreditEntitlements, u.Price = &c.p.CreditEntitlements, nil
			}
			if c.p.Entitlements != nil {
				u.Entitlements, u.Price = &c.p.Entitlements, nil
			}
			wantReason(t, "update: "+c.name, st.UpdateProduct(ctx, tn, base.ID, u), c.reason, c.mention)
		}
		if list, _ := items(st.ListProducts(ctx, tn, catalog.ProductFilter{Page: catalog.Page{Size: 100}})); len(list) != 1 {
			t.Errorf("rejected creates wrote %d products", len(list)-1)
		}
		got, _ := st.GetProduct(ctx, tn, base.ID)
		if got.Price.Type != catalog.PriceUsage || len(got.Price.Meters) != 1 || got.Price.Meters[0].MeterID != f.meter || got.Addons != nil {
			t.Errorf("rejected updates changed the product: %+v", got)
		}

		// Everything valid together; an unarchived meter is usable again.
		if err := st.SetMeterArchived(ctx, tn, f.archivedMeter, false); err != nil {
			t.Fatal(err)
		}
		full := usage("full", meter(f.meter), linked(f.credit))
		full.Price.Meters[1].MeterID = f.archivedMeter
		full.Addons, full.Entitlements = []string{f.addon}, []string{f.ent}
		full.CreditEntitlements = []catalog.CreditGrant{grant(f.credit)}
		if err := st.CreateProduct(ctx, tn, full); err != nil {
			t.Fatalf("full product: %v", err)
		}
	})
}

func TestProductReferenceLimits(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		var credits, ents []string
		for i := 0; i < catalog.MaxCreditEntitlements+1; i++ {
			c := tokens(fmt.Sprint("c", i))
			if err := st.CreateCreditEntitlement(ctx, tn, c); err != nil {
				t.Fatal(err)
			}
			credits = append(credits, c.ID)
		}
		for i := 0; i < catalog.MaxEntitlements+1; i++ {
			e := flag(fmt.Sprint("e", i))
			if err := st.CreateEntitlement(ctx, tn, e); err != nil {
				t.Fatal(err)
			}
			ents = append(ents, e.ID)
		}
		p := oneTime("limits", 1)
		for _, id := range credits {
			p.CreditEntitlements = append(p.CreditEntitlements, grant(id))
		}
		wantReason(t, "six real credit entitlements", st.CreateProduct(ctx, tn, p), catalog.Invalid, "at most 5")
		p.CreditEntitlements = p.CreditEntitlements[:5]
		p.Entitlements = ents
		wantReason(t, "51 real entitlements", st.CreateProduct(ctx, tn, p), catalog.Invalid, "at most 50")
		p.Entitlements = ents[:50]
		if err := st.CreateProduct(ctx, tn, p); err != nil {
			t.Errorf("5 credit entitlements and 50 entitlements: %v", err)
		}
		refs, err := st.LoadProductRefs(ctx, tn, []*catalog.Product{p})
		if err != nil || len(refs.Credits) != 5 || len(refs.Entitlements) != 50 {
			t.Errorf("refs: %d credits, %d entitlements, %v", len(refs.Credits), len(refs.Entitlements), err)
		}
	})
}

// TestHeldReferences: references a product already holds stay valid when
// their targets are archived or deleted later, and render as they are now.
func TestHeldReferences(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		f := newRefFixture(t, st, tn)
		p := usage("held", catalog.MeterPrice{MeterID: f.meter})
		p.Entitlements = []string{f.ent}
		p.CreditEntitlements = []catalog.CreditGrant{grant(f.credit)}
		if err := st.CreateProduct(ctx, tn, p); err != nil {
			t.Fatal(err)
		}
		if err := st.SetMeterArchived(ctx, tn, f.meter, true); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteEntitlement(ctx, tn, f.ent); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteCreditEntitlement(ctx, tn, f.credit); err != nil {
			t.Fatal(err)
		}
		if err := st.UpdateProduct(ctx, tn, p.ID, &catalog.ProductPatch{Name: ptr("renamed"), Price: &p.Price}); err != nil {
			t.Errorf("a patch keeping held references: %v", err)
		}
		refs, err := st.LoadProductRefs(ctx, tn, []*catalog.Product{p})
		if err != nil {
			t.Fatal(err)
		}
		if m := refs.Meters[f.meter]; m == nil || !m.Archived || m.Name != "API calls" {
			t.Errorf("archived meter renders as it is: %+v", m)
		}
		if c := refs.Credits[f.credit]; c == nil || !c.Deleted || c.Unit != "tokens" {
			t.Errorf("deleted credit entitlement renders as it is: %+v", c)
		}
		if e := refs.Entitlements[f.ent]; e != nil {
			t.Errorf("a deleted entitlement is invisible, got %+v", e)
		}
		// Another product may not take them up.
		q := usage("new", catalog.MeterPrice{MeterID: f.meter})
		wantReason(t, "new product with the archived meter", st.CreateProduct(ctx, tn, q), catalog.MeterArchived, f.meter)
	})
}
