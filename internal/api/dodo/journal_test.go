package dodo_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// TestJournalHoldsTheRenderedObject: an event's data is the object exactly
// as the face answers a GET for it right after the write, and names the
// key that made the change (the request id comes from the request log,
// which this harness does not run).
func TestJournalHoldsTheRenderedObject(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		key := h.keys["a"]
		id := h.create(key, oneTimeBody)
		if r := h.do("PATCH", "/products/"+id, key, `{"name":"Renamed","metadata":{"k":"v"}}`); r.status != 200 {
			t.Fatalf("patch: %d %s", r.status, r.body)
		}
		got := h.do("GET", "/products/"+id, key, "")
		business := got.json(t)["business_id"].(string)
		list, err := st.ListEvents(context.Background(), catalog.Tenant{BusinessID: business, Mode: catalog.ModeTest},
			catalog.EventFilter{ObjectID: id, Limit: 10})
		if err != nil || len(list.Items) != 2 {
			t.Fatalf("events: %v %+v", err, list.Items)
		}
		latest := list.Items[0]
		if latest.Type != "product.updated" || latest.KeyID == "" {
			t.Errorf("latest event: %+v", latest)
		}
		var fromEvent, fromGet any
		json.Unmarshal(latest.Data, &fromEvent)
		json.Unmarshal(got.body, &fromGet)
		a, _ := json.Marshal(fromEvent)
		b, _ := json.Marshal(fromGet)
		if string(a) != string(b) {
			t.Errorf("event data differs from GET:\nevent %s\nget   %s", a, b)
		}
	})
}
