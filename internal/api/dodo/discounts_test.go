package dodo_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

var discountKeys = []string{"discount_id", "business_id", "code", "amount", "type", "times_used", "restricted_to",
	"customer_eligibility", "preserve_on_plan_change", "metadata", "created_at", "currency_options", "expires_at",
	"starts_at", "name", "per_customer_usage_limit", "subscription_cycles", "usage_limit"}

func (h *harness) discount(key, body string) map[string]any {
	h.t.Helper()
	r := h.do("POST", "/discounts", key, body)
	if r.status != 200 {
		h.t.Fatalf("create discount %s: %d %s", body, r.status, r.body)
	}
	return r.json(h.t)
}

func (h *harness) discountCodes(key, query string) []string {
	h.t.Helper()
	r := h.do("GET", "/discounts"+query, key, "")
	if r.status != 200 {
		h.t.Fatalf("list discounts %s: %d %s", query, r.status, r.body)
	}
	var out []string
	for _, it := range r.json(h.t)["items"].([]any) {
		out = append(out, it.(map[string]any)["code"].(string))
	}
	return out
}

func TestDiscountsWire(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		key := h.keys["a"]
		d := h.discount(key, `{"amount":540,"type":"percentage"}`)
		for _, k := range discountKeys {
			if _, ok := d[k]; !ok {
				t.Errorf("discount lacks key %q", k)
			}
		}
		code := d["code"].(string)
		if len(code) != 16 || strings.ToUpper(code) != code || d["amount"] != 540.0 || d["times_used"] != 0.0 ||
			d["customer_eligibility"] != "any" || d["preserve_on_plan_change"] != false || d["expires_at"] != nil {
			t.Errorf("minimal discount = %v", d)
		}
		for k, want := range map[string]string{"restricted_to": "[]", "currency_options": "[]", "metadata": "{}"} {
			if b, _ := json.Marshal(d[k]); string(b) != want {
				t.Errorf("%s = %s, want %s", k, b, want)
			}
		}
		id := d["discount_id"].(string)
		if got := h.do("GET", "/discounts/"+id, key, "").json(t); got["code"] != code || got["created_at"] != d["created_at"] {
			t.Errorf("get = %v", got)
		}
		pid := h.create(key, oneTimeBody)
		flat := h.discount(key, fmt.Sprintf(`{"amount":1,"type":"flat","code":"flat-5","name":"Five off","usage_limit":10,
			"per_customer_usage_limit":2,"subscription_cycles":3,"preserve_on_plan_change":true,"customer_eligibility":"first_time",
			"starts_at":"2020-01-01T00:00:00.000Z","expires_at":"2999-01-01T00:00:00+02:00","metadata":{"n":1.50},"restricted_to":[%q],
			"currency_options":[{"currency":"USD","max_amount_possible":500,"minimum_subtotal":1000}]}`, pid))
		opts, _ := json.Marshal(flat["currency_options"])
		if flat["code"] != "FLAT-5" || flat["expires_at"] != "2998-12-31T22:00:00.000000Z" || flat["starts_at"] != "2020-01-01T00:00:00.000000Z" ||
			string(opts) != `[{"currency":"USD","is_default":true,"max_amount_possible":500,"minimum_subtotal":1000}]` ||
			flat["restricted_to"].([]any)[0] != pid || flat["usage_limit"] != 10.0 || flat["customer_eligibility"] != "first_time" {
			t.Errorf("flat = %v", flat)
		}
		if r := h.do("POST", "/discounts", key, `{"amount":1,"type":"percentage","code":"Flat-5"}`); r.status != 422 || r.json(t)["code"] != "DISCOUNT_CODE_ALREADY_EXISTS" {
			t.Errorf("duplicate code: %d %s", r.status, r.body)
		}
		// Lookup by code, case-insensitively; /discounts/code/{code} never
		// reaches the {discount_id} route.
		if r := h.do("GET", "/discounts/code/flat-5", key, ""); r.status != 200 || r.json(t)["discount_id"] != flat["discount_id"] {
			t.Errorf("by code: %d %s", r.status, r.body)
		}
		if r := h.do("GET", "/discounts/code/NOPE", key, ""); r.status != 404 || r.json(t)["code"] != "NOT_FOUND" {
			t.Errorf("by unknown code: %d %s", r.status, r.body)
		}
		if r := h.do("GET", "/discounts/code", key, ""); r.status != 404 {
			t.Errorf("/discounts/code: %d", r.status)
		}
		if r := h.do("GET", "/discounts/code/FLAT-5", h.keys["b"], ""); r.status != 404 {
			t.Errorf("by code, other business: %d", r.status)
		}
		// Delete: 204, then gone.
		if r := h.do("DELETE", "/discounts/"+id, key, ""); r.status != 204 || len(r.body) != 0 {
			t.Errorf("delete: %d %q", r.status, r.body)
		}
		for _, req := range [][3]string{{"GET", "/discounts/" + id, ""}, {"DELETE", "/discounts/" + id, ""}, {"PATCH", "/discounts/" + id, "{}"}, {"GET", "/discounts/code/" + code, ""}} {
			if r := h.do(req[0], req[1], key, req[2]); r.status != 404 {
				t.Errorf("%s %s after delete: %d", req[0], req[1], r.status)
			}
		}
		if r := h.do("POST", "/discounts", h.keys["aRO"], `{"amount":1,"type":"percentage"}`); r.status != 401 {
			t.Errorf("read-only create: %d", r.status)
		}
	})
}

