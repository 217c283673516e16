package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

func products(t *testing.T, st *store.Store, tn catalog.Tenant, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		p := oneTime("p", int64(i))
		if err := st.CreateProduct(context.Background(), tn, p); err != nil {
			t.Fatal(err)
		}
		ids[i] = p.ID
	}
	return ids
}

func name(s string) *string { return &s }

func group(n *string, ids ...string) catalog.GroupInput {
	g := catalog.GroupInput{Name: n, Status: true}
	for _, id := range ids {
		g.Products = append(g.Products, catalog.ItemInput{ProductID: id, Status: true})
	}
	return g
}

func newCollection(t *testing.T, st *store.Store, tn catalog.Tenant, groups ...catalog.GroupInput) string {
	t.Helper()
	c := &catalog.Collection{Name: "Plans"}
	if err := st.CreateCollection(context.Background(), tn, c, groups); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func TestCollectionInvariants(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		ids := products(t, st, tn, 4)
		cid := newCollection(t, st, tn, group(name("Monthly"), ids[0], ids[1]), group(nil))

		p, _ := st.GetProduct(ctx, tn, ids[0])
		if p.CollectionID != cid {
			t.Errorf("product_collection_id = %q, want %q", p.CollectionID, cid)
		}
		// A product in one collection cannot join another.
		c2 := &catalog.Collection{Name: "Other"}
		err := st.CreateCollection(ctx, tn, c2, []catalog.GroupInput{group(nil, ids[2], ids[0])})
		if reasonOf(err) != catalog.ProductInOtherCollection {
			t.Fatalf("second collection: %v", err)
		}
		if list, _ := items(st.ListCollections(ctx, tn, catalog.CollectionFilter{Page: catalog.Page{Size: 10}})); len(list) != 1 {
			t.Errorf("a rejected create left %d collections", len(list))
		}
		// Named groups are unique; unnamed ones are not.
		if _, err := st.CreateGroup(ctx, tn, cid, group(name("Monthly"))); kindOf(err) != catalog.KindInvalid {
			t.Errorf("duplicate group name: %v", err)
		}
		if _, err := st.CreateGroup(ctx, tn, cid, group(nil)); err != nil {
			t.Errorf("second unnamed group: %v", err)
		}
		c, _ := st.GetCollection(ctx, tn, cid)
		if len(c.Groups) != 3 || c.Groups[0].Items[0].Product.Name != "p" {
			t.Fatalf("groups = %+v", c.Groups)
		}
		g0 := c.Groups[0]
		// The last product cannot be removed.
		if err := st.DeleteItem(ctx, tn, cid, g0.ID, g0.Items[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteItem(ctx, tn, cid, g0.ID, g0.Items[1].ID); reasonOf(err) != catalog.CollectionEmpty {
			t.Errorf("removing the last product: %v", err)
		}
		if err := st.DeleteGroup(ctx, tn, cid, g0.ID); reasonOf(err) != catalog.CollectionEmpty {
			t.Errorf("deleting the last group with products: %v", err)
		}
		if err := st.DeleteGroup(ctx, tn, cid, c.Groups[1].ID); err != nil {
			t.Errorf("deleting an empty group: %v", err)
		}
		// group_order must be a permutation.
		bad := []string{c.Groups[0].ID}
		if err := st.UpdateCollection(ctx, tn, cid, &catalog.CollectionPatch{GroupOrder: &bad}); kindOf(err) != catalog.KindInvalid {
			t.Errorf("partial group_order: %v", err)
		}
		order := []string{c.Groups[2].ID, c.Groups[0].ID}
		if err := st.UpdateCollection(ctx, tn, cid, &catalog.CollectionPatch{GroupOrder: &order}); err != nil {
			t.Fatal(err)
		}
		c, _ = st.GetCollection(ctx, tn, cid)
		if c.Groups[0].ID != order[0] {
			t.Errorf("group_order not applied")
		}
		// Unknown ids are not found.
		if err := st.DeleteItem(ctx, tn, cid, c.Groups[1].ID, catalog.NewUUID()); kindOf(err) != catalog.KindNotFound {
			t.Errorf("unknown item: %v", err)
		}
		// An archived product cannot be added.
		st.ArchiveProduct(ctx, tn, ids[3])
		if _, err := st.AddItems(ctx, tn, cid, c.Groups[0].ID, []catalog.ItemInput{{ProductID: ids[3], Status: true}}); kindOf(err) != catalog.KindInvalid {
			t.Errorf("archived product: %v", err)
		}
	})
}

func TestCollectionArchiveUnarchive(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		ids := products(t, st, tn, 3)
		cid := newCollection(t, st, tn, group(nil, ids[0], ids[1], ids[2]))
		if err := st.ArchiveCollection(ctx, tn, cid); err != nil {
			t.Fatal(err)
		}
		if err := st.ArchiveCollection(ctx, tn, cid); kindOf(err) != catalog.KindGone {
			t.Errorf("second archive: %v", err)
		}
		// While archived its products are free to join another collection.
		other := newCollection(t, st, tn, group(nil, ids[1]))
		st.ArchiveProduct(ctx, tn, ids[2])
		excluded, err := st.UnarchiveCollection(ctx, tn, cid)
		if err != nil {
			t.Fatal(err)
		}
		if len(excluded) != 2 {
			t.Errorf("excluded = %v, want the archived and the taken product", excluded)
		}
		p, _ := st.GetProduct(ctx, tn, ids[1])
		if p.CollectionID != other {
			t.Errorf("product moved back: %q", p.CollectionID)
		}
		c, _ := st.GetCollection(ctx, tn, cid)
		if c.Archived || len(c.Groups[0].Items) != 1 {
			t.Errorf("after unarchive: archived %v items %d", c.Archived, len(c.Groups[0].Items))
		}
	})
}

