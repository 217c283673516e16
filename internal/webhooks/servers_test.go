package webhooks_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/pgtest"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
	"github.com/pricebook/pricebook/internal/webhooks"
)

// TestTwoServersShareTheWork: two servers' delivery workers over one
// PostgreSQL deliver every event exactly once between them (River locks
// each job to one worker), and an endpoint's rate_limit holds for both
// together, not for each.
func TestTwoServersShareTheWork(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	a, b := storetest.OpenDSN(t, dsn, store.Options{}), storetest.OpenDSN(t, dsn, store.Options{})
	tn := storetest.Tenant(t, a)
	var mu sync.Mutex
	got := map[string]int{}
	var limited []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path == "/limited" {
			limited = append(limited, time.Now())
			return
		}
		got[r.Header.Get("webhook-id")]++
	}))
	t.Cleanup(srv.Close)
	all := catalog.WebhookEndpoint{URL: srv.URL + "/all"}
	if err := a.CreateWebhookEndpoint(ctx, tn, &all); err != nil {
		t.Fatal(err)
	}
	two := 2
	lim := catalog.WebhookEndpoint{URL: srv.URL + "/limited", RateLimit: &two, FilterTypes: []string{"webhook_endpoint.updated"}}
	if err := b.CreateWebhookEndpoint(ctx, tn, &lim); err != nil {
		t.Fatal(err)
	}
	for _, st := range []*store.Store{a, b} {
		jobs, err := webhooks.Start(ctx, st, webhooks.Config{Schedule: []time.Duration{0}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { jobs.Stop(context.Background()) })
	}
	// Events written through both servers while both work: 40 updates of
	// all (to all only) and 10 of lim (to both).
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		st, id := []*store.Store{a, b}[i%2], all.ID
		if i%5 == 4 {
			id = lim.ID
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := "d"
			if _, err := st.UpdateWebhookEndpoint(ctx, tn, id, &catalog.WebhookEndpointPatch{Description: &d}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	events, err := a.ListEvents(ctx, tn, catalog.EventFilter{Limit: 200})
	if err != nil || len(events.Items) != 52 {
		t.Fatalf("journal: %d events, %v", len(events.Items), err)
	}
	waitFor(t, "every event at all and ten at the limited endpoint", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) == 52 && len(limited) == 10
	})
	time.Sleep(500 * time.Millisecond) // a second delivery would have come by now
	mu.Lock()
	defer mu.Unlock()
	for _, e := range events.Items {
		if got[e.ID] != 1 {
			t.Errorf("event %s (%s) delivered %d times", e.ID, e.Type, got[e.ID])
		}
	}
	// Ten at two a second with a burst of two: at least four seconds from
	// the first to the last; each server alone at two a second would take
	// about two.
	if span := limited[9].Sub(limited[0]); span < 3800*time.Millisecond {
		t.Errorf("ten deliveries at 2/s across two servers took %v", span)
	}
}
