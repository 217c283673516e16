package dodo_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pricebook/pricebook/internal/api/dodo"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// fixtures creates one object of every resource with business A's test
// key and returns the values for each path parameter, keyed by the
// route's first path segment. A route under a segment with no fixture
// fails the test: a new resource must be added here.
func fixtures(t *testing.T, h *harness) map[string]map[string]string {
	key := h.keys["a"]
	post := func(path, body, idField string) string {
		t.Helper()
		r := h.do("POST", path, key, body)
		if r.status >= 300 {
			t.Fatalf("fixture %s: %d %s", path, r.status, r.body)
		}
		return fmt.Sprint(r.json(t)[idField])
	}
	product := post("/products", oneTimeBody, "product_id")
	post("/products/"+product+"/short_links", `{"slug":"matrix","static_checkout_params":{"quantity":"2"}}`, "short_url")
	member := post("/products", oneTimeBody, "product_id")
	r := h.do("POST", "/product-collections", key, `{"name":"C","groups":[{"group_name":"g","products":[{"product_id":"`+member+`"}]}]}`)
	c := r.json(t)
	group := c["groups"].([]any)[0].(map[string]any)
	item := group["products"].([]any)[0].(map[string]any)["id"].(string)
	localized := post("/products", `{"name":"L","pricing_mode":"by_currency","price":{"type":"one_time_price","currency":"USD","price":500},"tax_category":"saas"}`, "product_id")
	return map[string]map[string]string{
		"localized-prices":    {"product_id": localized, "id": post("/products/"+localized+"/localized-prices", `{"amount":450,"currency":"EUR"}`, "id")},
		"products":            {"id": product},
		"product-collections": {"id": c["id"].(string), "group_id": group["group_id"].(string), "item_id": item},
		"addons":              {"id": post("/addons", `{"name":"A","price":100,"currency":"USD","tax_category":"saas"}`, "id")},
		"meters":              {"id": post("/meters", `{"name":"M","event_name":"e","measurement_unit":"u","aggregation":{"type":"count"}}`, "id")},
		"entitlements": {"id": post("/entitlements", `{"name":"E","integration_type":"feature_flag",
			"integration_config":{"feature_id":"f","feature_type":"boolean"}}`, "id"), "file_id": "00000000-0000-4000-8000-000000000001"},
		"credit-entitlements": {"id": post("/credit-entitlements", `{"name":"Credits","precision":0,"unit":"c","rollover_enabled":false,"overage_enabled":false}`, "id")},
		"brands":              {"id": post("/brands", `{"name":"Brand"}`, "brand_id")},
		"webhooks":            {"id": post("/webhooks", `{"url":"https://hooks.example.com/in"}`, "id")},
		"discounts":           {"discount_id": post("/discounts", `{"amount":100,"type":"percentage","code":"MATRIX1"}`, "discount_id"), "code": "MATRIX1"},
	}
}

// fill replaces a pattern's {params} with values, or with fake ids.
func fill(path string, values map[string]string, fake bool) string {
	for {
		i := strings.IndexByte(path, '{')
		if i < 0 {
			return path
		}
		j := strings.IndexByte(path, '}')
		v := values[path[i+1:j]]
		if fake {
			v = "00000000-0000-4000-8000-000000000000"
			if path[i+1:j] == "id" || path[i+1:j] == "discount_id" {
				v = "zzz_doesNotExist0000000000"
			}
		}
		path = path[:i] + v + path[j+1:]
	}
}

