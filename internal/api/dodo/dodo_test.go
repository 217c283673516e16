package dodo_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pricebook/pricebook/internal/api/dodo"
	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/pgtest"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
	"github.com/pricebook/pricebook/internal/uploads"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// harness drives the real handler stack over a fresh store.
type harness struct {
	t    testing.TB
	h    http.Handler
	st   *store.Store
	keys map[string]string // a, aLive, aRO, b, revoked
}

func newHarness(t testing.TB, st *store.Store) *harness {
	t.Helper()
	return &harness{t: t, st: st, h: dodo.New(deps(st)), keys: storetest.Keys(t, st)}
}

// deps are what the server passes a face, over st: no rate limit, a
// read cache of the default size.
func deps(st *store.Store) face.Deps {
	return face.Deps{Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Reads: httpx.NewReadCache(st, httpx.DefaultReadCacheMB<<20),
		PublicURL: "http://pricebook.test", Uploads: testUploads(st)}
}

// testUploads is an upload service over memory, its URLs under
// http://pricebook.test.
func testUploads(st *store.Store) *uploads.Service {
	b, err := uploads.OpenBucket(context.Background(), "mem://", "")
	if err != nil {
		panic(err)
	}
	up, err := uploads.New(context.Background(), st, b, uploads.Config{PublicURL: "http://pricebook.test"})
	if err != nil {
		panic(err)
	}
	return up
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", r.body, err)
	}
	return m
}

func (h *harness) do(method, path, key, body string) response {
	h.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	h.h.ServeHTTP(rec, req)
	return response{rec.Code, rec.Header(), rec.Body.Bytes()}
}

func (h *harness) count(key string) int {
	h.t.Helper()
	n := 0
	for _, archived := range []string{"false", "true"} {
		r := h.do("GET", "/products?page_size=100&archived="+archived, key, "")
		var out struct{ Items []any }
		json.Unmarshal(r.body, &out)
		n += len(out.Items)
	}
	return n
}

const oneTimeBody = `{"name":"Basic","price":{"type":"one_time_price","currency":"USD","price":500,"discount":0,"purchasing_power_parity":false},"tax_category":"digital_products"}`

func (h *harness) create(key, body string) string {
	h.t.Helper()
	r := h.do("POST", "/products", key, body)
	if r.status != 200 {
		h.t.Fatalf("create: %d %s", r.status, r.body)
	}
	return r.json(h.t)["product_id"].(string)
}

func TestAuthMatrix(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		id := h.create(h.keys["a"], oneTimeBody)
		for name, key := range map[string]string{"none": "", "malformed": "x y", "unknown": "pb_test_0000000000000000_00000000000000000000000000000000", "revoked": h.keys["revoked"]} {
			r := h.do("GET", "/products/"+id, key, "")
			if r.status != 401 || r.json(t)["code"] != "UNAUTHORIZED" {
				t.Errorf("%s key: %d %s", name, r.status, r.body)
			}
		}
		// Another partition does not even confirm the product exists.
		for _, k := range []string{"b", "aLive"} {
			for _, req := range [][2]string{{"GET", "/products/" + id}, {"PATCH", "/products/" + id}, {"DELETE", "/products/" + id}, {"POST", "/products/" + id + "/unarchive"}} {
				body := ""
				if req[0] == "PATCH" {
					body = `{"name":"x"}`
				}
				if r := h.do(req[0], req[1], h.keys[k], body); r.status != 404 || r.json(t)["code"] != "NOT_FOUND" {
					t.Errorf("%s %s with key %s: %d %s", req[0], req[1], k, r.status, r.body)
				}
			}
		}
		// A read-only key reads and cannot write.
		if r := h.do("GET", "/products/"+id, h.keys["aRO"], ""); r.status != 200 {
			t.Errorf("read-only read: %d", r.status)
		}
		if r := h.do("POST", "/products", h.keys["aRO"], oneTimeBody); r.status != 401 {
			t.Errorf("read-only create: %d", r.status)
		}
		if r := h.do("DELETE", "/products/"+id, h.keys["aRO"], ""); r.status != 401 {
			t.Errorf("read-only archive: %d", r.status)
		}
		if n := h.count(h.keys["a"]); n != 1 {
			t.Errorf("%d products after rejected writes, want 1", n)
		}
	})
}