func TestDiscountValidationWire(t *testing.T) {
	cases := []struct{ name, body, code, mentions string }{
		{"missing amount", `{"type":"percentage"}`, "INVALID_REQUEST_BODY", "amount"},
		{"missing type", `{"amount":1}`, "INVALID_REQUEST_BODY", "type"},
		{"fractional amount", `{"amount":1.5,"type":"percentage"}`, "INVALID_REQUEST_BODY", "amount"},
		{"zero amount", `{"amount":0,"type":"percentage"}`, "INVALID_REQUEST_BODY", "amount"},
		{"over 100%", `{"amount":10001,"type":"percentage"}`, "INVALID_PERCENTAGE", "amount"},
		{"flat_per_unit", `{"amount":1,"type":"flat_per_unit"}`, "UNSUPPORTED_DISCOUNT_TYPE", "type"},
		{"flat without options", `{"amount":1,"type":"flat"}`, "DISCOUNT_CURRENCY_OPTION_INVALID", "currency_options"},
		{"two defaults", `{"amount":1,"type":"percentage","currency_options":[{"currency":"USD","is_default":true},{"currency":"EUR","is_default":true}]}`, "DISCOUNT_CURRENCY_OPTION_INVALID", "default"},
		{"duplicate currency", `{"amount":1,"type":"percentage","currency_options":[{"currency":"USD"},{"currency":"USD"}]}`, "DISCOUNT_CURRENCY_OPTION_INVALID", "currency_options[1].currency"},
		{"option without currency", `{"amount":1,"type":"percentage","currency_options":[{"is_default":true}]}`, "INVALID_REQUEST_BODY", "currency_options[0].currency"},
		{"short code", `{"amount":1,"type":"percentage","code":"ab"}`, "INVALID_REQUEST_BODY", "code"},
		{"bad date", `{"amount":1,"type":"percentage","expires_at":"tomorrow"}`, "INVALID_REQUEST_BODY", "expires_at"},
		// Dates that would not come back as RFC 3339 (years 0001 to 9999 in UTC).
		{"year 10000 in UTC", `{"amount":1,"type":"percentage","expires_at":"9999-12-31T23:59:59-23:59"}`, "INVALID_REQUEST_BODY", "expires_at"},
		{"year 0 in UTC", `{"amount":1,"type":"percentage","starts_at":"0000-01-01T00:00:00+23:59"}`, "INVALID_REQUEST_BODY", "starts_at"},
		{"offset +24:00", `{"amount":1,"type":"percentage","expires_at":"2030-01-01T00:00:00+24:00"}`, "INVALID_REQUEST_BODY", "expires_at"},
		{"starts after expiry", `{"amount":1,"type":"percentage","starts_at":"2030-01-02T00:00:00Z","expires_at":"2030-01-01T00:00:00Z"}`, "INVALID_REQUEST_BODY", "starts_at"},
		{"per customer over usage", `{"amount":1,"type":"percentage","usage_limit":1,"per_customer_usage_limit":2}`, "INVALID_REQUEST_BODY", "per_customer_usage_limit"},
		{"eligibility", `{"amount":1,"type":"percentage","customer_eligibility":"vip"}`, "INVALID_REQUEST_BODY", "customer_eligibility"},
		{"unknown product", `{"amount":1,"type":"percentage","restricted_to":["pdt_nope"]}`, "INVALID_REQUEST_BODY", "pdt_nope"},
		{"metadata keys", `{"amount":1,"type":"percentage","metadata":{` + manyKeys(51) + `}}`, "MAXIMUM_KEYS_REACHED", "metadata"},
		{"several at once", `{"type":"percentage","code":"x","usage_limit":0}`, "INVALID_REQUEST_BODY", "usage_limit"},
	}
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		for _, c := range cases {
			r := h.do("POST", "/discounts", h.keys["a"], c.body)
			if r.status != 422 || r.json(t)["code"] != c.code || !strings.Contains(r.json(t)["message"].(string), c.mentions) {
				t.Errorf("%s: %d %s, want %s mentioning %q", c.name, r.status, r.body, c.code, c.mentions)
			}
		}
		if codes := h.discountCodes(h.keys["a"], ""); len(codes) != 0 {
			t.Errorf("rejected creates wrote %v", codes)
		}
		for _, q := range []string{"?discount_type=flat_per_unit", "?active=yes", "?page_size=101"} {
			if r := h.do("GET", "/discounts"+q, h.keys["a"], ""); r.status != 422 || r.json(t)["code"] != "INVALID_QUERY_PARAMS" {
				t.Errorf("list %s: %d %s", q, r.status, r.body)
			}
		}
	})
}
