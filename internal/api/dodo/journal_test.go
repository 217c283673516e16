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

// TestCreateAnswersWithTheJournaledProduct: a created product is answered
// with the document its event journaled, byte for byte what a GET answers
// right after, for a product that refers to nothing (rendered before the
// write) and one with an addon (rendered inside it).
func TestCreateAnswersWithTheJournaledProduct(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		key := h.keys["a"]
		addon := h.do("POST", "/addons", key, `{"name":"Seat","price":1,"currency":"USD","tax_category":"saas"}`)
		if addon.status != 200 {
			t.Fatalf("addon: %d %s", addon.status, addon.body)
		}
		withAddon := `{"name":"With addon","price":{"type":"recurring_price","currency":"USD","price":100,"payment_frequency_count":1,"payment_frequency_interval":"Month","subscription_period_count":1,"subscription_period_interval":"Year"},"tax_category":"saas","addons":["` +
			addon.json(t)["id"].(string) + `"]}`
		for name, body := range map[string]string{"no references": oneTimeBody, "an addon": withAddon} {
			created := h.do("POST", "/products", key, body)
			if created.status != 200 {
				t.Fatalf("%s: create %d %s", name, created.status, created.body)
			}
			m := created.json(t)
			id := m["product_id"].(string)
			got := h.do("GET", "/products/"+id, key, "")
			if string(created.body) != string(got.body) {
				t.Errorf("%s: create answered\n%s\nGET answers\n%s", name, created.body, got.body)
			}
			list, err := st.ListEvents(context.Background(), catalog.Tenant{BusinessID: m["business_id"].(string), Mode: catalog.ModeTest},
				catalog.EventFilter{ObjectID: id, Limit: 1})
			if err != nil || len(list.Items) != 1 || string(list.Items[0].Data)+"\n" != string(created.body) {
				t.Errorf("%s: the event's document is not the answer: %v %+v", name, err, list.Items)
			}
		}
	})
}
