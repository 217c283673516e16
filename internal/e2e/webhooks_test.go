package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
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
