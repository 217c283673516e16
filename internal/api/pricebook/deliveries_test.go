package pricebook_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
	"github.com/pricebook/pricebook/internal/webhooks"
)

// TestDeliveryLog: a product created through the Dodo face is delivered
// to a failing endpoint and retried; the attempts are listed, newest
// first, in pages.
func TestDeliveryLog(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		srv := server(t, st)
		keys := storetest.Keys(t, st)
		calls := 0
		recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var m map[string]any
			json.NewDecoder(r.Body).Decode(&m)
			if m["type"] != "product.created" {
				w.Write([]byte("ok"))
				return
			}
			calls++
			if calls == 1 {
				http.Error(w, "try again", http.StatusInternalServerError)
				return
			}
			w.Write([]byte("thanks"))
		}))
		t.Cleanup(recv.Close)
		_, wh := call(t, srv, "POST", "/webhooks", keys["a"], `{"url": "`+recv.URL+`"}`)
		id := wh["id"].(string)
		call(t, srv, "POST", "/products", keys["a"], product)
		jobs, err := webhooks.Start(context.Background(), st, webhooks.Config{Schedule: []time.Duration{0, 100 * time.Millisecond}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { jobs.Stop(context.Background()) })
		var body map[string]any
		deadline := time.Now().Add(30 * time.Second)
		for {
			_, body = call(t, srv, "GET", "/_pricebook/v1/webhooks/"+id+"/deliveries", keys["aRO"], "")
			if data, _ := body["data"].([]any); len(data) == 3 || time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		// The endpoint's own creation, once; the product, twice.
		all, _ := body["data"].([]any)
		var data []any
		for _, d := range all {
			if d.(map[string]any)["event_type"] == "product.created" {
				data = append(data, d)
			}
		}
		if len(all) != 3 || len(data) != 2 || body["next_cursor"] != nil {
			t.Fatalf("deliveries: %v", body)
		}
		newest, oldest := data[0].(map[string]any), data[1].(map[string]any)
		if newest["attempt"] != 2.0 || newest["status_code"] != 200.0 || newest["response"] != "thanks" || newest["next_retry_at"] != nil ||
			newest["error"] != nil || newest["event_type"] != "product.created" || newest["endpoint_id"] != id {
			t.Errorf("second attempt: %v", newest)
		}
		if oldest["attempt"] != 1.0 || oldest["status_code"] != 500.0 || oldest["error"] != "webhook endpoint answered 500" ||
			oldest["next_retry_at"] == nil || oldest["event_id"] != newest["event_id"] {
			t.Errorf("first attempt: %v", oldest)
		}
		_, page := call(t, srv, "GET", "/_pricebook/v1/webhooks/"+id+"/deliveries?limit=2", keys["a"], "")
		cursor, _ := page["next_cursor"].(string)
		_, next := call(t, srv, "GET", "/_pricebook/v1/webhooks/"+id+"/deliveries?limit=2&cursor="+cursor, keys["a"], "")
		if d, _ := next["data"].([]any); cursor == "" || len(d) != 1 || d[0].(map[string]any)["id"] != all[2].(map[string]any)["id"] {
			t.Errorf("second page: %v after %v", next, page)
		}
		if s, e := call(t, srv, "GET", "/_pricebook/v1/webhooks/"+id+"/deliveries", keys["b"], ""); s != 404 || e["code"] != "not_found" {
			t.Errorf("another business: %d %v", s, e)
		}
		if s, _ := call(t, srv, "GET", "/_pricebook/v1/webhooks/"+id+"/deliveries?cursor=nope", keys["a"], ""); s != 422 {
			t.Errorf("bad cursor: %d", s)
		}
	})
}
