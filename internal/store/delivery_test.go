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
