package dodo_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pricebook/pricebook/internal/api/dodo"
	"github.com/pricebook/pricebook/internal/httpx/httpxtest"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// badPathIDs cannot be text: a NUL, a stray byte, an overlong "/".
var badPathIDs = []string{"%00", "%ff", "%c0%af", "x%00y"}

// TestBadTextInPathIsNotFound: on every route, an id in the path that is
// not valid UTF-8 text names nothing: 404 on both engines, never the
// database's 500.
func TestBadTextInPathIsNotFound(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		api := dodo.New(deps(st))
		n := 0
		for _, rt := range api.Routes() {
			method, pattern, _ := strings.Cut(rt.Pattern, " ")
			wildcards := strings.Count(pattern, "{")
			for i := 0; i < wildcards; i++ {
				for _, bad := range badPathIDs {
					path, w := "", 0
					for _, seg := range strings.Split(pattern, "/")[1:] {
						if strings.HasPrefix(seg, "{") {
							if seg = "ok_id"; w == i {
								seg = bad
							}
							w++
						}
						path += "/" + seg
					}
					body := ""
					if method != "GET" {
						body = "{}"
					}
					r := h.do(method, path, h.keys["a"], body)
					var e struct{ Code, Message string }
					json.Unmarshal(r.body, &e)
					if r.status != 404 || e.Code != "NOT_FOUND" || !strings.Contains(e.Message, "not found") || strings.HasPrefix(e.Message, "Object ") {
						t.Errorf("%s %s: %d %s", method, path, r.status, r.body)
					}
					n++
				}
			}
		}
		if n < 100 {
			t.Fatalf("only %d requests", n)
		}
	})
}

// TestBadTextInQuery: a query value (or name) that is not text is a 422
// naming the parameter on every route, filters and unknown parameters
// alike.
func TestBadTextInQuery(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		id := h.create(h.keys["a"], oneTimeBody)
		paths := []string{"/products", "/products/" + id, "/products/short_links", "/product-collections", "/addons", "/meters", "/entitlements",
			"/credit-entitlements", "/brands", "/discounts", "/products/" + id + "/localized-prices"}
		for _, p := range paths {
			for q, name := range map[string]string{"brand_id=%00": "brand_id", "code=%ff": "code", "product_id=%c0%af": "product_id",
				"page_size=10&x=a%00": "x", "%ff=1": `"\xff"`} {
				r := h.do("GET", p+"?"+q, h.keys["a"], "")
				expect(t, "GET "+p+"?"+q, r, 422, "INVALID_QUERY_PARAMS", name+": must be valid UTF-8")
			}
		}
		expect(t, "POST with a bad query", h.do("POST", "/products?x=%ff", h.keys["a"], oneTimeBody), 422, "INVALID_QUERY_PARAMS", "x:")
		if n := h.count(h.keys["a"]); n != 1 {
			t.Errorf("%d products", n)
		}
	})
}

// listPaths are every list of the face, for checking that nothing was
// written.
var listPaths = []string{"/products?page_size=100", "/products?page_size=100&archived=true", "/product-collections?page_size=100",
	"/addons?page_size=100", "/meters?page_size=100", "/meters?page_size=100&archived=true", "/entitlements?page_size=100",
	"/credit-entitlements?page_size=100", "/brands?page_size=100", "/discounts?page_size=100", "/products/short_links?page_size=100"}

func (h *harness) lists(key string) string {
	h.t.Helper()
	var b strings.Builder
	for _, p := range listPaths {
		r := h.do("GET", p, key, "")
		if r.status != 200 || !utf8.Valid(r.body) || !json.Valid(r.body) {
			h.t.Fatalf("GET %s: %d, not valid JSON: %q", p, r.status, r.body)
		}
		b.Write(r.body)
	}
	return b.String()
}