func TestValidation(t *testing.T) {
	price := func(fields string) string {
		return `{"name":"P","tax_category":"saas","price":{` + fields + `}}`
	}
	rec := `"type":"recurring_price","currency":"USD","price":100,"payment_frequency_count":1,"payment_frequency_interval":"Month","subscription_period_count":1,"subscription_period_interval":"Year"`
	usage := func(meters string) string {
		return price(`"type":"usage_based_price","currency":"USD","fixed_price":0,"payment_frequency_count":1,"payment_frequency_interval":"Month","subscription_period_count":1,"subscription_period_interval":"Month","meters":` + meters)
	}
	ot := `"type":"one_time_price","currency":"USD","price":100`
	cases := []struct {
		name, body, code, mentions string
	}{
		{"missing name", `{"tax_category":"saas","price":{` + ot + `}}`, "INVALID_REQUEST_BODY", "name"},
		{"missing price", `{"name":"x","tax_category":"saas"}`, "INVALID_REQUEST_BODY", "price"},
		{"missing tax category", `{"name":"x","price":{` + ot + `}}`, "INVALID_REQUEST_BODY", "tax_category"},
		{"bad tax category", `{"name":"x","tax_category":"food","price":{` + ot + `}}`, "INVALID_REQUEST_BODY", "tax_category"},
		{"bad currency", price(`"type":"one_time_price","currency":"XYZ","price":1`), "INVALID_REQUEST_BODY", "price.currency"},
		{"bad type", price(`"type":"free","currency":"USD","price":1`), "INVALID_REQUEST_BODY", "price.type"},
		{"missing interval", price(strings.Replace(rec, `"payment_frequency_interval":"Month",`, "", 1)), "INVALID_REQUEST_BODY", "price.payment_frequency_interval"},
		{"lowercase interval", price(strings.Replace(rec, `"Month"`, `"month"`, 1)), "INVALID_REQUEST_BODY", "price.payment_frequency_interval"},
		{"count zero", price(strings.Replace(rec, `"payment_frequency_count":1`, `"payment_frequency_count":0`, 1)), "INVALID_REQUEST_BODY", "price.payment_frequency_count"},
		{"discount 101", price(ot + `,"discount":101`), "INVALID_REQUEST_BODY", "price.discount"},
		{"discount bps", price(ot + `,"discount_bps":10001`), "INVALID_REQUEST_BODY", "price.discount_bps"},
		{"negative price", price(`"type":"one_time_price","currency":"USD","price":-1`), "INVALID_REQUEST_BODY", "price.price"},
		{"price as string", price(`"type":"one_time_price","currency":"USD","price":"100"`), "INVALID_REQUEST_BODY", "price.price"},
		{"fractional price", price(`"type":"one_time_price","currency":"USD","price":1.5`), "INVALID_REQUEST_BODY", "price.price"},
		{"suggested below price", price(ot + `,"pay_what_you_want":true,"suggested_price":50`), "INVALID_SUGGESTED_PRICE", "price.suggested_price"},
		{"activations negative", `{"name":"x","tax_category":"saas","license_key_activations_limit":-1,"price":{` + ot + `}}`, "INVALID_REQUEST_BODY", "license_key_activations_limit"},
		{"name too long", `{"name":"` + strings.Repeat("n", 101) + `","tax_category":"saas","price":{` + ot + `}}`, "INVALID_REQUEST_BODY", "name"},
		{"description too long", `{"name":"x","description":"` + strings.Repeat("d", 1001) + `","tax_category":"saas","price":{` + ot + `}}`, "INVALID_REQUEST_BODY", "description"},
		{"metadata keys", `{"name":"x","tax_category":"saas","metadata":{` + manyKeys(51) + `},"price":{` + ot + `}}`, "MAXIMUM_KEYS_REACHED", "metadata"},
		{"metadata key length", `{"name":"x","tax_category":"saas","metadata":{"` + strings.Repeat("k", 41) + `":"v"},"price":{` + ot + `}}`, "INVALID_REQUEST_BODY", "metadata"},
		{"metadata value length", `{"name":"x","tax_category":"saas","metadata":{"k":"` + strings.Repeat("v", 501) + `"},"price":{` + ot + `}}`, "INVALID_REQUEST_BODY", "metadata.k"},
		{"metadata nested", `{"name":"x","tax_category":"saas","metadata":{"k":{"a":1}},"price":{` + ot + `}}`, "INVALID_REQUEST_BODY", "metadata.k"},
		{"unknown addon", price(rec)[:len(price(rec))-1] + `,"addons":["adn_x"]}`, "MISSING_ADDON_IDS", "addons"},
		{"unknown meter", usage(`[{"meter_id":"mtr_x","price_per_unit":"1.5"}]`), "MISSING_METER_IDS", "price.meters"},
		{"duplicate meter", usage(`[{"meter_id":"mtr_x"},{"meter_id":"mtr_x"}]`), "DUPLICATE_METER_IDS_IN_REQUEST", "price.meters"},
		{"zero per-unit", usage(`[{"meter_id":"mtr_x","price_per_unit":"0"}]`), "INVALID_REQUEST_BODY", "price.meters[0].price_per_unit"},
		{"six integer digits", usage(`[{"meter_id":"mtr_x","price_per_unit":"123456.1"}]`), "INVALID_REQUEST_BODY", "price.meters[0].price_per_unit"},
		{"thirteen fraction digits", usage(`[{"meter_id":"mtr_x","price_per_unit":"1.1234567890123"}]`), "INVALID_REQUEST_BODY", "price.meters[0].price_per_unit"},
		{"credit without units", usage(`[{"meter_id":"mtr_x","credit_entitlement_id":"cde_x"}]`), "INVALID_REQUEST_BODY", "price.meters[0].meter_units_per_credit"},
		{"six credit entitlements", `{"name":"x","tax_category":"saas","credit_entitlements":[` + strings.TrimSuffix(strings.Repeat(`{"credit_entitlement_id":"cde_x","credits_amount":"1"},`, 6), ",") + `],"price":{` + ot + `}}`, "INVALID_REQUEST_BODY", "credit_entitlements"},
		{"unknown brand", `{"name":"x","tax_category":"saas","brand_id":"brnd_nope","price":{` + ot + `}}`, "INVALID_REQUEST_BODY", "brand_id"},
		{"malformed json", `{"name":`, "INVALID_REQUEST_BODY", "JSON"},
		{"not an object", `[1]`, "INVALID_REQUEST_BODY", "object"},
	}
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		for _, c := range cases {
			r := h.do("POST", "/products", h.keys["a"], c.body)
			if r.status != 422 {
				t.Errorf("%s: status %d %s", c.name, r.status, r.body)
				continue
			}
			body := r.json(t)
			if body["code"] != c.code || !strings.Contains(body["message"].(string), c.mentions) {
				t.Errorf("%s: got %s, want code %s mentioning %q", c.name, r.body, c.code, c.mentions)
			}
		}
		if n := h.count(h.keys["a"]); n != 0 {
			t.Errorf("rejected creates wrote %d products", n)
		}
	})
}

