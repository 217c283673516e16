package dodo_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

var brandKeys = []string{"brand_id", "business_id", "enabled", "statement_descriptor", "verification_enabled",
	"verification_status", "archived_at", "description", "image", "name", "reason_for_hold", "support_email", "url"}

func (h *harness) brands(key, query string) []map[string]any {
	h.t.Helper()
	r := h.do("GET", "/brands"+query, key, "")
	if r.status != 200 {
		h.t.Fatalf("list brands: %d %s", r.status, r.body)
	}
	var out []map[string]any
	for _, it := range r.json(h.t)["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

func (h *harness) newBrand(key, body string) string {
	h.t.Helper()
	r := h.do("POST", "/brands", key, body)
	if r.status != 200 {
		h.t.Fatalf("create brand: %d %s", r.status, r.body)
	}
	return r.json(h.t)["brand_id"].(string)
}

func TestBrandsWire(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		key := h.keys["a"]
		list := h.brands(key, "")
		primary := list[0]
		if len(list) != 1 || primary["brand_id"] != primary["business_id"] || primary["verification_status"] != "Success" || primary["archived_at"] != nil {
			t.Fatalf("primary brand = %v", list)
		}
		bus := primary["business_id"].(string)
		// No body at all, as brands.create() sends it.
		r := h.do("POST", "/brands", key, "")
		if r.status != 200 {
			t.Fatalf("bare create: %d %s", r.status, r.body)
		}
		bare := r.json(t)
		for _, k := range brandKeys {
			if _, ok := bare[k]; !ok {
				t.Errorf("brand lacks key %q", k)
			}
		}
		if !strings.HasPrefix(bare["brand_id"].(string), "brnd_") || bare["business_id"] != bus || bare["verification_status"] != "Review" ||
			bare["enabled"] != true || bare["name"] != nil || bare["statement_descriptor"] != "PRICEBOOK" {
			t.Errorf("bare brand = %v", bare)
		}
		id := h.newBrand(key, `{"name":"Acme","statement_descriptor":"ACME TOOLS","support_email":"help@acme.test","url":"https://acme.test","description":"D"}`)
		got := h.do("GET", "/brands/"+id, key, "").json(t)
		if got["name"] != "Acme" || got["statement_descriptor"] != "ACME TOOLS" || got["support_email"] != "help@acme.test" || got["image"] != nil {
			t.Errorf("get = %v", got)
		}
		for body, mentions := range map[string]string{
			`{"support_email":"nope"}`:         "support_email",
			`{"url":"acme.test"}`:              "url",
			`{"statement_descriptor":"AB"}`:    "statement_descriptor",
			`{"name":""}`:                      "name",
			`{"name":5}`:                       "name",
			`{"image_id":"` + bus + `"}`:       "image_id",
			`{"statement_descriptor":"A*BCD"}`: "statement_descriptor",
		} {
			for _, req := range [][2]string{{"POST", "/brands"}, {"PATCH", "/brands/" + id}} {
				r := h.do(req[0], req[1], key, body)
				if r.status != 422 || r.json(t)["code"] != "INVALID_REQUEST_BODY" || !strings.Contains(r.json(t)["message"].(string), mentions) {
					t.Errorf("%s %s: %d %s", req[0], body, r.status, r.body)
				}
			}
		}
		// PATCH returns the brand; null is "no change", "" clears.
		r = h.do("PATCH", "/brands/"+id, key, `{"name":"Acme 2","url":null,"description":""}`)
		if p := r.json(t); r.status != 200 || p["name"] != "Acme 2" || p["url"] != "https://acme.test" || p["description"] != nil {
			t.Errorf("patch: %d %s", r.status, r.body)
		}
		for _, body := range []string{`{"name":"X"}`, `{}`, `{"name":""}`, `{"image_id":"` + bus + `"}`} {
			if r := h.do("PATCH", "/brands/"+bus, key, body); r.status != 403 || r.json(t)["code"] != "UNABLE_TO_EDIT_PRIMARY_BRAND" {
				t.Errorf("patch primary %s: %d %s", body, r.status, r.body)
			}
		}
		for _, req := range [][3]string{{"GET", "/brands/brnd_nope", ""}, {"PATCH", "/brands/brnd_nope", "{}"}, {"POST", "/brands/brnd_nope/archive", "{}"}} {
			if r := h.do(req[0], req[1], key, req[2]); r.status != 404 || r.json(t)["code"] != "NOT_FOUND" {
				t.Errorf("%s %s: %d %s", req[0], req[1], r.status, r.body)
			}
		}
		for _, k := range []string{"b", "aLive"} {
			if r := h.do("GET", "/brands/"+id, h.keys[k], ""); r.status != 404 {
				t.Errorf("brand visible to %s: %d", k, r.status)
			}
			if n := len(h.brands(h.keys[k], "?include_archived=true")); n != 1 {
				t.Errorf("%s sees %d brands", k, n)
			}
		}
		if r := h.do("POST", "/brands", h.keys["aRO"], "{}"); r.status != 401 {
			t.Errorf("read-only create: %d", r.status)
		}
		if r := h.do("GET", "/brands?include_archived=maybe", key, ""); r.status != 422 || r.json(t)["code"] != "INVALID_QUERY_PARAMS" {
			t.Errorf("bad include_archived: %d %s", r.status, r.body)
		}
		// Products default to the primary brand and may name another.
		if p := h.do("GET", "/products/"+h.create(key, oneTimeBody), key, "").json(t); p["brand_id"] != bus {
			t.Errorf("default product brand %v", p["brand_id"])
		}
		onBrand := h.create(key, strings.Replace(oneTimeBody, `"name":"Basic"`, `"name":"Branded","brand_id":"`+id+`"`, 1))
		if p := h.do("GET", "/products/"+onBrand, key, "").json(t); p["brand_id"] != id {
			t.Errorf("product brand %v, want %s", p["brand_id"], id)
		}
		if n := len(h.brands(key, "")); n != 3 {
			t.Errorf("%d brands, want 3", n)
		}
	})
}

