package pricebook_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// TestNamespacesOnFirstUse: with OpenTestKeys a new pb_test_ token works
// at once on every face and sees only its own partition; POST /tenants
// answers a new business's key once, to test-mode keys only; without
// OpenTestKeys both are refused.
func TestNamespacesOnFirstUse(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		keys := storetest.Keys(t, st)
		open := serverWith(t, face.Deps{Store: st, OpenTestKeys: true})
		closed := server(t, st)
		token := "pb_test_" + catalog.RandomString(24)

		if s, e := call(t, closed, "GET", "/_pricebook/v1/events", token, ""); s != 401 {
			t.Errorf("closed server, new token: %d %v", s, e)
		}
		if s, p := call(t, open, "POST", "/products", token, product); s != 200 || p["product_id"] == nil {
			t.Fatalf("open server, first use on the Dodo face: %d %v", s, p)
		}
		s, list := call(t, open, "GET", "/_pricebook/v1/events", token, "")
		if data, _ := list["data"].([]any); s != 200 || len(data) != 1 || data[0].(map[string]any)["type"] != "product.created" {
			t.Errorf("the namespace's own journal: %d %v", s, list)
		}
		if _, other := call(t, open, "GET", "/_pricebook/v1/events", keys["a"], ""); len(other["data"].([]any)) != 0 {
			t.Errorf("another tenant sees the namespace's events: %v", other)
		}

		s, made := call(t, open, "POST", "/_pricebook/v1/tenants", token, `{"name": "Suite 7"}`)
		key, _ := made["key"].(string)
		if s != 201 || !strings.HasPrefix(key, "pb_test_") || made["mode"] != "test" || !strings.HasPrefix(made["business_id"].(string), "bus_") {
			t.Fatalf("POST /tenants: %d %v", s, made)
		}
		if s, l := call(t, open, "GET", "/_pricebook/v1/events", key, ""); s != 200 || len(l["data"].([]any)) != 0 {
			t.Errorf("the new tenant's key: %d %v", s, l)
		}
		for name, c := range map[string]struct {
			srv  *httptest.Server
			key  string
			want int
		}{
			"live key":      {open, keys["aLive"], 403},
			"read-only key": {open, keys["aRO"], 401},
			"closed server": {closed, keys["a"], 403},
		} {
			if s, e := call(t, c.srv, "POST", "/_pricebook/v1/tenants", c.key, ""); s != c.want {
				t.Errorf("POST /tenants, %s: %d %v, want %d", name, s, e, c.want)
			}
		}
		if s, e := call(t, open, "POST", "/_pricebook/v1/tenants", keys["a"], `{"nom": "x"}`); s != 422 || !strings.Contains(e["message"].(string), "nom") {
			t.Errorf("unknown field: %d %v", s, e)
		}
	})
}
