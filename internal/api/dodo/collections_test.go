package dodo_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

func TestCollectionsWire(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		key := h.keys["a"]
		p1, p2, p3 := h.create(key, oneTimeBody), h.create(key, oneTimeBody), h.create(key, oneTimeBody)
		r := h.do("POST", "/product-collections", key, fmt.Sprintf(`{"name":"Plans","on_payment_failure":"apply_change",
			"groups":[{"group_name":"Monthly","products":[{"product_id":%q},{"product_id":%q,"status":false}]},{"products":[]}]}`, p1, p2))
		if r.status != 200 {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		c := r.json(t)
		for _, k := range []string{"id", "brand_id", "name", "description", "image", "created_at", "updated_at", "groups",
			"effective_at_on_downgrade", "effective_at_on_upgrade", "on_payment_failure",
			"proration_billing_mode_on_downgrade", "proration_billing_mode_on_upgrade"} {
			if _, ok := c[k]; !ok {
				t.Errorf("collection lacks key %q", k)
			}
		}
		id := c["id"].(string)
		groups := c["groups"].([]any)
		g0 := groups[0].(map[string]any)
		members := g0["products"].([]any)
		m1 := members[1].(map[string]any)
		if g0["group_name"] != "Monthly" || g0["status"] != true || m1["status"] != false || m1["product_id"] != p2 {
			t.Errorf("group 0 = %v", g0)
		}
		for _, k := range []string{"id", "product_id", "status", "name", "description", "price", "price_detail", "currency",
			"tax_category", "tax_inclusive", "is_recurring", "license_key_enabled", "has_credit_entitlements",
			"addons_count", "files_count", "meters_count"} {
			if _, ok := m1[k]; !ok {
				t.Errorf("membership lacks key %q", k)
			}
		}
		if groups[1].(map[string]any)["group_name"] != nil {
			t.Errorf("unnamed group has a name")
		}
		// The membership summary is the product as it is now.
		h.do("PATCH", "/products/"+p1, key, `{"name":"Renamed"}`)
		c = h.do("GET", "/product-collections/"+id, key, "").json(t)
		if n := c["groups"].([]any)[0].(map[string]any)["products"].([]any)[0].(map[string]any)["name"]; n != "Renamed" {
			t.Errorf("member name %v, want the product's current name", n)
		}
		if pc := h.do("GET", "/products/"+p1, key, "").json(t)["product_collection_id"]; pc != id {
			t.Errorf("product_collection_id = %v", pc)
		}
		// A new group answers with its memberships.
		p4 := h.create(key, oneTimeBody)
		ng := h.do("POST", "/product-collections/"+id+"/groups", key, `{"group_name":"Annual","products":[{"product_id":"`+p4+`","status":false}]}`).json(t)
		if ps, _ := ng["products"].([]any); len(ps) != 1 || ps[0].(map[string]any)["product_id"] != p4 || ps[0].(map[string]any)["status"] != false {
			t.Errorf("new group = %v", ng)
		}
		// Items: a bare array of what was added.
		g1 := groups[1].(map[string]any)["group_id"].(string)
		r = h.do("POST", "/product-collections/"+id+"/groups/"+g1+"/items", key, fmt.Sprintf(`{"products":[{"product_id":%q}]}`, p3))
		var added []map[string]any
		if r.status != 200 || json.Unmarshal(r.body, &added) != nil || len(added) != 1 || added[0]["product_id"] != p3 {
			t.Fatalf("add items: %d %s", r.status, r.body)
		}
		if r := h.do("PATCH", "/product-collections/"+id+"/groups/"+g1+"/items/"+added[0]["id"].(string), key, `{"status":false}`); r.status != 200 {
			t.Errorf("item patch: %d %s", r.status, r.body)
		}
		if r := h.do("PATCH", "/product-collections/"+id+"/groups/"+g1+"/items/"+added[0]["id"].(string), key, `{}`); r.status != 422 {
			t.Errorf("item patch without status: %d", r.status)
		}
		// Group PATCH: null clears the name, product_order must be a permutation.
		g0id := g0["group_id"].(string)
		if r := h.do("PATCH", "/product-collections/"+id+"/groups/"+g0id, key, `{"group_name":null,"product_order":["x"]}`); r.status != 422 {
			t.Errorf("bad product_order: %d %s", r.status, r.body)
		}
		m0 := members[0].(map[string]any)["id"].(string)
		if r := h.do("PATCH", "/product-collections/"+id+"/groups/"+g0id, key, `{"group_name":null,"product_order":["`+m1["id"].(string)+`","`+m0+`"]}`); r.status != 200 {
			t.Errorf("group patch: %d %s", r.status, r.body)
		}
		c = h.do("GET", "/product-collections/"+id, key, "").json(t)
		first := c["groups"].([]any)[0].(map[string]any)
		if first["group_name"] != nil || first["products"].([]any)[0].(map[string]any)["id"] != m1["id"] {
			t.Errorf("after group patch: %v", first)
		}
		// Collection PATCH: null clears a policy, omitted keeps it.
		h.do("PATCH", "/product-collections/"+id, key, `{"description":"d"}`)
		c = h.do("GET", "/product-collections/"+id, key, "").json(t)
		if c["on_payment_failure"] != "apply_change" || c["description"] != "d" {
			t.Errorf("omitted fields changed: %v", c)
		}
		h.do("PATCH", "/product-collections/"+id, key, `{"on_payment_failure":null,"description":null}`)
		c = h.do("GET", "/product-collections/"+id, key, "").json(t)
		if c["on_payment_failure"] != nil || c["description"] != nil {
			t.Errorf("null did not clear: %v", c)
		}
		// Lists carry products_count; archive moves the collection out of them.
		l := h.do("GET", "/product-collections", key, "").json(t)["items"].([]any)
		if len(l) != 1 || l[0].(map[string]any)["products_count"] != 4.0 {
			t.Errorf("list = %v", l)
		}
		if r := h.do("DELETE", "/product-collections/"+id+"/groups/"+g1, key, ""); r.status != 204 || len(r.body) != 0 {
			t.Errorf("group delete: %d %q", r.status, r.body)
		}
		if r := h.do("DELETE", "/product-collections/"+id, key, ""); r.status != 200 {
			t.Errorf("archive: %d", r.status)
		}
		if r := h.do("DELETE", "/product-collections/"+id, key, ""); r.status != 410 || r.json(t)["code"] != "PRODUCT_COLLECTION_IS_DELETED" {
			t.Errorf("second archive: %d %s", r.status, r.body)
		}
		if r := h.do("POST", "/product-collections/"+id+"/groups", key, `{"products":[]}`); r.status != 410 {
			t.Errorf("group on archived collection: %d", r.status)
		}
		h.do("DELETE", "/products/"+p2, key, "")
		u := h.do("POST", "/product-collections/"+id+"/unarchive", key, "").json(t)
		if u["collection_id"] != id || len(u["excluded_product_ids"].([]any)) != 1 || u["excluded_product_ids"].([]any)[0] != p2 {
			t.Errorf("unarchive = %v", u)
		}
		if r := h.do("GET", "/product-collections/"+id, h.keys["b"], ""); r.status != 404 {
			t.Errorf("other business sees the collection: %d", r.status)
		}
	})
}

// TestCollectionRaceOverHTTP fires parallel requests at the handler stack
// for the same product: exactly one collection gets it.
func TestCollectionRaceOverHTTP(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		key := h.keys["a"]
		target := h.create(key, oneTimeBody)
		const n = 12
		statuses := make([]int, n)
		bodies := make([]string, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				r := h.do("POST", "/product-collections", key, fmt.Sprintf(`{"name":"c%d","groups":[{"group_name":"g","products":[{"product_id":%q}]}]}`, i, target))
				statuses[i], bodies[i] = r.status, string(r.body)
			}(i)
		}
		wg.Wait()
		ok := 0
		for i, s := range statuses {
			switch {
			case s == 200:
				ok++
			case s != 422 || !strings.Contains(bodies[i], target):
				t.Errorf("loser got %d %s", s, bodies[i])
			}
		}
		if ok != 1 {
			t.Errorf("%d collections got the product", ok)
		}
		l := h.do("GET", "/product-collections?page_size=100", key, "").json(t)["items"].([]any)
		if len(l) != 1 {
			t.Errorf("%d collections exist after the race, want 1", len(l))
		}
	})
}