// TestBadTextInBody: every string of every kind of write body (names,
// descriptions, ids, metadata keys and values, meter filters, configs),
// given a NUL or invalid UTF-8, is a 422 naming its path, on both engines,
// and nothing is written. The unchanged bodies succeed afterwards, so the
// 422s are the text's doing.
func TestBadTextInBody(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		a := h.keys["a"]
		addon, meter, ent, credit := h.refs()
		primary := h.brands(a, "")[0]["brand_id"].(string)
		brand := h.newBrand(a, `{"name":"Second"}`)
		p1, p2, p3, p4 := h.create(a, oneTimeBody), h.create(a, oneTimeBody), h.create(a, oneTimeBody), h.create(a, oneTimeBody)
		c := h.do("POST", "/product-collections", a, fmt.Sprintf(`{"name":"C","groups":[{"group_name":"g","products":[{"product_id":%q}]}]}`, p1)).json(t)
		coll := c["id"].(string)
		group := c["groups"].([]any)[0].(map[string]any)
		gid, item := group["group_id"].(string), group["products"].([]any)[0].(map[string]any)["id"].(string)
		disc := h.discount(a, `{"amount":100,"type":"percentage","code":"TEN"}`)["discount_id"].(string)
		byCountry := h.create(a, `{"name":"L","pricing_mode":"by_country","price":{"type":"one_time_price","currency":"USD","price":500},"tax_category":"saas"}`)

		filter := `{"conjunction":"or","clauses":[{"conjunction":"and","clauses":[{"key":"region","operator":"equals","value":"eu"},{"key":"n","operator":"greater_than","value":5.5}]}]}`
		seeds := []struct{ method, path, body string }{
			{"POST", "/products", fmt.Sprintf(`{"name":"Full","description":"d","tax_category":"saas","brand_id":%q,"addons":[%q],"metadata":{"k":"v","n":1.50},
				"price":{%s,"meters":[{"meter_id":%q,"price_per_unit":"0.5","credit_entitlement_id":%q,"meter_units_per_credit":"10"}]},
				"entitlements":[{"entitlement_id":%q}],"credit_entitlements":[{"credit_entitlement_id":%q,"credits_amount":"1000","trial_credits":"5"}]}`,
				primary, addon, monthlyUsage, meter, credit, ent, credit)},
			{"POST", "/products", recurringBody},
			{"PATCH", "/products/" + p1, `{"name":"N","description":"D","metadata":{"k":"v"},"tax_category":"saas"}`},
			{"POST", "/addons", `{"name":"Seat2","description":"d","price":500,"currency":"USD","tax_category":"saas"}`},
			{"PATCH", "/addons/" + addon, `{"name":"n","description":"d","currency":"EUR"}`},
			{"POST", "/meters", `{"name":"Calls","description":"d","event_name":"api.call","measurement_unit":"calls","aggregation":{"type":"sum","key":"tokens"},"filter":` + filter + `}`},
			{"POST", "/entitlements", `{"name":"L","description":"d","integration_type":"license_key","integration_config":{"activations_limit":2,"duration_count":1,"duration_interval":"Year","activation_message":"hi"},"metadata":{"tier":"gold"}}`},
			{"POST", "/entitlements", `{"name":"G","integration_type":"github","integration_config":{"target_id":"acme/app","permission":"maintain"}}`},
			{"PATCH", "/entitlements/" + ent, `{"name":"x","description":"d","metadata":{"a":"b"}}`},
			{"POST", "/credit-entitlements", `{"name":"Tokens2","description":"d","precision":2,"unit":"tokens","rollover_enabled":true,"overage_enabled":true,"price_per_unit":"0.01","currency":"USD","rollover_timeframe_count":1,"rollover_timeframe_interval":"Month","overage_behavior":"carry_deficit"}`},
			{"PATCH", "/credit-entitlements/" + credit, `{"description":"d","unit":"u"}`},
			{"POST", "/brands", `{"name":"B","description":"d","statement_descriptor":"BRAND","support_email":"a@b.c","url":"https://example.com"}`},
			{"PATCH", "/brands/" + brand, `{"name":"B2","description":"d","support_email":"b@b.c"}`},
			{"POST", "/discounts", fmt.Sprintf(`{"amount":1,"type":"flat","code":"flat-5","name":"Five off","customer_eligibility":"first_time",
				"starts_at":"2020-01-01T00:00:00.000Z","expires_at":"2999-01-01T00:00:00+02:00","metadata":{"n":"x"},"restricted_to":[%q],
				"currency_options":[{"currency":"USD","max_amount_possible":500}]}`, p1)},
			{"PATCH", "/discounts/" + disc, fmt.Sprintf(`{"code":"NEW","name":"n","metadata":{"a":"b"},"restricted_to":[%q]}`, p1)},
			{"POST", "/product-collections", fmt.Sprintf(`{"name":"C2","description":"d","groups":[{"group_name":"g","products":[{"product_id":%q}]}]}`, p2)},
			{"PATCH", "/product-collections/" + coll, `{"name":"n","description":"d"}`},
			{"POST", "/product-collections/" + coll + "/groups", fmt.Sprintf(`{"group_name":"g2","products":[{"product_id":%q}]}`, p3)},
			{"PATCH", "/product-collections/" + coll + "/groups/" + gid, fmt.Sprintf(`{"group_name":"renamed","product_order":[%q]}`, item)},
			{"POST", "/product-collections/" + coll + "/groups/" + gid + "/items", fmt.Sprintf(`{"products":[{"product_id":%q}]}`, p4)},
			{"POST", "/products/" + p1 + "/short_links", `{"slug":"edge-slug","static_checkout_params":{"quantity":"2","email":"a@b.c","metadata_k":"v"}}`},
			{"POST", "/brands/" + brand + "/archive", fmt.Sprintf(`{"move_products_to":%q}`, primary)},
			// A variant that wrote would make the seed a 409.
			{"POST", "/products/" + byCountry + "/localized-prices", `{"amount":900,"currency":"EUR","country_code":"DE"}`},
		}
		before := h.lists(a)
		n := 0
		for _, s := range seeds {
			for _, v := range httpxtest.Variants(s.body) {
				r := h.do(s.method, s.path, a, v.Body)
				expect(t, fmt.Sprintf("%s %s %q", s.method, s.path, v.Body), r, 422, "INVALID_REQUEST_BODY", v.Path+": must be valid UTF-8 text")
				n++
			}
		}
		if n < 500 {
			t.Fatalf("only %d variants", n)
		}
		if after := h.lists(a); after != before {
			t.Errorf("rejected bodies changed the catalog")
		}
		for _, s := range seeds {
			if r := h.do(s.method, s.path, a, s.body); r.status >= 300 {
				t.Errorf("seed %s %s: %d %s", s.method, s.path, r.status, r.body)
			}
		}
	})
}

