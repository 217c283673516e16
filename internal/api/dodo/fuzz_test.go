package dodo_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pricebook/pricebook/internal/api/dodo"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// fuzzHarness is one store and server for a whole fuzz run.
func fuzzHarness(f *testing.F) *harness {
	return newHarness(f, storetest.Open(f, store.SQLite))
}

// checkReply fails unless r is a 2xx or a 4xx in the Dodo envelope, and
// unless every body is valid UTF-8 JSON.
func checkReply(t *testing.T, what string, r response) {
	t.Helper()
	if r.status >= 500 {
		t.Fatalf("%s: status %d %s", what, r.status, r.body)
	}
	if len(r.body) > 0 && (!utf8.Valid(r.body) || !json.Valid(r.body)) {
		t.Fatalf("%s: %d body is not valid UTF-8 JSON: %q", what, r.status, r.body)
	}
	if r.status >= 400 {
		var e struct{ Code, Message string }
		if err := json.Unmarshal(r.body, &e); err != nil || e.Code == "" || e.Message == "" {
			t.Fatalf("%s: %d without the {code,message} envelope: %q", what, r.status, r.body)
		}
	}
}

// badTextBodies put NUL (as \u0000) and bytes that are not UTF-8 (raw
// 0xff, an overlong "/" 0xc0 0xaf) into names, descriptions, ids,
// metadata keys and values and meter-filter values.
var badTextBodies = []string{
	`{"name":"a\u0000","tax_category":"saas","price":{"type":"one_time_price","currency":"USD","price":5,"discount":0,"purchasing_power_parity":false}}`,
	"{\"name\":\"\xff\",\"tax_category\":\"saas\",\"price\":{\"type\":\"one_time_price\",\"currency\":\"USD\",\"price\":5,\"discount\":0,\"purchasing_power_parity\":false}}",
	"{\"name\":\"M\",\"description\":\"\xc0\xaf\",\"metadata\":{\"k\":\"\xff\"}}",
	"{\"name\":\"M\",\"metadata\":{\"\xc0\xaf\":\"v\"}}",
	`{"name":"M","metadata":{"k":"\u0000","\u0000":1}}`,
	`{"name":"M","event_name":"e","measurement_unit":"u","aggregation":{"type":"count"},"filter":{"conjunction":"and","clauses":[{"key":"a","operator":"equals","value":"\u0000"}]}}`,
	"{\"name\":\"M\",\"event_name\":\"e\",\"measurement_unit\":\"u\",\"aggregation\":{\"type\":\"count\"},\"filter\":{\"conjunction\":\"and\",\"clauses\":[{\"key\":\"\xff\",\"operator\":\"equals\",\"value\":\"\xc0\xaf\"}]}}",
	`{"brand_id":"\u0000","addons":["\u0000"],"restricted_to":["a\u0000"],"code":"\u0000"}`,
	"{\"groups\":[{\"group_name\":\"\xff\",\"products\":[{\"product_id\":\"\xc0\xaf\"}]}],\"products\":[{\"product_id\":\"\xff\"}]}",
	"{\"name\":\"E\",\"integration_type\":\"github\",\"integration_config\":{\"target_id\":\"\xff\",\"permission\":\"pull\"}}",
}

// seedBodies adds the seed documents' request examples, the test bodies
// and badTextBodies to a fuzz corpus.
func seedBodies(f *testing.F, extra ...string) {
	for _, b := range append(extra, badTextBodies...) {
		f.Add([]byte(b))
	}
	for _, path := range []string{"../../../../shared/seeds/004_d0e00c242df30460.txt", "../../../../shared/seeds/000_fa69c4c2b81fc66e.txt"} {
		data, err := os.ReadFile(path)
		if err != nil {
			continue // the seeds live beside the repository, not in it
		}
		// Every {...} block that parses as JSON is a plausible body.
		s := string(data)
		for i := strings.IndexByte(s, '{'); i >= 0 && i < len(s); {
			depth := 0
			for j := i; j < len(s); j++ {
				if s[j] == '{' {
					depth++
				} else if s[j] == '}' {
					depth--
					if depth == 0 {
						if json.Valid([]byte(s[i : j+1])) {
							f.Add([]byte(s[i : j+1]))
						}
						break
					}
				}
			}
			next := strings.IndexByte(s[i+1:], '{')
			if next < 0 {
				break
			}
			i += next + 1
		}
	}
}

const recurringBody = `{"name":"R","tax_category":"saas","metadata":{"a":"b","n":1.5,"t":true},"price":{"type":"recurring_price","currency":"USD","price":100,"discount_bps":1250,"payment_frequency_count":1,"payment_frequency_interval":"Month","subscription_period_count":12,"subscription_period_interval":"Month","trial_period_days":7,"trial_amount":100}}`
const usageBody = `{"name":"U","tax_category":"saas","price":{"type":"usage_based_price","currency":"USD","fixed_price":0,"payment_frequency_count":1,"payment_frequency_interval":"Month","subscription_period_count":1,"subscription_period_interval":"Month","meters":[{"meter_id":"mtr_x","price_per_unit":"0.001"}]}}`

