package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

func events(t *testing.T, st *store.Store, tn catalog.Tenant, f catalog.EventFilter) []catalog.Event {
	t.Helper()
	if f.Limit == 0 {
		f.Limit = 100
	}
	list, err := st.ListEvents(context.Background(), tn, f)
	if err != nil {
		t.Fatal(err)
	}
	return list.Items
}

// TestJournalRecordsCommittedWrites: each write records its event with
// who made it, in its own transaction; a failed write records nothing.
func TestJournalRecordsCommittedWrites(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		tn := storetest.Tenant(t, st)
		ctx := store.WithActor(context.Background(), store.Actor{KeyID: "key_1", RequestID: "req_1"})
		p := oneTime("Journaled", 100)
		if err := st.CreateProduct(ctx, tn, p); err != nil {
			t.Fatal(err)
		}
		name := "Renamed"
		if err := st.UpdateProduct(ctx, tn, p.ID, &catalog.ProductPatch{Name: &name}); err != nil {
			t.Fatal(err)
		}
		if err := st.ArchiveProduct(ctx, tn, p.ID); err != nil {
			t.Fatal(err)
		}
		if err := st.ArchiveProduct(ctx, tn, p.ID); err == nil {
			t.Fatal("archiving twice succeeded")
		}
		if err := st.UnarchiveProduct(ctx, tn, p.ID); err != nil {
			t.Fatal(err)
		}
		if err := st.UnarchiveProduct(ctx, tn, p.ID); err != nil { // no change: no event
			t.Fatal(err)
		}
		if err := st.CreateProduct(ctx, tn, &catalog.Product{Name: ""}); err == nil {
			t.Fatal("an invalid product was created")
		}
		got := events(t, st, tn, catalog.EventFilter{Ascending: true, Committed: true})
		want := []string{"product.created", "product.updated", "product.archived", "product.unarchived"}
		if len(got) != len(want) {
			t.Fatalf("%d events, want %v: %+v", len(got), want, got)
		}
		for i, e := range got {
			if e.Type != want[i] || e.ObjectID != p.ID || e.ObjectKind != "product" || e.KeyID != "key_1" || e.RequestID != "req_1" ||
				e.BusinessID != tn.BusinessID || e.Mode != tn.Mode || len(e.Data) == 0 {
				t.Errorf("event %d: %+v", i, e)
			}
			if i > 0 && !got[i-1].Position.Before(e.Position) {
				t.Errorf("event %d is not after event %d", i, i-1)
			}
		}
		desc := events(t, st, tn, catalog.EventFilter{})
		if desc[0].ID != got[3].ID {
			t.Errorf("newest first starts with %s, want %s", desc[0].Type, got[3].Type)
		}
		// Another partition sees none of it.
		other := storetest.Tenant(t, st)
		if n := len(events(t, st, other, catalog.EventFilter{})); n != 0 {
			t.Errorf("another tenant sees %d events", n)
		}
		// The object as it was: before its creation nothing, then each version.
		if _, ok, err := st.ObjectAsOf(ctx, tn, p.ID, got[0].CreatedAt.Add(-time.Microsecond)); ok || err != nil {
			t.Errorf("as of before the creation: %v %v", ok, err)
		}
		if e, ok, _ := st.ObjectAsOf(ctx, tn, p.ID, got[1].CreatedAt); !ok || e.ID != got[1].ID {
			t.Errorf("as of the update: %+v", e)
		}
	})
}

// TestJournalConsumersMissNothing: writers commit concurrently while a
// consumer reads the journal in commit order, each time after the last
// event it read. When the writers are done and the consumer has caught
// up, it has read every event exactly once. On PostgreSQL sequence
// numbers are taken in one order and committed in another; a consumer
// reading "after position P" without the journal's horizon skips events
// that commit late with a smaller position.
func TestJournalConsumersMissNothing(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		tn := storetest.Tenant(t, st)
		ctx := context.Background()
		const writers, each = 8, 25
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					if err := st.CreateProduct(ctx, tn, oneTime("w", int64(100+w*each+i))); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		seen := map[string]bool{}
		var after *catalog.EventPosition
		read := func() {
			for {
				list, err := st.ListEvents(ctx, tn, catalog.EventFilter{Ascending: true, After: after, Limit: 7})
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range list.Items {
					if seen[e.ID] {
						t.Fatalf("event %s read twice", e.ID)
					}
					seen[e.ID] = true
					pos := e.Position
					after = &pos
				}
				if !list.More {
					return
				}
			}
		}
		for {
			select {
			case <-done:
				// Other tests' transactions on the same PostgreSQL server
				// may hold the horizon back for a moment: catch up.
				for deadline := time.Now().Add(10 * time.Second); len(seen) < writers*each && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
					read()
				}
				if len(seen) != writers*each {
					t.Fatalf("the consumer read %d of %d events", len(seen), writers*each)
				}
				return
			default:
				read()
			}
		}
	})
}