func manyKeys(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"k` + strings.Repeat("x", i%5) + string(rune('a'+i%26)) + string(rune('a'+i/26)) + `":1`)
	}
	return b.String()
}

func TestLimitsAndRouting(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		big := `{"name":"` + strings.Repeat("x", face.MaxBodyBytes) + `"}`
		if r := h.do("POST", "/products", h.keys["a"], big); r.status != 413 || r.json(t)["code"] == nil {
			t.Errorf("big body: %d %s", r.status, r.body)
		}
		if r := h.do("GET", "/products?page_size=101", h.keys["a"], ""); r.status != 422 {
			t.Errorf("page_size 101: %d", r.status)
		}
		if r := h.do("GET", "/products?archived=maybe", h.keys["a"], ""); r.status != 422 {
			t.Errorf("archived=maybe: %d", r.status)
		}
		if r := h.do("GET", "/products/pdt_nope", h.keys["a"], ""); r.status != 404 || r.json(t)["code"] != "NOT_FOUND" {
			t.Errorf("unknown product: %d %s", r.status, r.body)
		}
		if r := h.do("GET", "/nowhere", h.keys["a"], ""); r.status != 404 {
			t.Errorf("unknown route: %d", r.status)
		}
		if r := h.do("PUT", "/products", h.keys["a"], ""); r.status != 405 || r.header.Get("Allow") == "" {
			t.Errorf("wrong method: %d %v", r.status, r.header)
		}
		if r := h.do("GET", "/products?page_size=&page_number=", h.keys["a"], ""); r.status != 200 {
			t.Errorf("empty query values should count as absent: %d", r.status)
		}
	})
}

func TestPatchSemantics(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		id := h.create(h.keys["a"], `{"name":"N","description":"D","pricing_mode":"by_currency","tax_category":"saas","metadata":{"k":"v"},"price":{"type":"one_time_price","currency":"USD","price":100}}`)
		get := func() map[string]any { return h.do("GET", "/products/"+id, h.keys["a"], "").json(t) }
		if r := h.do("PATCH", "/products/"+id, h.keys["a"], `{}`); r.status != 200 || len(r.body) != 0 {
			t.Fatalf("empty patch: %d %q", r.status, r.body)
		}
		if p := get(); p["name"] != "N" || p["description"] != "D" || p["pricing_mode"] != "by_currency" {
			t.Errorf("{} changed something: %v", p)
		}
		h.do("PATCH", "/products/"+id, h.keys["a"], `{"name":"N2","description":null,"pricing_mode":null}`)
		p := get()
		if p["name"] != "N2" || p["description"] != "D" || p["pricing_mode"] != nil {
			t.Errorf("after patch: name %v description %v pricing_mode %v", p["name"], p["description"], p["pricing_mode"])
		}
		h.do("PATCH", "/products/"+id, h.keys["a"], `{"price":{"type":"recurring_price","currency":"EUR","price":900,"payment_frequency_count":1,"payment_frequency_interval":"Month","subscription_period_count":1,"subscription_period_interval":"Year"}}`)
		if p := get(); p["is_recurring"] != true || p["price"].(map[string]any)["currency"] != "EUR" {
			t.Errorf("price replacement: %v", p)
		}
		if r := h.do("PATCH", "/products/"+id, h.keys["a"], `{"name":"`+strings.Repeat("x", 101)+`"}`); r.status != 422 {
			t.Errorf("long name patch: %d", r.status)
		}
		if p := get(); p["name"] != "N2" {
			t.Errorf("rejected patch changed the name to %v", p["name"])
		}
		if r := h.do("DELETE", "/products/"+id, h.keys["a"], ""); r.status != 200 {
			t.Errorf("archive: %d", r.status)
		}
		r := h.do("DELETE", "/products/"+id, h.keys["a"], "")
		if r.status != 410 || r.json(t)["code"] != "PRODUCT_IS_DELETED" {
			t.Errorf("second archive: %d %s", r.status, r.body)
		}
	})
}