func FuzzCreateProduct(f *testing.F) {
	seedBodies(f, oneTimeBody, recurringBody, usageBody, `{}`, `[]`, `null`, `{"price":{"type":"one_time_price"}}`)
	h := fuzzHarness(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		h.t = t
		checkReply(t, "POST /products", h.do("POST", "/products", h.keys["a"], string(body)))
	})
}

func FuzzUpdateProduct(f *testing.F) {
	seedBodies(f, oneTimeBody, recurringBody, `{"pricing_mode":null}`, `{"name":null,"price":null}`, `{"metadata":{"k":[1]}}`)
	h := fuzzHarness(f)
	id := h.create(h.keys["a"], oneTimeBody)
	f.Fuzz(func(t *testing.T, body []byte) {
		h.t = t
		checkReply(t, "PATCH /products/{id}", h.do("PATCH", "/products/"+id, h.keys["a"], string(body)))
	})
}

func FuzzCollections(f *testing.F) {
	seedBodies(f, `{"name":"C","groups":[{"group_name":"g","products":[{"product_id":"PRODUCT"}]}]}`,
		`{"group_name":null,"product_order":[]}`, `{"products":[{"product_id":"PRODUCT","status":false}]}`, `{"group_order":["x"]}`)
	h := fuzzHarness(f)
	key := h.keys["a"]
	var products []string
	for i := 0; i < 3; i++ {
		products = append(products, h.create(key, oneTimeBody))
	}
	r := h.do("POST", "/product-collections", key, `{"name":"C","groups":[{"group_name":"g","products":[{"product_id":"`+products[0]+`"}]}]}`)
	c := r.json(h.t)
	cid := c["id"].(string)
	gid := c["groups"].([]any)[0].(map[string]any)["group_id"].(string)
	f.Fuzz(func(t *testing.T, body []byte) {
		h.t = t
		b := strings.ReplaceAll(string(body), "PRODUCT", products[1+len(body)%2])
		for _, req := range [][2]string{
			{"POST", "/product-collections"},
			{"PATCH", "/product-collections/" + cid},
			{"POST", "/product-collections/" + cid + "/groups"},
			{"PATCH", "/product-collections/" + cid + "/groups/" + gid},
			{"POST", "/product-collections/" + cid + "/groups/" + gid + "/items"},
		} {
			checkReply(t, req[0]+" "+req[1], h.do(req[0], req[1], key, b))
		}
		// The invariant survives whatever was sent: the collection keeps a product.
		got := h.do("GET", "/product-collections/"+cid, key, "")
		if got.status == 200 {
			n := 0
			for _, g := range got.json(t)["groups"].([]any) {
				n += len(g.(map[string]any)["products"].([]any))
			}
			if n == 0 {
				t.Fatalf("collection lost its last product after %q", body)
			}
		}
	})
}

func FuzzListQuery(f *testing.F) {
	for _, q := range []string{"page_size=10", "page_size=101", "page_number=-1", "archived=true&recurring=false", "brand_id=&page_size=", "page_size=1e3", "archived=1",
		"brand_id=%00", "brand_id=%ff", "code=%c0%af", "product_id=%00&page_size=1", "x=\xff", "%ff=1", "brand_id=a\x00b"} {
		f.Add(q)
	}
	h := fuzzHarness(f)
	f.Fuzz(func(t *testing.T, q string) {
		h.t = t
		// Keep the values, whatever they are, but make the target a valid
		// request line.
		if v, err := url.ParseQuery(q); err == nil {
			q = v.Encode()
		} else {
			q = "q=" + url.QueryEscape(q)
		}
		for _, path := range []string{"/products", "/product-collections", "/discounts", "/products/short_links"} {
			target := fmt.Sprintf("%s?%s", path, q)
			checkReply(t, "GET "+target, h.do("GET", target, h.keys["a"], ""))
		}
	})
}

