package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// TestWebhookDeliveryLog: attempts are listed newest first, only for the
// endpoint's own partition, and pruned by age.
func TestWebhookDeliveryLog(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		ep := catalog.WebhookEndpoint{URL: "https://example.com/hook"}
		if err := st.CreateWebhookEndpoint(ctx, tn, &ep); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC().Truncate(time.Second)
		for i, at := range []time.Time{now.Add(-48 * time.Hour), now} {
			st.Now = func() time.Time { return at }
			code := 500 + i
			if err := st.RecordWebhookDelivery(ctx, tn, &catalog.WebhookDelivery{EndpointID: ep.ID, EventID: "evt_x",
				EventType: "product.created", Attempt: i + 1, StatusCode: &code, Response: "r"}); err != nil {
				t.Fatal(err)
			}
		}
		l, err := st.ListWebhookDeliveries(ctx, tn, catalog.WebhookDeliveryFilter{EndpointID: ep.ID, Page: catalog.Page{Size: 10}})
		if err != nil || len(l.Items) != 2 || l.Items[0].Attempt != 2 || *l.Items[1].StatusCode != 500 {
			t.Fatalf("list: %v %+v", err, l.Items)
		}
		other := catalog.Tenant{BusinessID: tn.BusinessID, Mode: catalog.ModeLive}
		if _, err := st.ListWebhookDeliveries(ctx, other, catalog.WebhookDeliveryFilter{EndpointID: ep.ID, Page: catalog.Page{Size: 10}}); catalog.ErrorKind(err) != catalog.KindNotFound {
			t.Errorf("another partition: %v", err)
		}
		n, err := st.PruneWebhookDeliveries(ctx, now.Add(-24*time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("prune: %d %v", n, err)
		}
		if l, _ := st.ListWebhookDeliveries(ctx, tn, catalog.WebhookDeliveryFilter{EndpointID: ep.ID, Page: catalog.Page{Size: 10}}); len(l.Items) != 1 || l.Items[0].Attempt != 2 {
			t.Errorf("after pruning: %+v", l.Items)
		}
	})
}

// TestDeliveryDataReadsTheJournal: a delivery job that names its event
// sends the event's document as the journal holds it; one that carries
// its data (a test event) sends that; an event the journal no longer
// holds, or another partition's, is NotFound, which the worker logs as
// not sent.
func TestDeliveryDataReadsTheJournal(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn, other := storetest.Tenant(t, st), storetest.Tenant(t, st)
		if err := st.CreateProduct(ctx, tn, oneTime("Journaled", 100)); err != nil {
			t.Fatal(err)
		}
		list, err := st.ListEvents(ctx, tn, catalog.EventFilter{Limit: 1})
		if err != nil || len(list.Items) != 1 {
			t.Fatalf("events: %v, %v", list.Items, err)
		}
		e := list.Items[0]
		a := store.DeliveryArgs{EventID: e.ID, BusinessID: tn.BusinessID, Mode: string(tn.Mode), Type: e.Type}
		got, err := st.DeliveryData(ctx, a)
		if err != nil || string(got) != string(e.Data) {
			t.Fatalf("DeliveryData = %s, %v; want the event's document %s", got, err, e.Data)
		}
		carried := a
		carried.Data = []byte(`{"message":"test"}`)
		if got, err := st.DeliveryData(ctx, carried); err != nil || string(got) != `{"message":"test"}` {
			t.Fatalf("carried data: %s, %v", got, err)
		}
		for name, miss := range map[string]store.DeliveryArgs{
			"pruned":          {EventID: "evt_gone", BusinessID: tn.BusinessID, Mode: string(tn.Mode)},
			"other partition": {EventID: e.ID, BusinessID: other.BusinessID, Mode: string(other.Mode)},
		} {
			if _, err := st.DeliveryData(ctx, miss); catalog.ErrorKind(err) != catalog.KindNotFound {
				t.Errorf("%s: err %v, want NotFound", name, err)
			}
		}
	})
}
