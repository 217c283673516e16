package e2e

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestWebhookDeliveriesThroughTheBinary: serve delivers a product's event
// to an endpoint failing once, retrying it on --webhook-retry-schedule
// with the same webhook-id, and still stops promptly on SIGTERM.
func TestWebhookDeliveriesThroughTheBinary(t *testing.T) {
	engines(t, func(t *testing.T, db string) {
		var mu sync.Mutex
		var ids []string
		recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			ids = append(ids, r.Header.Get("webhook-id"))
			if len(ids) == 1 {
				w.WriteHeader(http.StatusBadGateway)
			}
		}))
		t.Cleanup(recv.Close)
		cli(t, "migrate", "--db", db)
		key := cli(t, "keys", "create", "--mode", "test", "--new-business", "--db", db)
		s := start(t, db, "--webhook-retry-schedule", "0s,300ms")
		ctx := context.Background()
		var wh map[string]any
		// The endpoint's own creation is its first event: the journal row
		// and the endpoint commit together.
		if st, err := call(ctx, s.base, key, "POST", "/webhooks", map[string]any{"url": recv.URL}, &wh); err != nil || st != 200 {
			t.Fatalf("create webhook: %d %v", st, err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			mu.Lock()
			n := len(ids)
			mu.Unlock()
			if n >= 2 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d attempts arrived:\n%s", n, s.logs)
			}
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(500 * time.Millisecond)
		mu.Lock()
		if len(ids) != 2 || ids[0] != ids[1] || ids[0] == "" {
			t.Errorf("attempts: %v", ids)
		}
		mu.Unlock()
		var log map[string]any
		if st, err := call(ctx, s.base, key, "GET", "/_pricebook/v1/webhooks/"+wh["id"].(string)+"/deliveries", nil, &log); err != nil || st != 200 {
			t.Fatalf("deliveries: %d %v", st, err)
		}
		if data, _ := log["data"].([]any); len(data) != 2 {
			t.Errorf("delivery log: %v", log)
		}
		s.stop(t)
	})
}

// TestServerThatSendsNoDeliveries: a server started with
// --webhook-workers 0 answers writes and queues their deliveries but
// sends none; a server that does (beside it on PostgreSQL, after it on
// SQLite) sends every one of them.
func TestServerThatSendsNoDeliveries(t *testing.T) {
	engines(t, func(t *testing.T, db string) {
		var mu sync.Mutex
		got := map[string]int{}
		recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			got[r.Header.Get("webhook-id")]++
		}))
		t.Cleanup(recv.Close)
		received := func() map[string]int {
			mu.Lock()
			defer mu.Unlock()
			return maps.Clone(got)
		}
		cli(t, "migrate", "--db", db)
		key := cli(t, "keys", "create", "--mode", "test", "--new-business", "--db", db)
		quiet := start(t, db, "--webhook-workers", "0")
		ctx := context.Background()
		if st, err := call(ctx, quiet.base, key, "POST", "/webhooks", map[string]any{"url": recv.URL}, nil); err != nil || st != 200 {
			t.Fatalf("create webhook: %d %v", st, err)
		}
		for i := range 3 {
			if st, err := call(ctx, quiet.base, key, "POST", "/products", map[string]any{"name": fmt.Sprint("p", i), "tax_category": "saas",
				"price": map[string]any{"type": "one_time_price", "currency": "USD", "price": 100}}, nil); err != nil || st != 200 {
				t.Fatalf("create product: %d %v", st, err)
			}
		}
		var events struct {
			Data []struct {
				ID string `json:"id"`
			} `json:"data"`
		}
		if st, err := call(ctx, quiet.base, key, "GET", "/_pricebook/v1/events", nil, &events); err != nil || st != 200 || len(events.Data) != 4 {
			t.Fatalf("events: %d %v %+v", st, err, events)
		}
		// An immediate first attempt would have arrived well within this.
		time.Sleep(time.Second)
		if n := len(received()); n != 0 {
			t.Fatalf("the server with --webhook-workers 0 sent %d deliveries", n)
		}
		if !strings.HasPrefix(db, "postgres") {
			quiet.stop(t) // one server per SQLite file
		}
		start(t, db)
		deadline := time.Now().Add(30 * time.Second)
		for len(received()) < len(events.Data) {
			if time.Now().After(deadline) {
				t.Fatalf("delivered %v of %d events", received(), len(events.Data))
			}
			time.Sleep(50 * time.Millisecond)
		}
		r := received()
		for _, e := range events.Data {
			if r[e.ID] != 1 {
				t.Errorf("event %s delivered %d times", e.ID, r[e.ID])
			}
		}
	})
}