func FuzzCatalogResources(f *testing.F) {
	seedBodies(f,
		`{"name":"A","price":100,"currency":"USD","tax_category":"saas","description":null}`,
		`{"name":"M","event_name":"e","measurement_unit":"u","aggregation":{"type":"sum","key":"k"},"filter":{"conjunction":"and","clauses":[{"key":"a","operator":"equals","value":1}]}}`,
		`{"name":"M","event_name":"e","measurement_unit":"u","aggregation":{"type":"count"},"filter":{"conjunction":"or","clauses":[{"conjunction":"and","clauses":[{"conjunction":"and","clauses":[{"key":"a","operator":"contains","value":"x"}]}]}]}}`,
		`{"name":"E","integration_type":"license_key","integration_config":{"activations_limit":3,"duration_count":1,"duration_interval":"Month"}}`,
		`{"name":"E","integration_type":"github","integration_config":{"target_id":"org/repo","permission":"pull"}}`,
		`{"name":"C","precision":2,"unit":"tokens","rollover_enabled":true,"overage_enabled":true,"price_per_unit":"0.01","currency":"USD","rollover_timeframe_count":1,"rollover_timeframe_interval":"Month"}`,
		`{"name":"B","statement_descriptor":"BRAND","support_email":"a@b.c","url":"https://example.com"}`,
		`{"amount":1250,"type":"percentage","code":"save","usage_limit":10,"per_customer_usage_limit":2}`,
		`{"amount":500,"type":"flat","currency_options":[{"currency":"USD","is_default":true,"max_amount_possible":500}]}`,
		`{"amount":900,"currency":"EUR"}`, `{"amount":900,"currency":"EUR","country_code":"DE"}`, `{"amount":1.5,"currency":"usd","country_code":null}`,
		`{"slug":"fuzz-1","static_checkout_params":{"quantity":"2","redirect_url":"https://example.com/x","paymentAmount":"100"}}`)
	h := fuzzHarness(f)
	key := h.keys["a"]
	paths := []string{"/addons", "/meters", "/entitlements", "/credit-entitlements", "/brands", "/discounts"}
	for _, mode := range []string{"by_currency", "by_country"} {
		p := h.create(key, `{"name":"L","pricing_mode":"`+mode+`","price":{"type":"one_time_price","currency":"USD","price":500},"tax_category":"saas"}`)
		paths = append(paths, "/products/"+p+"/localized-prices")
	}
	paths = append(paths, "/products/"+h.create(key, oneTimeBody)+"/short_links")
	existing := map[string]string{} // one created object per resource, to PATCH
	f.Fuzz(func(t *testing.T, body []byte) {
		h.t = t
		for _, p := range paths {
			r := h.do("POST", p, key, string(body))
			checkReply(t, "POST "+p, r)
			if r.status < 300 {
				var obj map[string]any
				json.Unmarshal(r.body, &obj)
				for _, k := range []string{"id", "brand_id", "discount_id"} {
					if id, ok := obj[k].(string); ok && existing[p] == "" {
						existing[p] = id
					}
				}
			}
			if id := existing[p]; id != "" {
				checkReply(t, "PATCH "+p+"/{id}", h.do("PATCH", p+"/"+id, key, string(body)))
			}
		}
	})
}

// FuzzPathsAndHeaders feeds ids to every route's path, Idempotency-Key
// values to its writes and whole Authorization headers ("KEY" stands for
// a valid key) to a read and a write.
func FuzzPathsAndHeaders(f *testing.F) {
	for _, s := range [][3]string{{"\x00", "", "Bearer KEY"}, {"\xff", "\xff", "bearer KEY"}, {"\xc0\xaf", "a\x00", "BEARER KEY"},
		{"pdt_x", "k1", "Bearer pb_test_\xff" + strings.Repeat("a", 15) + "_" + strings.Repeat("a", 32)},
		{"a/b", "\x01", "Bearer KEY\x00"}, {"", "ok", "Basic KEY"}, {"x\x00y", "é", "Bearer \xc0\xaf"}, {"cde_x", "", "Bearer KEY"}} {
		f.Add(s[0], s[1], s[2])
	}
	h := fuzzHarness(f)
	key := h.keys["a"]
	api := dodo.New(deps(h.st))
	send := func(t *testing.T, method, path, auth, idem, body string) {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Authorization", auth)
		req.Header.Set("Content-Type", "application/json")
		if idem != "" {
			req.Header["Idempotency-Key"] = []string{idem}
		}
		rec := httptest.NewRecorder()
		h.h.ServeHTTP(rec, req)
		r := response{rec.Code, rec.Header(), rec.Body.Bytes()}
		if strings.HasSuffix(path, "/undelete") && r.status == 500 && r.header.Get("X-Should-Retry") == "false" && json.Valid(r.body) {
			return // the documented 500 of an unknown credit entitlement (README)
		}
		checkReply(t, fmt.Sprintf("%s %s (Idempotency-Key %q, Authorization %q)", method, path, idem, auth), r)
	}
	f.Fuzz(func(t *testing.T, id, idem, auth string) {
		h.t = t
		for _, rt := range api.Routes() {
			method, pattern, _ := strings.Cut(rt.Pattern, " ")
			if !strings.Contains(pattern, "{") {
				continue
			}
			var path strings.Builder
			for _, seg := range strings.Split(pattern, "/")[1:] {
				if strings.HasPrefix(seg, "{") {
					seg = url.PathEscape(id)
				}
				path.WriteString("/" + seg)
			}
			send(t, method, path.String(), "Bearer "+key, idem, "{}")
		}
		auth = strings.ReplaceAll(auth, "KEY", key)
		send(t, "GET", "/products", auth, "", "")
		send(t, "POST", "/addons", auth, idem, `{"name":"A","price":1,"currency":"USD","tax_category":"saas"}`)
	})
}
