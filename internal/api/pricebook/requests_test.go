package pricebook_test

import (
	"strings"
	"testing"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// TestRequestInspector: the partition's requests to the vendor faces are
// listed newest first with their status, fault and idempotency key, one
// in full with its bodies, credentials redacted; other partitions and
// live mode (without InspectLive) see none of them.
func TestRequestInspector(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		srv := serverWith(t, face.Deps{Store: st, Inspector: httpx.NewInspector(1 << 20)})
		keys := storetest.Keys(t, st)
		send(t, srv, "POST", "/products", keys["a"], product, map[string]string{"Idempotency-Key": "k1"})
		send(t, srv, "POST", "/webhooks", keys["a"], `{"url": "https://example.com/h", "headers": {"Authorization": "Bearer hush"}}`, nil)
		send(t, srv, "GET", "/products?page_size=1", keys["a"], "", map[string]string{"Pricebook-Fault": "status=503"})
		send(t, srv, "GET", "/v1/plans", keys["a"], "", nil)
		send(t, srv, "POST", "/products", keys["aLive"], product, nil)

		s, list := call(t, srv, "GET", "/_pricebook/v1/requests", keys["aRO"], "")
		data, _ := list["data"].([]any)
		if s != 200 || len(data) != 4 {
			t.Fatalf("list: %d %v", s, list)
		}
		newest, faulted, webhook, first := data[0].(map[string]any), data[1].(map[string]any), data[2].(map[string]any), data[3].(map[string]any)
		if newest["path"] != "/v1/plans" || faulted["status"] != 503.0 || faulted["fault"] != "status=503" || faulted["query"] != "page_size=1" {
			t.Errorf("newest two: %v %v", newest, faulted)
		}
		if first["method"] != "POST" || first["status"] != 200.0 || first["idempotency_key"] != "k1" || first["request_body"] != nil {
			t.Errorf("first (the list leaves bodies out): %v", first)
		}
		_, full := call(t, srv, "GET", "/_pricebook/v1/requests/"+first["request_id"].(string), keys["a"], "")
		if !strings.Contains(full["request_body"].(string), `"name":"Pro"`) || !strings.Contains(full["response_body"].(string), `"product_id"`) ||
			full["request_headers"].(map[string]any)["Authorization"] != "Bearer [redacted]" {
			t.Errorf("in full: %v", full)
		}
		_, wh := call(t, srv, "GET", "/_pricebook/v1/requests/"+webhook["request_id"].(string), keys["a"], "")
		if body := wh["request_body"].(string) + wh["response_body"].(string); strings.Contains(body, "hush") || strings.Contains(body, "whsec_") {
			t.Errorf("credentials kept: %v", wh)
		}
		_, page := call(t, srv, "GET", "/_pricebook/v1/requests?limit=3", keys["a"], "")
		_, rest := call(t, srv, "GET", "/_pricebook/v1/requests?limit=3&cursor="+page["next_cursor"].(string), keys["a"], "")
		if d := rest["data"].([]any); len(d) != 1 || rest["next_cursor"] != nil || d[0].(map[string]any)["request_id"] != first["request_id"] {
			t.Errorf("second page: %v", rest)
		}
		for _, k := range []string{"b", "aLive"} {
			if _, l := call(t, srv, "GET", "/_pricebook/v1/requests", keys[k], ""); len(l["data"].([]any)) != 0 {
				t.Errorf("%s sees %v", k, l)
			}
		}
		if s, _ := call(t, srv, "GET", "/_pricebook/v1/requests/"+first["request_id"].(string), keys["b"], ""); s != 404 {
			t.Errorf("another business's request: %d", s)
		}
		if s, e := call(t, server(t, st), "GET", "/_pricebook/v1/requests", keys["a"], ""); s != 404 || !strings.Contains(e["message"].(string), "off") {
			t.Errorf("inspector off: %d %v", s, e)
		}
	})
}
