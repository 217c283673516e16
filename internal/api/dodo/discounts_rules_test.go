package dodo_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

func TestDiscountByCodeRules(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		key := h.keys["a"]
		past := time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)
		future := time.Now().UTC().Add(time.Hour).Format(time.RFC3339)
		h.discount(key, `{"amount":1,"type":"percentage","code":"OLD","expires_at":"`+past+`"}`)
		h.discount(key, `{"amount":1,"type":"percentage","code":"SOON","starts_at":"`+future+`"}`)
		once := h.discount(key, `{"amount":1,"type":"percentage","code":"ONCE","usage_limit":1}`)
		if r := h.do("GET", "/discounts/code/ONCE", key, ""); r.status != 200 {
			t.Fatalf("redeemable: %d %s", r.status, r.body)
		}
		// Checkout is not part of the catalog; record a use in the store.
		tn := catalog.Tenant{BusinessID: once["business_id"].(string), Mode: catalog.ModeTest}
		if _, err := st.RedeemDiscount(context.Background(), tn, "ONCE"); err != nil {
			t.Fatal(err)
		}
		for code, want := range map[string]string{"old": "DISCOUNT_CODE_EXPIRED", "soon": "DISCOUNT_NOT_YET_ACTIVE", "once": "DISCOUNT_CODE_USAGE_LIMIT_EXCEEDED"} {
			if r := h.do("GET", "/discounts/code/"+code, key, ""); r.status != 422 || r.json(t)["code"] != want {
				t.Errorf("%s: %d %s, want 422 %s", code, r.status, r.body, want)
			}
		}
		// By id they are all still there, with their use counted.
		if got := h.do("GET", "/discounts/"+once["discount_id"].(string), key, "").json(t); got["times_used"] != 1.0 {
			t.Errorf("times_used = %v", got["times_used"])
		}
		if codes := h.discountCodes(key, "?active=false"); !slices.Equal(sorted(codes), []string{"OLD", "ONCE", "SOON"}) {
			t.Errorf("inactive = %v", codes)
		}
		if codes := h.discountCodes(key, "?active=true"); len(codes) != 0 {
			t.Errorf("active = %v", codes)
		}
	})
}

func sorted(s []string) []string { slices.Sort(s); return s }

func TestDiscountListWire(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		key := h.keys["a"]
		p1, p2 := h.create(key, oneTimeBody), h.create(key, oneTimeBody)
		h.discount(key, `{"amount":1,"type":"percentage","code":"SUMMER10"}`)
		h.discount(key, fmt.Sprintf(`{"amount":1,"type":"percentage","code":"summer_p1","restricted_to":[%q]}`, p1))
		h.discount(key, `{"amount":1,"type":"flat","code":"WINTER","currency_options":[{"currency":"USD","max_amount_possible":5}]}`)
		h.discount(h.keys["b"], `{"amount":1,"type":"percentage","code":"SUMMER99"}`)
		for q, want := range map[string][]string{
			"":                           {"SUMMER10", "SUMMER_P1", "WINTER"},
			"?code=mer":                  {"SUMMER10", "SUMMER_P1"},
			"?code=_p":                   {"SUMMER_P1"},
			"?discount_type=flat":        {"WINTER"},
			"?product_id=" + p1:          {"SUMMER10", "SUMMER_P1", "WINTER"},
			"?product_id=" + p2:          {"SUMMER10", "WINTER"},
			"?active=true&code=sum":      {"SUMMER10", "SUMMER_P1"},
			"?code=&discount_type=":      {"SUMMER10", "SUMMER_P1", "WINTER"},
			"?page_size=2":               {"SUMMER_P1", "WINTER"},
			"?page_size=2&page_number=1": {"SUMMER10"},
			"?page_size=2&page_number=5": nil,
		} {
			if got := sorted(h.discountCodes(key, q)); !slices.Equal(got, want) {
				t.Errorf("%q: %v, want %v", q, got, want)
			}
		}
	})
}