// TestBadTextInCredentials: a bearer key that cannot be a key (NUL,
// invalid UTF-8, other characters) is the usual 401 on both engines,
// without a database error.
func TestBadTextInCredentials(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		for _, key := range []string{"pb_test_\xff" + strings.Repeat("a", 15) + "_" + strings.Repeat("a", 32),
			"pb_test_\x00" + strings.Repeat("a", 15) + "_" + strings.Repeat("a", 32),
			"pb_test_" + strings.Repeat("\xc0\xaf", 8) + "_" + strings.Repeat("a", 32),
			"pb_test_" + strings.Repeat("a", 16) + "_" + strings.Repeat("\xff", 32), "\xff", "pb_test_é"} {
			for _, req := range [][2]string{{"GET", "/products"}, {"POST", "/products"}} {
				expect(t, fmt.Sprintf("%s with %q", req[0], key), h.do(req[0], req[1], key, oneTimeBody), 401, "UNAUTHORIZED", "")
			}
		}
	})
}

// TestBadIdempotencyKey: an Idempotency-Key that is not printable text is
// a 400 and the request does nothing, on both engines.
func TestBadIdempotencyKey(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		for _, idem := range []string{"\xff", "a\x00", "\xc0\xaf", "\x01", "k\t1"} {
			expect(t, fmt.Sprintf("key %q", idem), h.doKey("POST", "/products", h.keys["a"], idem, oneTimeBody), 400, "INVALID_IDEMPOTENCY_KEY", "")
		}
		if n := h.count(h.keys["a"]); n != 0 {
			t.Errorf("%d products after refused requests", n)
		}
	})
}

// nonCanonicalPaths have empty, "." or ".." segments, which the standard
// mux would answer with an HTML redirect to the cleaned path.
var nonCanonicalPaths = []string{"//products", "/products//x", "/./products", "/products/./x", "/products/../products",
	"/products/.", "/products/x/..", "/product-collections/x/groups//items"}

// TestNonCanonicalPathIsNotFound: such a path names no resource; it is
// the face's 404 in its envelope, with or without a key, never a redirect.
func TestNonCanonicalPathIsNotFound(t *testing.T) {
	h := newHarness(t, storetest.Open(t, store.SQLite))
	for _, p := range nonCanonicalPaths {
		for _, key := range []string{h.keys["a"], ""} {
			for _, method := range []string{"GET", "POST", "DELETE"} {
				r := h.do(method, p, key, "")
				expect(t, method+" "+p, r, 404, "NOT_FOUND", "No route for "+method+" "+p)
				if loc := r.header.Get("Location"); loc != "" {
					t.Errorf("%s %s: Location %q", method, p, loc)
				}
			}
		}
	}
}
