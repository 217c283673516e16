package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

func newBrand(t *testing.T, st *store.Store, tn catalog.Tenant, name string) *catalog.Brand {
	t.Helper()
	b, err := st.CreateBrand(context.Background(), tn, &catalog.BrandPatch{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBrandLifecycle(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		bare, err := st.CreateBrand(ctx, tn, &catalog.BrandPatch{})
		if err != nil {
			t.Fatal(err)
		}
		if bare.Name != nil || bare.StatementDescriptor != "TEST BUSINESS" || bare.VerificationStatus != "Review" || !bare.Enabled || bare.Primary {
			t.Errorf("bare brand = %+v", bare)
		}
		b := newBrand(t, st, tn, "Acme Tools")
		if b.StatementDescriptor != "ACME TOOLS" || b.BusinessID != tn.BusinessID || b.ID[:5] != "brnd_" {
			t.Errorf("named brand = %+v", b)
		}
		desc, email, url := "Hammers", "help@acme.test", "https://acme.test/x"
		got, err := st.UpdateBrand(ctx, tn, b.ID, &catalog.BrandPatch{Description: &desc, SupportEmail: &email, URL: &url})
		if err != nil || *got.Description != desc || *got.SupportEmail != email || *got.URL != url || *got.Name != "Acme Tools" {
			t.Fatalf("update: %+v %v", got, err)
		}
		empty := ""
		got, err = st.UpdateBrand(ctx, tn, b.ID, &catalog.BrandPatch{Description: &empty})
		if err != nil || got.Description != nil || got.URL == nil {
			t.Errorf("empty description should clear only it: %+v %v", got, err)
		}
		read, _ := st.GetBrand(ctx, tn, b.ID)
		if read.Description != nil || *read.URL != url || read.UpdatedAt.Before(read.CreatedAt) {
			t.Errorf("read back %+v", read)
		}

		for name, u := range map[string]catalog.BrandPatch{
			"email":          {SupportEmail: name("Acme <help@acme.test>")},
			"url":            {URL: name("ftp://acme.test")},
			"relative url":   {URL: name("/acme")},
			"descriptor":     {StatementDescriptor: name("ABC")},
			"descriptor *":   {StatementDescriptor: name("ACME*TOOLS")},
			"descriptor 123": {StatementDescriptor: name("12345")},
			"empty name":     {Name: name("")},
		} {
			if _, err := st.UpdateBrand(ctx, tn, b.ID, &u); kindOf(err) != catalog.KindInvalid {
				t.Errorf("%s: %v", name, err)
			}
		}

		if _, err := st.UpdateBrand(ctx, tn, tn.BusinessID, &catalog.BrandPatch{Name: name("x")}); kindOf(err) != catalog.KindForbidden || reasonOf(err) != catalog.PrimaryBrandLocked {
			t.Errorf("primary update: %v", err)
		}
		if _, err := st.UpdateBrand(ctx, tn, tn.BusinessID, &catalog.BrandPatch{Name: name("")}); reasonOf(err) != catalog.PrimaryBrandLocked {
			t.Errorf("primary update with a bad field: %v", err)
		}

		list, _ := items(st.ListBrands(ctx, tn, catalog.BrandFilter{IncludeArchived: false}))
		if len(list) != 3 || list[0].ID != tn.BusinessID || !list[0].Primary || list[1].ID != bare.ID || list[2].ID != b.ID {
			t.Errorf("list = %v", brandIDs(list))
		}
		// Products and collections default to the primary brand and may
		// name another.
		p := oneTime("p", 1)
		if err := st.CreateProduct(ctx, tn, p); err != nil || p.BrandID != tn.BusinessID {
			t.Errorf("default brand %q %v", p.BrandID, err)
		}
		q := oneTime("q", 1)
		q.BrandID = b.ID
		if err := st.CreateProduct(ctx, tn, q); err != nil {
			t.Fatal(err)
		}
		if cid := newCollection(t, st, tn, group(nil, p.ID)); cid != "" {
			c, _ := st.GetCollection(ctx, tn, cid)
			if c.BrandID != tn.BusinessID {
				t.Errorf("collection brand %q", c.BrandID)
			}
		}
	})
}

func brandIDs(list []*catalog.Brand) []string {
	var ids []string
	for _, b := range list {
		ids = append(ids, b.ID)
	}
	return ids
}

func TestBrandIsolation(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a := storetest.Tenant(t, st)
		other := storetest.Tenant(t, st)
		live := catalog.Tenant{BusinessID: a.BusinessID, Mode: catalog.ModeLive}
		b := newBrand(t, st, a, "Acme")
		for name, tn := range map[string]catalog.Tenant{"other business": other, "other mode": live} {
			if _, err := st.GetBrand(ctx, tn, b.ID); kindOf(err) != catalog.KindNotFound {
				t.Errorf("%s get: %v", name, err)
			}
			if _, err := st.UpdateBrand(ctx, tn, b.ID, &catalog.BrandPatch{}); kindOf(err) != catalog.KindNotFound {
				t.Errorf("%s update: %v", name, err)
			}
			if _, err := st.ArchiveBrand(ctx, tn, b.ID, ""); kindOf(err) != catalog.KindNotFound {
				t.Errorf("%s archive: %v", name, err)
			}
			if list, _ := items(st.ListBrands(ctx, tn, catalog.BrandFilter{IncludeArchived: true})); len(list) != 1 || !list[0].Primary {
				t.Errorf("%s list = %v", name, brandIDs(list))
			}
		}
		// The live-mode primary brand is the same id as the test-mode one,
		// but a row of its own.
		if pb, err := st.GetBrand(ctx, live, a.BusinessID); err != nil || !pb.Primary {
			t.Errorf("live primary: %+v %v", pb, err)
		}
		// A brand of another business is no target.
		if _, err := st.ArchiveBrand(ctx, a, b.ID, other.BusinessID); kindOf(err) != catalog.KindInvalid {
			t.Errorf("foreign target: %v", err)
		}
	})
}