// race runs n copies of fn at once and returns their errors.
func race(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			errs[i] = fn(i)
		}(i)
	}
	close(start)
	wg.Wait()
	return errs
}

func TestCollectionRaces(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		ids := products(t, st, tn, 13)
		cid := newCollection(t, st, tn, group(nil, ids[0]))

		// Many requests race for one group name: exactly one wins.
		errs := race(10, func(int) error { _, err := st.CreateGroup(ctx, tn, cid, group(name("Annual"))); return err })
		if wins := countWins(t, errs, catalog.KindInvalid); wins != 1 {
			t.Errorf("%d requests created the group name", wins)
		}
		// Many new collections race for the same product: exactly one wins,
		// and the losers leave no collection behind.
		target := ids[1]
		errs = race(10, func(i int) error {
			return st.CreateCollection(ctx, tn, &catalog.Collection{Name: "race"}, []catalog.GroupInput{group(nil, ids[2+i], target)})
		})
		if wins := countWins(t, errs, catalog.KindInvalid); wins != 1 {
			t.Errorf("%d collections got the product", wins)
		}
		list, _ := items(st.ListCollections(ctx, tn, catalog.CollectionFilter{Page: catalog.Page{Size: 100}}))
		if len(list) != 2 {
			t.Errorf("%d collections exist, want 2", len(list))
		}
		// Concurrent removals never empty a collection.
		c, _ := st.GetCollection(ctx, tn, cid)
		g := c.Groups[0]
		if _, err := st.AddItems(ctx, tn, cid, g.ID, []catalog.ItemInput{{ProductID: ids[12], Status: true}}); err != nil {
			t.Fatal(err)
		}
		c, _ = st.GetCollection(ctx, tn, cid)
		items := c.Groups[0].Items
		errs = race(len(items), func(i int) error { return st.DeleteItem(ctx, tn, cid, g.ID, items[i].ID) })
		if wins := countWins(t, errs, catalog.KindInvalid); wins != 1 {
			t.Errorf("%d of %d removals succeeded", wins, len(items))
		}
		c, _ = st.GetCollection(ctx, tn, cid)
		if len(c.Groups[0].Items) != 1 {
			t.Errorf("collection has %d products", len(c.Groups[0].Items))
		}
	})
}

// countWins counts nil errors and fails on any error not of the losers' kind.
func countWins(t *testing.T, errs []error, loser catalog.Kind) int {
	t.Helper()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case kindOf(err) != loser:
			t.Errorf("unexpected error: %v", err)
		}
	}
	return wins
}