// TestEveryWriteIsJournaled runs each write use case of both faces once
// and checks the journal holds exactly the expected events, in order.
func TestEveryWriteIsJournaled(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		var want []string
		expect := func(types ...string) { want = append(want, types...) }

		a := seat()
		must(st.CreateAddon(ctx, tn, a))
		_, err := st.UpdateAddon(ctx, tn, a.ID, &catalog.AddonPatch{Name: ptr("Seats")})
		must(err)
		expect("addon.created", "addon.updated")

		m := calls()
		must(st.CreateMeter(ctx, tn, m))
		must(st.SetMeterArchived(ctx, tn, m.ID, true))
		must(st.SetMeterArchived(ctx, tn, m.ID, true)) // no change, no event
		must(st.SetMeterArchived(ctx, tn, m.ID, false))
		expect("meter.created", "meter.archived", "meter.unarchived")

		e := flag("Pro")
		must(st.CreateEntitlement(ctx, tn, e))
		_, err = st.UpdateEntitlement(ctx, tn, e.ID, &catalog.EntitlementPatch{Name: ptr("Pro+")})
		must(err)
		must(st.DeleteEntitlement(ctx, tn, e.ID))
		expect("entitlement.created", "entitlement.updated", "entitlement.deleted")

		c := tokens("Tokens")
		must(st.CreateCreditEntitlement(ctx, tn, c))
		must(st.UpdateCreditEntitlement(ctx, tn, c.ID, &catalog.CreditEntitlementPatch{Name: ptr("Credits")}))
		must(st.DeleteCreditEntitlement(ctx, tn, c.ID))
		must(st.UndeleteCreditEntitlement(ctx, tn, c.ID))
		expect("credit_entitlement.created", "credit_entitlement.updated", "credit_entitlement.deleted", "credit_entitlement.undeleted")

		b, err := st.CreateBrand(ctx, tn, &catalog.BrandPatch{Name: ptr("Side")})
		must(err)
		_, err = st.UpdateBrand(ctx, tn, b.ID, &catalog.BrandPatch{Name: ptr("Side brand")})
		must(err)
		p := oneTime("On the side brand", 100)
		p.BrandID = b.ID
		must(st.CreateProduct(ctx, tn, p))
		_, err = st.ArchiveBrand(ctx, tn, b.ID, tn.BusinessID)
		must(err)
		expect("brand.created", "brand.updated", "product.created", "product.updated", "brand.archived")

		d := &catalog.Discount{Code: "SAVE10", Type: "percentage", Amount: 1000}
		must(st.CreateDiscount(ctx, tn, d))
		_, err = st.UpdateDiscount(ctx, tn, d.ID, &catalog.DiscountPatch{Name: ptr("Ten off")})
		must(err)
		_, err = st.RedeemDiscount(ctx, tn, "SAVE10")
		must(err)
		must(st.DeleteDiscount(ctx, tn, d.ID))
		expect("discount.created", "discount.updated", "discount.updated", "discount.deleted")

		// Uploads are no objects of their own: making and filling one
		// records nothing; attaching it changes its object.
		up, err := st.CreateImageUpload(ctx, tn, "addon", a.ID, false)
		must(err)
		_, err = st.StoreUpload(ctx, up.ID, "k", 1, "image/png", "00")
		must(err)
		_, err = st.UpdateAddon(ctx, tn, a.ID, &catalog.AddonPatch{ImageID: catalog.Some(up.ID)})
		must(err)
		expect("addon.updated")
		files := &catalog.Entitlement{Name: "Files", IntegrationType: "digital_files", Metadata: catalog.Metadata{},
			Config: catalog.IntegrationConfig{DigitalFileIDs: []string{}}}
		must(st.CreateEntitlement(ctx, tn, files))
		file := &catalog.Upload{ID: catalog.NewUUID(), FileName: "a.txt", BlobKey: "f", Size: 1}
		_, err = st.AddEntitlementFile(ctx, tn, files.ID, file)
		must(err)
		must(st.DeleteEntitlementFile(ctx, tn, files.ID, file.ID))
		expect("entitlement.created", "entitlement.updated", "entitlement.updated")

		wh := &catalog.WebhookEndpoint{URL: "https://hooks.example.com/in"}
		must(st.CreateWebhookEndpoint(ctx, tn, wh))
		_, err = st.UpdateWebhookEndpoint(ctx, tn, wh.ID, &catalog.WebhookEndpointPatch{Disabled: ptr(true)})
		must(err)
		_, err = st.UpdateWebhookEndpoint(ctx, tn, wh.ID, &catalog.WebhookEndpointPatch{Headers: map[string]string{"X-A": "1"}})
		must(err)
		must(st.DeleteWebhookEndpoint(ctx, tn, wh.ID))
		expect("webhook_endpoint.created", "webhook_endpoint.updated", "webhook_endpoint.updated", "webhook_endpoint.deleted")

		lpp := oneTime("Localized", 1000)
		lpp.PricingMode = ptr(catalog.ByCurrency)
		must(st.CreateProduct(ctx, tn, lpp))
		eur, err := st.CreateLocalizedPrice(ctx, tn, lpp.ID, &catalog.LocalizedPriceInput{Amount: ptr(int64(900)), Currency: ptr("EUR")})
		must(err)
		_, err = st.UpdateLocalizedPrice(ctx, tn, lpp.ID, eur.ID, &catalog.LocalizedPricePatch{Amount: ptr(int64(950))})
		must(err)
		_, err = st.UpdateLocalizedPrice(ctx, tn, lpp.ID, eur.ID, &catalog.LocalizedPricePatch{Amount: ptr(int64(950))}) // no change, no event
		must(err)
		must(st.ArchiveLocalizedPrice(ctx, tn, lpp.ID, eur.ID))
		must(st.ArchiveLocalizedPrice(ctx, tn, lpp.ID, eur.ID)) // already archived, no event
		_, err = st.CreateLocalizedPrice(ctx, tn, lpp.ID, &catalog.LocalizedPriceInput{Amount: ptr(int64(800)), Currency: ptr("GBP")})
		must(err)
		must(st.UpdateProduct(ctx, tn, lpp.ID, &catalog.ProductPatch{PricingMode: catalog.Some(catalog.ByCountry)}))
		expect("product.created", "localized_price.created", "localized_price.updated", "localized_price.archived",
			"localized_price.created", "product.updated", "localized_price.archived")

		ids := products(t, st, tn, 3)
		expect("product.created", "product.created", "product.created")
		col := newCollection(t, st, tn, group(name("Monthly"), ids[0]))
		must(st.UpdateCollection(ctx, tn, col, &catalog.CollectionPatch{Name: ptr("Plans 2")}))
		g, err := st.CreateGroup(ctx, tn, col, group(name("Yearly"), ids[1]))
		must(err)
		must(st.UpdateGroup(ctx, tn, col, g.ID, &catalog.GroupPatch{Name: catalog.Some("Annual")}))
		items, err := st.AddItems(ctx, tn, col, g.ID, []catalog.ItemInput{{ProductID: ids[2], Status: true}})
		must(err)
		must(st.UpdateItem(ctx, tn, col, g.ID, items[0].ID, false))
		must(st.DeleteItem(ctx, tn, col, g.ID, items[0].ID))
		must(st.DeleteGroup(ctx, tn, col, g.ID))
		must(st.ArchiveCollection(ctx, tn, col))
		_, err = st.UnarchiveCollection(ctx, tn, col)
		must(err)
		expect("product_collection.created", "product_collection.updated", "product_collection.updated", "product_collection.updated",
			"product_collection.updated", "product_collection.updated", "product_collection.updated", "product_collection.updated",
			"product_collection.archived", "product_collection.unarchived")

		must(st.CreateShortLink(ctx, tn, &catalog.ShortLink{ProductID: ids[0], Slug: "monthly", Params: map[string]string{"quantity": "2"}}))
		if err := st.CreateShortLink(ctx, tn, &catalog.ShortLink{ProductID: ids[1], Slug: "monthly"}); reasonOf(err) != catalog.SlugTaken {
			t.Fatalf("taken slug: %v", err) // and no event
		}
		expect("short_link.created")

		ds := &catalog.DataSource{Name: "Billing"}
		must(st.CreateDataSource(ctx, tn, ds))
		pl := &catalog.Plan{DataSourceID: ds.ID, Name: "Gold", IntervalCount: 1, IntervalUnit: "month"}
		must(st.CreatePlan(ctx, tn, pl))
		_, err = st.UpdatePlan(ctx, tn, pl.ID, &catalog.PlanPatch{Name: ptr("Platinum")})
		must(err)
		other := &catalog.Plan{DataSourceID: ds.ID, Name: "Silver", IntervalCount: 1, IntervalUnit: "month"}
		must(st.CreatePlan(ctx, tn, other))
		pg := &catalog.PlanGroup{Name: "Tiers"}
		must(st.CreatePlanGroup(ctx, tn, pg, []string{pl.ID, other.ID}))
		_, err = st.UpdatePlanGroup(ctx, tn, pg.ID, &catalog.PlanGroupPatch{Name: ptr("All tiers")})
		must(err)
		must(st.DeletePlan(ctx, tn, other.ID))
		must(st.DeletePlanGroup(ctx, tn, pg.ID))
		must(st.DeleteDataSource(ctx, tn, ds.ID))
		expect("data_source.created", "plan.created", "plan.updated", "plan.created", "plan_group.created", "plan_group.updated",
			"plan.deleted", "plan_group.deleted", "plan.deleted", "data_source.deleted")

		var got []string
		var after *catalog.EventPosition
		for {
			list, err := st.ListEvents(ctx, tn, catalog.EventFilter{Ascending: true, Committed: true, After: after, Limit: 50})
			must(err)
			for _, e := range list.Items {
				got = append(got, e.Type)
				pos := e.Position
				after = &pos
			}
			if !list.More {
				break
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%d events, want %d:\n got %v\nwant %v", len(got), len(want), got, want)
		}
		for _, typ := range got {
			if !catalog.EventTypes[typ] {
				t.Errorf("event type %s is not in catalog.EventTypes (webhook filters could not name it)", typ)
			}
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("event %d: %s, want %s", i, got[i], want[i])
			}
		}
	})
}