func TestBrandArchive(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		old, target := newBrand(t, st, tn, "Old"), newBrand(t, st, tn, "Target")
		var ids []string
		for i := 0; i < 3; i++ {
			p := oneTime("p", 1)
			p.BrandID = old.ID
			if err := st.CreateProduct(ctx, tn, p); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, p.ID)
		}
		if err := st.ArchiveProduct(ctx, tn, ids[2]); err != nil {
			t.Fatal(err)
		}
		c := &catalog.Collection{Name: "C", BrandID: old.ID}
		if err := st.CreateCollection(ctx, tn, c, []catalog.GroupInput{group(nil, ids[0])}); err != nil {
			t.Fatal(err)
		}
		for name, tc := range map[string]struct {
			id, to string
			reason catalog.Reason
			kind   catalog.Kind
		}{
			"no target":      {old.ID, "", catalog.Invalid, catalog.KindInvalid},
			"self":           {old.ID, old.ID, catalog.Invalid, catalog.KindInvalid},
			"unknown target": {old.ID, "brnd_nope", catalog.Invalid, catalog.KindInvalid},
			"primary":        {tn.BusinessID, target.ID, catalog.PrimaryBrandLocked, catalog.KindForbidden},
			"unknown":        {"brnd_nope", target.ID, catalog.Missing, catalog.KindNotFound},
		} {
			if _, err := st.ArchiveBrand(ctx, tn, tc.id, tc.to); kindOf(err) != tc.kind || reasonOf(err) != tc.reason {
				t.Errorf("%s: %v", name, err)
			}
		}
		if p, _ := st.GetProduct(ctx, tn, ids[0]); p.BrandID != old.ID {
			t.Fatalf("a rejected archive moved products")
		}

		res, err := st.ArchiveBrand(ctx, tn, old.ID, target.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.ProductsMoved != 3 || res.CollectionsMoved != 1 || res.SubscriptionsMoved != 0 || res.MovedTo != target.ID || res.ArchivedAt.IsZero() {
			t.Errorf("archive = %+v", res)
		}
		for _, id := range ids {
			if p, _ := st.GetProduct(ctx, tn, id); p.BrandID != target.ID {
				t.Errorf("product %s on %s after the move", id, p.BrandID)
			}
		}
		if got, _ := st.GetCollection(ctx, tn, c.ID); got.BrandID != target.ID {
			t.Errorf("collection on %s after the move", got.BrandID)
		}
		if _, err := st.ArchiveBrand(ctx, tn, old.ID, target.ID); kindOf(err) != catalog.KindConflict || reasonOf(err) != catalog.BrandAlreadyArchived {
			t.Errorf("second archive: %v", err)
		}
		if _, err := st.UpdateBrand(ctx, tn, old.ID, &catalog.BrandPatch{Name: name("x")}); reasonOf(err) != catalog.BrandArchived {
			t.Errorf("update archived: %v", err)
		}
		got, _ := st.GetBrand(ctx, tn, old.ID)
		if got.ArchivedAt == nil || !got.ArchivedAt.Equal(res.ArchivedAt) {
			t.Errorf("archived_at = %v, want %v", got.ArchivedAt, res.ArchivedAt)
		}
		if list, _ := items(st.ListBrands(ctx, tn, catalog.BrandFilter{IncludeArchived: false})); len(list) != 2 {
			t.Errorf("active list = %v", brandIDs(list))
		}
		if list, _ := items(st.ListBrands(ctx, tn, catalog.BrandFilter{IncludeArchived: true})); len(list) != 3 {
			t.Errorf("full list = %v", brandIDs(list))
		}
		// An archived brand takes nothing new.
		p := oneTime("late", 1)
		p.BrandID = old.ID
		if err := st.CreateProduct(ctx, tn, p); reasonOf(err) != catalog.BrandArchived {
			t.Errorf("product on archived brand: %v", err)
		}
		if _, err := st.ArchiveBrand(ctx, tn, target.ID, old.ID); reasonOf(err) != catalog.BrandArchived {
			t.Errorf("archived target: %v", err)
		}
		// An empty brand needs no target; the primary is a valid one.
		empty := newBrand(t, st, tn, "Empty")
		if res, err := st.ArchiveBrand(ctx, tn, empty.ID, ""); err != nil || res.MovedTo != "" || res.ProductsMoved != 0 {
			t.Errorf("empty archive: %+v %v", res, err)
		}
		if res, err := st.ArchiveBrand(ctx, tn, target.ID, tn.BusinessID); err != nil || res.ProductsMoved != 3 {
			t.Errorf("archive to primary: %+v %v", res, err)
		}
	})
}

