package dodo_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

var webhookKeys = []string{"id", "url", "description", "filter_types", "rate_limit", "disabled", "metadata", "created_at", "updated_at"}

func TestWebhookWireShape(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		key := h.keys["a"]
		r := h.do("POST", "/webhooks", key, `{"url":"https://hooks.example.com/in","filter_types":["payment.succeeded"],
			"metadata":{"team":"billing"},"headers":{"x-team":"billing","authorization":"Bearer s3cret"},"idempotency_key":"ignored"}`)
		if r.status != 200 {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		w := r.json(t)
		for _, k := range webhookKeys {
			if _, ok := w[k]; !ok {
				t.Errorf("WebhookDetails lacks %s: %s", k, r.body)
			}
		}
		if len(w) != len(webhookKeys) || w["description"] != "" || w["disabled"] != false || w["rate_limit"] != nil ||
			!strings.HasPrefix(w["id"].(string), "whk_") || strings.Contains(string(r.body), "s3cret") {
			t.Errorf("create answered %s", r.body)
		}
		id := w["id"].(string)
		if g := h.do("GET", "/webhooks/"+id, key, ""); g.status != 200 || string(g.body) != string(r.body) {
			t.Errorf("retrieve: %d %s, created %s", g.status, g.body, r.body)
		}
		s := h.do("GET", "/webhooks/"+id+"/secret", key, "")
		if !regexp.MustCompile(`^\{"secret":"whsec_[A-Za-z0-9+/]{32}"\}$`).Match(bytesTrim(s.body)) {
			t.Errorf("secret: %d %s", s.status, s.body)
		}
		hd := h.do("GET", "/webhooks/"+id+"/headers", key, "")
		if strings.TrimSpace(string(hd.body)) != `{"headers":{"X-Team":"billing"},"sensitive":["Authorization"]}` {
			t.Errorf("headers: %d %s", hd.status, hd.body)
		}
		if p := h.do("PATCH", "/webhooks/"+id+"/headers", key, `{"headers":{"X-Team":"ops","X-Region":"eu"}}`); p.status != 200 || len(p.body) != 0 {
			t.Errorf("headers update: %d %s", p.status, p.body)
		}
		hd = h.do("GET", "/webhooks/"+id+"/headers", key, "")
		if strings.TrimSpace(string(hd.body)) != `{"headers":{"X-Region":"eu","X-Team":"ops"},"sensitive":["Authorization"]}` {
			t.Errorf("headers after update: %s", hd.body)
		}
		u := h.do("PATCH", "/webhooks/"+id, key, `{"description":"Orders","rate_limit":5,"filter_types":null,"disabled":true,"metadata":null}`)
		w = u.json(t)
		if u.status != 200 || w["description"] != "Orders" || w["rate_limit"] != float64(5) || w["filter_types"] != nil || w["disabled"] != true ||
			w["metadata"].(map[string]any)["team"] != "billing" {
			t.Errorf("update: %d %s", u.status, u.body)
		}
		if d := h.do("DELETE", "/webhooks/"+id, key, ""); d.status != 200 {
			t.Errorf("delete: %d %s", d.status, d.body)
		}
		for _, p := range []string{"", "/secret", "/headers"} {
			if g := h.do("GET", "/webhooks/"+id+p, key, ""); g.status != 404 || code(g) != "NOT_FOUND" {
				t.Errorf("GET %s after delete: %d %s", p, g.status, g.body)
			}
		}
		// The journal holds the endpoints as answered: never the secret or a header.
		events, err := st.ListEvents(context.Background(), catalog.Tenant{BusinessID: businessOf(t, h, key), Mode: catalog.ModeTest},
			catalog.EventFilter{Ascending: true, Committed: true, Limit: 100}) // a content check: every committed event
		if err != nil {
			t.Fatal(err)
		}
		var types []string
		for _, e := range events.Items {
			if e.ObjectKind == "webhook_endpoint" {
				types = append(types, e.Type)
				if strings.Contains(string(e.Data), "whsec_") || strings.Contains(string(e.Data), "s3cret") || !json.Valid(e.Data) {
					t.Errorf("event %s holds %s", e.Type, e.Data)
				}
			}
		}
		if fmt.Sprint(types) != "[webhook_endpoint.created webhook_endpoint.updated webhook_endpoint.updated webhook_endpoint.deleted]" {
			t.Errorf("events %v", types)
		}
		// Pricebook's own catalog events may be filtered on, beside Dodo's.
		if c := h.do("POST", "/webhooks", key, `{"url":"https://hooks.example.com/catalog","filter_types":["product.created","plan.deleted","payment.succeeded"]}`); c.status != 200 {
			t.Errorf("catalog event types as filters: %d %s", c.status, c.body)
		}
	})
}