// TestAuthorisationMatrix checks every route of the route table against
// every kind of key: none, malformed, unknown, revoked, read-only, another
// business's and the other mode's. Nothing of another partition may be
// readable, writable, or confirmed to exist.
func TestAuthorisationMatrix(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		fx := fixtures(t, h)
		api := dodo.New(deps(st))
		var ids []string
		for _, m := range fx {
			for _, v := range m {
				ids = append(ids, v)
			}
		}
		for _, rt := range api.Routes() {
			method, pattern, _ := strings.Cut(rt.Pattern, " ")
			// The fixture of the route's last literal segment that has
			// one (a nested resource's), else of its first.
			segments := strings.Split(pattern, "/")
			segment := segments[1]
			for _, s := range segments[2:] {
				if _, ok := fx[s]; ok && !strings.HasPrefix(s, "{") {
					segment = s
				}
			}
			values, ok := fx[segment]
			if !ok {
				t.Fatalf("route %s has no fixture: add one to fixtures()", rt.Pattern)
			}
			path := fill(pattern, values, false)
			body := ""
			if method != "GET" && method != "DELETE" {
				body = `{}`
			}
			for name, key := range map[string]string{"none": "", "malformed": "not-a-key", "unknown": "pb_test_0000000000000000_00000000000000000000000000000000", "revoked": h.keys["revoked"]} {
				r := h.do(method, path, key, body)
				if r.status != 401 || r.json(t)["code"] != "UNAUTHORIZED" {
					t.Errorf("%s with %s key: %d %s", rt.Pattern, name, r.status, r.body)
				}
			}
			r := h.do(method, path, h.keys["aRO"], body)
			if method == "GET" && r.status == 401 {
				t.Errorf("%s: read-only key refused a read", rt.Pattern)
			}
			if method != "GET" && r.status != 401 {
				t.Errorf("%s: read-only key got %d for a write", rt.Pattern, r.status)
			}
			for _, other := range []string{"b", "aLive"} {
				key := h.keys[other]
				real := h.do(method, path, key, body)
				if !strings.Contains(pattern, "{") {
					// Lists and creates act on the caller's own partition.
					for _, id := range ids {
						if method == "GET" && strings.Contains(string(real.body), id) {
							t.Errorf("%s with key %s shows %s of another partition", rt.Pattern, other, id)
						}
					}
					continue
				}
				fake := h.do(method, fill(pattern, values, true), key, body)
				if real.status < 300 || real.status != fake.status || code(real) != code(fake) {
					t.Errorf("%s with key %s: %d %s for a real id, %d %s for an unknown one", rt.Pattern, other,
						real.status, real.body, fake.status, fake.body)
				}
			}
		}
		// Every object of A is still there and unchanged after all that.
		for segment, values := range fx {
			if segment == "discounts" {
				segment, values = "discounts", map[string]string{"id": values["discount_id"]}
			}
			if segment == "localized-prices" {
				segment = "products/" + values["product_id"] + "/localized-prices"
			}
			if r := h.do("GET", "/"+segment+"/"+values["id"], h.keys["a"], ""); r.status != 200 {
				t.Errorf("A's %s %s: %d after other partitions' writes", segment, values["id"], r.status)
			}
		}
	})
}

func code(r response) string {
	var e struct{ Code string }
	json.Unmarshal(r.body, &e)
	return e.Code
}

// TestBearerSchemeAnyCase: the auth scheme is case-insensitive (RFC 7235).
func TestBearerSchemeAnyCase(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		for _, scheme := range []string{"Bearer", "bearer", "BEARER", "bEaReR"} {
			req := httptest.NewRequest("GET", "/products", nil)
			req.Header.Set("Authorization", scheme+" "+h.keys["a"])
			rec := httptest.NewRecorder()
			h.h.ServeHTTP(rec, req)
			if rec.Code != 200 {
				t.Errorf("%s: %d %s", scheme, rec.Code, rec.Body)
			}
		}
		for _, auth := range []string{"Basic " + h.keys["a"], "Bearer" + h.keys["a"], "Bearer"} {
			req := httptest.NewRequest("GET", "/products", nil)
			req.Header.Set("Authorization", auth)
			rec := httptest.NewRecorder()
			h.h.ServeHTTP(rec, req)
			if rec.Code != 401 {
				t.Errorf("%q: %d", auth, rec.Code)
			}
		}
	})
}