// TestBrandArchiveCrossed archives two brands into each other at once: the
// locks are taken in id order, so one wins and the other finds its target
// archived, and no product is left on an archived brand.
func TestBrandArchiveCrossed(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		for round := 0; round < 5; round++ {
			x, y := newBrand(t, st, tn, "X"), newBrand(t, st, tn, "Y")
			for _, b := range []*catalog.Brand{x, y} {
				p := oneTime("p", 1)
				p.BrandID = b.ID
				if err := st.CreateProduct(ctx, tn, p); err != nil {
					t.Fatal(err)
				}
			}
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, pair := range [][2]string{{x.ID, y.ID}, {y.ID, x.ID}} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = st.ArchiveBrand(ctx, tn, pair[0], pair[1])
				}()
			}
			wg.Wait()
			if (errs[0] == nil) == (errs[1] == nil) {
				t.Fatalf("round %d: want exactly one success, got %v and %v", round, errs[0], errs[1])
			}
			for _, err := range errs {
				if err != nil && reasonOf(err) != catalog.BrandArchived {
					t.Errorf("loser: %v", err)
				}
			}
			list, _ := items(st.ListProducts(ctx, tn, catalog.ProductFilter{Page: catalog.Page{Size: 100}}))
			for _, p := range list {
				if b, _ := st.GetBrand(ctx, tn, p.BrandID); b.ArchivedAt != nil {
					t.Errorf("product %s left on archived brand %s", p.ID, b.ID)
				}
			}
		}
	})
}

