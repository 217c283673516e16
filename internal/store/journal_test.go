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
		got := events(t, st, tn, catalog.EventFilter{Ascending: true})
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
				read()
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
