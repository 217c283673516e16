package webhooks_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/pgtest"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
	"github.com/pricebook/pricebook/internal/webhooks"
)

// TestPrunedEventIsLoggedNotSent: a server restarted (so it holds no
// event documents in memory) finds queued deliveries whose events the
// retention pruned first. Each is logged as not sent, its job cancelled
// rather than retried, and nothing reaches the endpoint.
func TestPrunedEventIsLoggedNotSent(t *testing.T) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			dsn := filepath.Join(t.TempDir(), "pruned.db")
			if engine == store.Postgres {
				dsn = pgtest.DSN(t)
			}
			// The first server journals the events and queues their
			// deliveries, then stops before any is worked.
			first, err := store.Open(ctx, dsn, store.Options{Owner: true})
			if err != nil {
				t.Fatal(err)
			}
			if err := first.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			tn := storetest.Tenant(t, first)
			r := newReceiver(t, 0)
			e := r.endpoint(t, first, tn, catalog.WebhookEndpoint{})
			if err := first.CreateProduct(ctx, tn, &catalog.Product{Name: "Pruned", TaxCategory: "saas",
				Price: catalog.Price{Type: catalog.PriceOneTime, Currency: "USD", Price: 100}}); err != nil {
				t.Fatal(err)
			}
			if err := first.Close(); err != nil {
				t.Fatal(err)
			}

			st := storetest.OpenDSN(t, dsn, store.Options{Owner: true})
			if n, err := st.PruneEvents(ctx, 0); err != nil || n != 2 {
				t.Fatalf("pruned %d events (%v), want the endpoint's creation and the product's", n, err)
			}
			jobs, err := webhooks.Start(ctx, st, webhooks.Config{Schedule: []time.Duration{0, 0, 0}})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { jobs.Stop(context.Background()) })
			waitFor(t, "both jobs cancelled", func() bool {
				res, err := jobs.JobList(ctx, river.NewJobListParams().States(rivertype.JobStateCancelled))
				return err == nil && len(res.Jobs) == 2
			})
			log, err := st.ListWebhookDeliveries(ctx, tn, catalog.WebhookDeliveryFilter{EndpointID: e.ID, Page: catalog.Page{Size: 10}})
			if err != nil || len(log.Items) != 2 {
				t.Fatalf("delivery log: %d entries (%v), want one for each event", len(log.Items), err)
			}
			for _, d := range log.Items {
				if !strings.Contains(d.Error, "no longer in the journal") || d.StatusCode != nil || d.NextRetryAt != nil {
					t.Errorf("logged %+v, want not sent, no retry", d)
				}
			}
			if got := r.snapshot(); len(got) != 0 {
				t.Errorf("the endpoint received %d deliveries of pruned events", len(got))
			}
		})
	}
}