func TestDiscountPatchWire(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		key := h.keys["a"]
		pid := h.create(key, oneTimeBody)
		d := h.discount(key, fmt.Sprintf(`{"amount":1000,"type":"percentage","code":"BASE","name":"N","usage_limit":5,"per_customer_usage_limit":2,
			"starts_at":"2020-01-01T00:00:00Z","expires_at":"2999-01-01T00:00:00Z","customer_eligibility":"existing","restricted_to":[%q],
			"currency_options":[{"currency":"EUR","max_amount_possible":100}]}`, pid))
		path := "/discounts/" + d["discount_id"].(string)
		patch := func(body string) map[string]any {
			t.Helper()
			r := h.do("PATCH", path, key, body)
			if r.status != 200 {
				t.Fatalf("patch %s: %d %s", body, r.status, r.body)
			}
			return r.json(t)
		}
		if got := patch(`{}`); got["code"] != "BASE" || got["updated_at"] != nil || got["name"] != "N" {
			t.Errorf("{} = %v", got)
		}
		// Null on a plain field is no change; on the documented
		// tri-state fields it clears.
		got := patch(`{"name":null,"expires_at":null,"usage_limit":null,"customer_eligibility":null,"amount":null,"code":"base2",
			"starts_at":null,"per_customer_usage_limit":null}`)
		if got["name"] != "N" || got["expires_at"] == nil || got["usage_limit"] != 5.0 || got["customer_eligibility"] != "existing" || got["amount"] != 1000.0 ||
			got["code"] != "BASE2" || got["starts_at"] != nil || got["per_customer_usage_limit"] != nil {
			t.Errorf("null patch = %v", got)
		}
		got = patch(`{"restricted_to":[],"currency_options":[],"preserve_on_plan_change":true,"starts_at":"2021-01-01T00:00:00Z"}`)
		if len(got["restricted_to"].([]any)) != 0 || len(got["currency_options"].([]any)) != 0 || got["preserve_on_plan_change"] != true ||
			got["starts_at"] != "2021-01-01T00:00:00.000000Z" {
			t.Errorf("replace-set patch = %v", got)
		}
		for body, code := range map[string]string{
			`{"type":"flat"}`:                      "DISCOUNT_CURRENCY_OPTION_INVALID",
			`{"amount":20000}`:                     "INVALID_PERCENTAGE",
			`{"per_customer_usage_limit":6}`:       "INVALID_REQUEST_BODY",
			`{"code":""}`:                          "INVALID_REQUEST_BODY",
			`{"starts_at":"3000-01-01T00:00:00Z"}`: "INVALID_REQUEST_BODY",
			`{"restricted_to":["pdt_nope"]}`:       "INVALID_REQUEST_BODY",
		} {
			if r := h.do("PATCH", path, key, body); r.status != 422 || r.json(t)["code"] != code {
				t.Errorf("patch %s: %d %s, want %s", body, r.status, r.body, code)
			}
		}
		if got := h.do("GET", path, key, "").json(t); got["type"] != "percentage" || got["amount"] != 1000.0 || got["code"] != "BASE2" {
			t.Errorf("rejected patches changed %v", got)
		}
		h.discount(key, `{"amount":1,"type":"percentage","code":"TAKEN"}`)
		if r := h.do("PATCH", path, key, `{"code":"taken"}`); r.status != 422 || r.json(t)["code"] != "DISCOUNT_CODE_ALREADY_EXISTS" {
			t.Errorf("rename onto taken: %d %s", r.status, r.body)
		}
		if r := h.do("PATCH", path, h.keys["b"], `{"name":"x"}`); r.status != 404 {
			t.Errorf("other business patch: %d", r.status)
		}
	})
}

// TestDiscountCodeRaceOverHTTP sends one code from many requests at once:
// one 200, every other a 422 DISCOUNT_CODE_ALREADY_EXISTS.
func TestDiscountCodeRaceOverHTTP(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		statuses := make([]string, 10)
		var wg sync.WaitGroup
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := h.do("POST", "/discounts", h.keys["a"], `{"amount":1,"type":"percentage","code":"race"}`)
				statuses[i] = fmt.Sprint(r.status)
				if r.status != 200 {
					statuses[i] += " " + fmt.Sprint(r.json(t)["code"])
				}
			}()
		}
		wg.Wait()
		ok := 0
		for _, s := range statuses {
			switch s {
			case "200":
				ok++
			case "422 DISCOUNT_CODE_ALREADY_EXISTS":
			default:
				t.Errorf("unexpected reply %s", s)
			}
		}
		if ok != 1 || len(h.discountCodes(h.keys["a"], "")) != 1 {
			t.Errorf("%d creates succeeded: %v", ok, statuses)
		}
	})
}