// TestBrandArchiveWithProductWrites runs an archive beside PATCHes of the
// brand's products (a rename, a move to the target): whatever the
// interleaving, no request fails with a deadlock or another internal
// error, and the archive moves exactly the products still on the brand.
func TestBrandArchiveWithProductWrites(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		for round := 0; round < 8; round++ {
			old, target := newBrand(t, st, tn, "Old"), newBrand(t, st, tn, "Target")
			var ids []string
			for i := 0; i < 4; i++ {
				p := oneTime("p", 1)
				p.BrandID = old.ID
				if err := st.CreateProduct(ctx, tn, p); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, p.ID)
			}
			var wg sync.WaitGroup
			errs := make([]error, 5)
			run := func(i int, fn func() error) {
				wg.Add(1)
				go func() { defer wg.Done(); errs[i] = fn() }()
			}
			run(0, func() error { _, err := st.ArchiveBrand(ctx, tn, old.ID, target.ID); return err })
			for i, id := range ids {
				if i%2 == 0 {
					run(i+1, func() error { return st.UpdateProduct(ctx, tn, id, &catalog.ProductPatch{Name: name("renamed")}) })
				} else {
					run(i+1, func() error { return st.UpdateProduct(ctx, tn, id, &catalog.ProductPatch{BrandID: &target.ID}) })
				}
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("round %d, request %d: %v", round, i, err)
				}
			}
			for _, id := range ids {
				if p, _ := st.GetProduct(ctx, tn, id); p.BrandID != target.ID {
					t.Errorf("round %d: product %s on %s", round, id, p.BrandID)
				}
			}
		}
	})
}

// TestBrandArchiveWithProductsJoining creates products on, and moves
// products to, a brand while it is archived: each either fails with
// BRAND_NOT_ENABLED or lands before the archive and is moved with it, so
// no product is ever left on an archived brand.
func TestBrandArchiveWithProductsJoining(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		bad := 0
		for round := 0; round < 30; round++ {
			old, target := newBrand(t, st, tn, "Old"), newBrand(t, st, tn, "Target")
			var ids []string
			for i := 0; i < 3; i++ {
				p := oneTime("p", 1)
				if i == 0 {
					p.BrandID = old.ID
				}
				st.CreateProduct(ctx, tn, p)
				ids = append(ids, p.ID)
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			var touched []string
			wg.Add(1)
			go func() { defer wg.Done(); st.ArchiveBrand(ctx, tn, old.ID, target.ID) }()
			for i := 0; i < 4; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					q := oneTime("q", 1)
					q.BrandID = old.ID
					if err := st.CreateProduct(ctx, tn, q); err == nil {
						mu.Lock()
						touched = append(touched, q.ID)
						mu.Unlock()
					} else if reasonOf(err) != catalog.BrandArchived {
						t.Errorf("create: %v", err)
					}
				}()
			}
			for _, id := range ids {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := st.UpdateProduct(ctx, tn, id, &catalog.ProductPatch{BrandID: &old.ID}); err != nil && reasonOf(err) != catalog.BrandArchived {
						t.Errorf("update: %v", err)
					}
				}()
			}
			wg.Wait()
			for _, id := range append(touched, ids...) {
				if got, _ := st.GetProduct(ctx, tn, id); got.BrandID == old.ID {
					bad++
				}
			}
		}
		if bad > 0 {
			t.Errorf("products left on an archived brand: %d", bad)
		}
	})
}