func TestWebhookValidation(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		key := h.keys["a"]
		for body, field := range map[string]string{
			`{}`: "url", `{"url":"ftp://example.com"}`: "url", `{"url":"example.com/x"}`: "url",
			`{"url":"https://example.com","filter_types":["payment.sent"]}`:                   "filter_types[0]",
			`{"url":"https://example.com","rate_limit":0}`:                                    "rate_limit",
			`{"url":"https://example.com","headers":{"Webhook-Signature":"x"}}`:               "headers.Webhook-Signature",
			`{"url":"https://example.com","description":"` + strings.Repeat("d", 1001) + `"}`: "description",
		} {
			r := h.do("POST", "/webhooks", key, body)
			if r.status != 422 || code(r) != "INVALID_REQUEST_BODY" || !strings.Contains(string(r.body), field+": ") {
				t.Errorf("POST %.60s: %d %s, want 422 naming %s", body, r.status, r.body, field)
			}
		}
		// Test mode may use a local receiver; live mode may not.
		if r := h.do("POST", "/webhooks", key, `{"url":"http://127.0.0.1:9/in"}`); r.status != 200 {
			t.Errorf("test mode, loopback: %d %s", r.status, r.body)
		}
		if r := h.do("POST", "/webhooks", h.keys["aLive"], `{"url":"http://10.0.0.1/in"}`); r.status != 422 || !strings.Contains(string(r.body), "url: ") {
			t.Errorf("live mode, private address: %d %s", r.status, r.body)
		}
		id := h.do("POST", "/webhooks", key, `{"url":"https://example.com/in"}`).json(t)["id"].(string)
		if r := h.do("PATCH", "/webhooks/"+id, key, `{"url":"nope"}`); r.status != 422 || !strings.Contains(string(r.body), "url: ") {
			t.Errorf("PATCH bad url: %d %s", r.status, r.body)
		}
		if r := h.do("PATCH", "/webhooks/"+id+"/headers", key, `{}`); r.status != 422 {
			t.Errorf("PATCH headers without headers: %d %s", r.status, r.body)
		}
		if r := h.do("GET", "/webhooks?iterator=garbage!", key, ""); r.status != 422 || code(r) != "INVALID_QUERY_PARAMS" {
			t.Errorf("bad iterator: %d %s", r.status, r.body)
		}
	})
}

func TestWebhookCursorPages(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		key := h.keys["a"]
		made := map[string]bool{}
		for i := range 5 {
			made[h.do("POST", "/webhooks", key, fmt.Sprintf(`{"url":"https://example.com/%d"}`, i)).json(t)["id"].(string)] = true
		}
		seen := map[string]bool{}
		path := "/webhooks?limit=2"
		for pages := 1; ; pages++ {
			var page struct {
				Data     []map[string]any
				Iterator *string
				Done     bool
			}
			r := h.do("GET", path, key, "")
			if err := json.Unmarshal(r.body, &page); err != nil || r.status != 200 {
				t.Fatalf("%s: %d %s", path, r.status, r.body)
			}
			for _, w := range page.Data {
				seen[w["id"].(string)] = true
			}
			if page.Done != (page.Iterator == nil) || pages > 3 {
				t.Fatalf("page %d: %s", pages, r.body)
			}
			if page.Done {
				if pages != 3 {
					t.Errorf("%d pages of 2 for 5 endpoints", pages)
				}
				break
			}
			path = "/webhooks?limit=2&iterator=" + *page.Iterator
		}
		if len(seen) != len(made) {
			t.Errorf("walked %d of %d", len(seen), len(made))
		}
		if r := h.do("GET", "/webhooks", h.keys["b"], ""); strings.TrimSpace(string(r.body)) != `{"data":[],"iterator":null,"done":true}` {
			t.Errorf("B's list: %s", r.body)
		}
	})
}

// businessOf is the business of key: its primary brand shares its id.
func businessOf(t *testing.T, h *harness, key string) string {
	t.Helper()
	items := h.do("GET", "/brands", key, "").json(t)["items"].([]any)
	return items[0].(map[string]any)["brand_id"].(string)
}

func bytesTrim(b []byte) []byte { return []byte(strings.TrimSpace(string(b))) }