// TestPruneEvents: pruning removes the events older than the retention
// and keeps the rest.
func TestPruneEvents(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		now := time.Now().UTC()
		st.Now = func() time.Time { return now.Add(-48 * time.Hour) }
		if err := st.CreateProduct(ctx, tn, oneTime("old", 1)); err != nil {
			t.Fatal(err)
		}
		st.Now = func() time.Time { return now }
		if err := st.CreateProduct(ctx, tn, oneTime("new", 1)); err != nil {
			t.Fatal(err)
		}
		n, err := st.PruneEvents(ctx, 24*time.Hour)
		if err != nil || n != 1 {
			t.Fatalf("pruned %d, %v", n, err)
		}
		if left := events(t, st, tn, catalog.EventFilter{}); len(left) != 1 || left[0].CreatedAt != now.Truncate(time.Microsecond) {
			t.Errorf("left: %+v", left)
		}
	})
}

// TestHistoryDoesNotWaitForTheHorizon: while another transaction runs on
// the PostgreSQL server (any database: the horizon is cluster-wide), a
// consumer's ascending read waits below it, but an object's history lists
// every committed event.
func TestHistoryDoesNotWaitForTheHorizon(t *testing.T) {
	st, raw, _ := storetest.OpenRaw(t, store.Postgres)
	ctx := context.Background()
	tn := storetest.Tenant(t, st)
	long, err := raw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer long.Rollback()
	if _, err := long.Exec("SELECT pg_current_xact_id()"); err != nil { // takes an xid older than the write's
		t.Fatal(err)
	}
	p := oneTime("p", 1)
	if err := st.CreateProduct(ctx, tn, p); err != nil {
		t.Fatal(err)
	}
	if n := len(events(t, st, tn, catalog.EventFilter{Ascending: true})); n != 0 {
		t.Errorf("a consumer read %d events past a running transaction", n)
	}
	if n := len(events(t, st, tn, catalog.EventFilter{Ascending: true, Committed: true, ObjectID: p.ID})); n != 1 {
		t.Errorf("history holds %d events, want 1", n)
	}
}
