package store

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/pricebook/pricebook/internal/catalog"
)

// TestCollectionEventsInOneTransaction: a group or item change hands its
// event the collection it holds (touchCollection) instead of the renderer
// reading it back. Several changes to one collection in one transaction
// (here a unit; a group commit is the same) must each record the
// collection as that change left it, not as the last one did.
func TestCollectionEventsInOneTransaction(t *testing.T) {
	openBoth(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		b, err := s.CreateBusiness(ctx, "Events")
		if err != nil {
			t.Fatal(err)
		}
		tn := catalog.Tenant{BusinessID: b.ID, Mode: catalog.ModeTest}
		var ps []string
		for i := range 4 {
			p := &catalog.Product{Name: "P", TaxCategory: "saas",
				Price: catalog.Price{Type: catalog.PriceOneTime, Currency: "USD", Price: int64(100 + i)}}
			if err := s.CreateProduct(ctx, tn, p); err != nil {
				t.Fatal(err)
			}
			ps = append(ps, p.ID)
		}
		base := "base"
		c := &catalog.Collection{Name: "C"}
		if err := s.CreateCollection(ctx, tn, c, []catalog.GroupInput{{Name: &base, Status: true,
			Products: []catalog.ItemInput{{ProductID: ps[0], Status: true}}}}); err != nil {
			t.Fatal(err)
		}
		first, err := s.GetCollection(ctx, tn, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		groupID := first.Groups[0].ID
		var want []string // the collection after each change, read in the transaction
		after := func(ctx context.Context) error {
			got, err := s.GetCollection(ctx, tn, c.ID)
			if err != nil {
				return err
			}
			js, err := json.Marshal(got)
			want = append(want, string(js))
			return err
		}
		g2 := "second"
		err = s.db.inUnit(ctx, func(ctx context.Context) error {
			items, err := s.AddItems(ctx, tn, c.ID, groupID, []catalog.ItemInput{{ProductID: ps[1], Status: true}})
			if err != nil {
				return err
			}
			if err := after(ctx); err != nil {
				return err
			}
			if _, err := s.CreateGroup(ctx, tn, c.ID, catalog.GroupInput{Name: &g2, Status: false,
				Products: []catalog.ItemInput{{ProductID: ps[2], Status: true}}}); err != nil {
				return err
			}
			if err := after(ctx); err != nil {
				return err
			}
			if err := s.UpdateItem(ctx, tn, c.ID, groupID, items[0].ID, false); err != nil {
				return err
			}
			if err := after(ctx); err != nil {
				return err
			}
			// A failing change in the same transaction records nothing.
			if _, err := s.AddItems(ctx, tn, c.ID, groupID, []catalog.ItemInput{{ProductID: ps[2], Status: true}}); err == nil {
				t.Error("a product joined a second group")
			}
			if err := s.DeleteItem(ctx, tn, c.ID, groupID, items[0].ID); err != nil {
				return err
			}
			return after(ctx)
		}, func(context.Context, *tx) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		list, err := s.ListEvents(ctx, tn, catalog.EventFilter{ObjectID: c.ID, Ascending: true, Committed: true, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		evs := list.Items[1:] // after the creation
		if len(evs) != len(want) {
			t.Fatalf("%d events after the creation, want %d", len(evs), len(want))
		}
		for i, e := range evs {
			if string(e.Data) != want[i] {
				t.Errorf("event %d (%s):\n got %s\nwant %s", i, e.Detail, e.Data, want[i])
			}
		}
	})
}
