package pricebook_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
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

// TestSendsOnTheWire: resend, replay, test send and rotation answer their
// documented shapes, and refuse bad input in the face's envelope, naming
// the field, with nothing queued.
func TestSendsOnTheWire(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		srv := server(t, st)
		keys := storetest.Keys(t, st)
		_, wh := call(t, srv, "POST", "/webhooks", keys["a"], `{"url": "https://example.com/hook"}`)
		id := wh["id"].(string)
		_, events := call(t, srv, "GET", "/_pricebook/v1/events?type=webhook_endpoint.created", keys["a"], "")
		evt := events["data"].([]any)[0].(map[string]any)["id"].(string)

		s, body := call(t, srv, "POST", "/_pricebook/v1/events/"+evt+"/resend", keys["a"], "")
		if ids, _ := body["endpoint_ids"].([]any); s != 202 || body["event_id"] != evt || body["event_type"] != "webhook_endpoint.created" || len(ids) != 1 || ids[0] != id {
			t.Errorf("resend: %d %v", s, body)
		}
		if s, body := call(t, srv, "POST", "/_pricebook/v1/events/"+evt+"/resend", keys["a"], `{"endpoint_id": "`+id+`"}`); s != 202 || len(body["endpoint_ids"].([]any)) != 1 {
			t.Errorf("resend to one: %d %v", s, body)
		}
		s, body = call(t, srv, "POST", "/_pricebook/v1/webhooks/"+id+"/test", keys["a"], "")
		if s != 202 || body["event_type"] != "webhook.test" || body["event_id"] == evt {
			t.Errorf("test send: %d %v", s, body)
		}
		s, body = call(t, srv, "POST", "/_pricebook/v1/webhooks/"+id+"/secret/rotate", keys["a"], "")
		if secret, _ := body["secret"].(string); s != 200 || !strings.HasPrefix(secret, "whsec_") || body["previous_secret_expires_at"] == nil {
			t.Errorf("rotate: %d %v", s, body)
		}
		_, got := call(t, srv, "GET", "/webhooks/"+id+"/secret", keys["a"], "")
		if got["secret"] != body["secret"] {
			t.Errorf("the Dodo face's secret after rotation: %v, want %v", got["secret"], body["secret"])
		}

		for _, c := range []struct {
			path, body string
			status     int
			code, says string
		}{
			{"/_pricebook/v1/events/" + evt + "/resend", `{"endpoint": "x"}`, 422, "invalid_request", `unknown field "endpoint"`},
			{"/_pricebook/v1/events/" + evt + "/resend", `{"endpoint_id": 7}`, 422, "invalid_request", "endpoint_id: must be a JSON string"},
			{"/_pricebook/v1/events/" + evt + "/resend", `[]`, 422, "invalid_request", "body: must be a JSON object"},
			{"/_pricebook/v1/events/" + evt + "/resend", `{"endpoint_id": "whk_nope"}`, 404, "not_found", "whk_nope"},
			{"/_pricebook/v1/events/evt_nope/resend", ``, 404, "not_found", "evt_nope"},
			{"/_pricebook/v1/webhooks/" + id + "/deliveries/wdl_nope/replay", ``, 404, "not_found", "wdl_nope"},
			{"/_pricebook/v1/webhooks/whk_nope/test", ``, 404, "not_found", "whk_nope"},
			{"/_pricebook/v1/webhooks/whk_nope/secret/rotate", ``, 404, "not_found", "whk_nope"},
		} {
			s, e := call(t, srv, "POST", c.path, keys["a"], c.body)
			if msg, _ := e["message"].(string); s != c.status || e["code"] != c.code || !strings.Contains(msg, c.says) {
				t.Errorf("POST %s %s: %d %v, want %d %s saying %q", c.path, c.body, s, e, c.status, c.code, c.says)
			}
		}
		call(t, srv, "PATCH", "/webhooks/"+id, keys["a"], `{"disabled": true}`)
		if s, e := call(t, srv, "POST", "/_pricebook/v1/webhooks/"+id+"/test", keys["a"], ""); s != 409 || e["code"] != "conflict" {
			t.Errorf("test send to a disabled endpoint: %d %v", s, e)
		}
	})
}