func TestBrandArchiveWire(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		key := h.keys["a"]
		bus := h.brands(key, "")[0]["business_id"].(string)
		id := h.newBrand(key, `{"name":"Old"}`)
		p1 := h.create(key, strings.Replace(oneTimeBody, `"name":"Basic"`, `"brand_id":"`+id+`","name":"P"`, 1))
		r := h.do("POST", "/product-collections", key, fmt.Sprintf(`{"name":"C","brand_id":%q,"groups":[{"products":[{"product_id":%q}]}]}`, id, p1))
		if r.status != 200 {
			t.Fatalf("collection: %d %s", r.status, r.body)
		}
		cid := r.json(t)["id"].(string)
		// No body, as brands.archive(id) sends it: the brand is not empty.
		if r := h.do("POST", "/brands/"+id+"/archive", key, ""); r.status != 422 || !strings.Contains(r.json(t)["message"].(string), "move_products_to") {
			t.Errorf("archive without target: %d %s", r.status, r.body)
		}
		for body, code := range map[string]string{`{"move_products_to":"brnd_nope"}`: "INVALID_REQUEST_BODY", `{"move_products_to":"` + id + `"}`: "INVALID_REQUEST_BODY", `{"move_products_to":5}`: "INVALID_REQUEST_BODY"} {
			if r := h.do("POST", "/brands/"+id+"/archive", key, body); r.status != 422 || r.json(t)["code"] != code {
				t.Errorf("archive %s: %d %s", body, r.status, r.body)
			}
		}
		if r := h.do("POST", "/brands/"+bus+"/archive", key, `{"move_products_to":"`+id+`"}`); r.status != 403 || r.json(t)["code"] != "UNABLE_TO_EDIT_PRIMARY_BRAND" {
			t.Errorf("archive primary: %d %s", r.status, r.body)
		}
		r = h.do("POST", "/brands/"+id+"/archive", key, `{"move_products_to":"`+bus+`"}`)
		res := r.json(t)
		if r.status != 200 || res["brand_id"] != id || res["products_moved"] != 1.0 || res["collections_moved"] != 1.0 ||
			res["subscriptions_moved"] != 0.0 || res["moved_to_brand_id"] != bus || res["archived_at"] == nil {
			t.Fatalf("archive: %d %s", r.status, r.body)
		}
		if p := h.do("GET", "/products/"+p1, key, "").json(t); p["brand_id"] != bus {
			t.Errorf("product brand after archive %v", p["brand_id"])
		}
		if c := h.do("GET", "/product-collections/"+cid, key, "").json(t); c["brand_id"] != bus {
			t.Errorf("collection brand after archive %v", c["brand_id"])
		}
		r = h.do("POST", "/brands/"+id+"/archive", key, `{"move_products_to":"`+bus+`"}`)
		if r.status != 409 || r.json(t)["code"] != "BRAND_ALREADY_ARCHIVED" || r.header.Get("X-Should-Retry") != "false" {
			t.Errorf("second archive: %d %v %s", r.status, r.header, r.body)
		}
		if got := h.do("GET", "/brands/"+id, key, "").json(t); got["archived_at"] != res["archived_at"] {
			t.Errorf("archived_at %v, want %v", got["archived_at"], res["archived_at"])
		}
		if n := len(h.brands(key, "")); n != 1 {
			t.Errorf("active brands %d, want 1", n)
		}
		if n := len(h.brands(key, "?include_archived=true")); n != 2 {
			t.Errorf("all brands %d, want 2", n)
		}
		if r := h.do("PATCH", "/brands/"+id, key, `{"name":"X"}`); r.status != 422 || r.json(t)["code"] != "BRAND_NOT_ENABLED" {
			t.Errorf("patch archived: %d %s", r.status, r.body)
		}
		// An empty brand archives without a target and without a body.
		empty := h.newBrand(key, `{}`)
		r = h.do("POST", "/brands/"+empty+"/archive", key, "")
		if res := r.json(t); r.status != 200 || res["moved_to_brand_id"] != nil || res["products_moved"] != 0.0 {
			t.Errorf("empty archive: %d %s", r.status, r.body)
		}
	})
}

// TestBrandArchiveRaceOverHTTP archives one brand from many requests at
// once: exactly one moves the products, the rest are 409.
func TestBrandArchiveRaceOverHTTP(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		key := h.keys["a"]
		bus := h.brands(key, "")[0]["business_id"].(string)
		id := h.newBrand(key, `{}`)
		for range 3 {
			h.create(key, strings.Replace(oneTimeBody, `"name":"Basic"`, `"brand_id":"`+id+`","name":"P"`, 1))
		}
		statuses := make([]int, 8)
		moved := make([]any, 8)
		var wg sync.WaitGroup
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := h.do("POST", "/brands/"+id+"/archive", key, `{"move_products_to":"`+bus+`"}`)
				statuses[i] = r.status
				if r.status == 200 {
					moved[i] = r.json(t)["products_moved"]
				}
			}()
		}
		wg.Wait()
		ok := 0
		for i, s := range statuses {
			switch s {
			case 200:
				ok++
				if moved[i] != 3.0 {
					t.Errorf("winner moved %v products", moved[i])
				}
			case 409:
			default:
				t.Errorf("status %d", s)
			}
		}
		if ok != 1 {
			t.Errorf("%d archives succeeded: %v", ok, statuses)
		}
	})
}
