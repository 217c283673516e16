package dodo_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

const monthlyUsage = `"type":"usage_based_price","currency":"USD","fixed_price":900,"payment_frequency_count":1,"payment_frequency_interval":"Month","subscription_period_count":1,"subscription_period_interval":"Month"`

// refs makes one addon, meter, entitlement and credit entitlement.
func (h *harness) refs() (addon, meter, ent, credit string) {
	return h.made("/addons", `{"name":"Seat","price":500,"currency":"USD","tax_category":"saas"}`, 200),
		h.made("/meters", `{"name":"Calls","description":"API calls","event_name":"api.call","measurement_unit":"calls","aggregation":{"type":"count"}}`, 201),
		h.made("/entitlements", `{"name":"Pro","description":"pro features","integration_type":"feature_flag","integration_config":{"feature_id":"pro","feature_type":"boolean"}}`, 200),
		h.made("/credit-entitlements", `{"name":"Tokens","precision":0,"unit":"tokens","rollover_enabled":true,"overage_enabled":true,"price_per_unit":"2","currency":"USD","overage_behavior":"carry_deficit"}`, 201)
}

func TestProductReferencesWire(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		a := h.keys["a"]
		addon, meter, ent, credit := h.refs()
		full := fmt.Sprintf(`{"name":"Full","tax_category":"saas","addons":[%q],
			"price":{%s,"meters":[{"meter_id":%q,"price_per_unit":"0.5","free_threshold":100,"credit_entitlement_id":%q,"meter_units_per_credit":"10","name":"ignored"}]},
			"entitlements":[{"entitlement_id":%q}],
			"credit_entitlements":[{"credit_entitlement_id":%q,"credits_amount":"1000","rollover_enabled":false,"trial_credits":"5"}]}`,
			addon, monthlyUsage, meter, credit, ent, credit)
		r := h.do("POST", "/products", a, full)
		expect(t, "create full product", r, 200, "", "")
		p := r.json(t)
		id := p["product_id"].(string)
		m := p["price"].(map[string]any)["meters"].([]any)[0].(map[string]any)
		if m["name"] != "Calls" || m["description"] != "API calls" || m["measurement_unit"] != "calls" || m["meter_units_per_credit"] != "10" {
			t.Errorf("meter price = %v", m)
		}
		cm := p["credit_entitlements"].([]any)[0].(map[string]any)
		want := map[string]any{"credit_entitlement_id": credit, "credit_entitlement_name": "Tokens", "credit_entitlement_unit": "tokens",
			"credits_amount": "1000", "overage_behavior": "carry_deficit", "overage_enabled": true, "proration_behavior": "prorate",
			"rollover_enabled": false, "trial_credits_expire_after_trial": false, "trial_credits": "5", "price_per_unit": nil}
		for k, v := range want {
			if cm[k] != v {
				t.Errorf("credit mapping %s = %v, want %v", k, cm[k], v)
			}
		}
		if len(keysOf(cm)) == 0 || !strings.Contains(keysOf(cm), "low_balance_threshold_percent") {
			t.Errorf("credit mapping keys: %s", keysOf(cm))
		}
		es := p["entitlements"].([]any)
		if len(es) != 1 || keysOf(es[0].(map[string]any)) != "description,id,integration_config,integration_type,name" ||
			es[0].(map[string]any)["description"] != "pro features" {
			t.Errorf("entitlements = %v", es)
		}

		// The list renders entitlements and meter names too.
		var list struct{ Items []map[string]any }
		json.Unmarshal(h.do("GET", "/products", a, "").body, &list)
		item := list.Items[0]
		if es := item["entitlements"].([]any); len(es) != 1 || es[0].(map[string]any)["name"] != "Pro" {
			t.Errorf("list entitlements = %v", item["entitlements"])
		}
		if n := item["price_detail"].(map[string]any)["meters"].([]any)[0].(map[string]any)["name"]; n != "Calls" {
			t.Errorf("list meter name = %v", n)
		}

		// References render as the referenced objects are now.
		h.do("PATCH", "/entitlements/"+ent, a, `{"name":"Pro v2"}`)
		h.do("PATCH", "/credit-entitlements/"+credit, a, `{"overage_behavior":"invoice_at_billing","unit":"credits"}`)
		p = h.do("GET", "/products/"+id, a, "").json(t)
		cm = p["credit_entitlements"].([]any)[0].(map[string]any)
		if p["entitlements"].([]any)[0].(map[string]any)["name"] != "Pro v2" || cm["overage_behavior"] != "invoice_at_billing" || cm["credit_entitlement_unit"] != "credits" {
			t.Errorf("not current: %v / %v", p["entitlements"], cm)
		}
		h.do("DELETE", "/entitlements/"+ent, a, "")
		if es := h.do("GET", "/products/"+id, a, "").json(t)["entitlements"].([]any); len(es) != 0 {
			t.Errorf("a deleted entitlement is shown: %v", es)
		}
		expect(t, "patch name after the entitlement went", h.do("PATCH", "/products/"+id, a, `{"name":"Full 2"}`), 200, "", "")

		// Collections count what the product refers to.
		cid := h.made("/product-collections", fmt.Sprintf(`{"name":"C","groups":[{"products":[{"product_id":%q}]}]}`, id), 200)
		member := func() map[string]any {
			c := h.do("GET", "/product-collections/"+cid, a, "").json(t)
			return c["groups"].([]any)[0].(map[string]any)["products"].([]any)[0].(map[string]any)
		}
		if mb := member(); mb["addons_count"] != 1.0 || mb["meters_count"] != 1.0 || mb["has_credit_entitlements"] != true {
			t.Errorf("member = %v", mb)
		}

		// PATCH replaces the whole set; [] clears.
		ent2 := h.made("/entitlements", `{"name":"Repo","integration_type":"github","integration_config":{"target_id":"a/b","permission":"pull"}}`, 200)
		expect(t, "replace sets", h.do("PATCH", "/products/"+id, a, fmt.Sprintf(`{"entitlements":[{"entitlement_id":%q}],"credit_entitlements":[],"addons":[]}`, ent2)), 200, "", "")
		p = h.do("GET", "/products/"+id, a, "").json(t)
		if es := p["entitlements"].([]any); len(es) != 1 || es[0].(map[string]any)["id"] != ent2 || len(p["credit_entitlements"].([]any)) != 0 {
			t.Errorf("after replace: %v %v", p["entitlements"], p["credit_entitlements"])
		}
		if mb := member(); mb["addons_count"] != 0.0 || mb["has_credit_entitlements"] != false {
			t.Errorf("member after replace = %v", mb)
		}
	})
}

func TestProductReferenceErrorsWire(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		a := h.keys["a"]
		addon, meter, ent, credit := h.refs()
		h.do("DELETE", "/meters/"+meter, a, "")
		h.do("DELETE", "/entitlements/"+ent, a, "")
		h.do("DELETE", "/credit-entitlements/"+credit, a, "")
		ot := `"price":{"type":"one_time_price","currency":"USD","price":100}`
		meters := func(list string) string {
			return `{"name":"U","tax_category":"saas","price":{` + monthlyUsage + `,"meters":` + list + `}}`
		}
		cases := []struct{ name, body, code, mention string }{
			{"addon on one-time", fmt.Sprintf(`{"name":"x","tax_category":"saas","addons":[%q],%s}`, addon, ot), "INVALID_REQUEST_BODY", "subscription"},
			{"addon twice", fmt.Sprintf(`{"name":"x","tax_category":"saas","addons":[%q,%q],"price":{%s}}`, addon, addon, monthlyUsage), "DUPLICATE_ADDON_IDS_IN_REQUEST", "addons"},
			{"archived meter", meters(fmt.Sprintf(`[{"meter_id":%q}]`, meter)), "METER_IS_DELETED", meter},
			{"unknown meter", meters(`[{"meter_id":"mtr_nope"}]`), "MISSING_METER_IDS", "mtr_nope"},
			{"deleted credit", fmt.Sprintf(`{"name":"x","tax_category":"saas","credit_entitlements":[{"credit_entitlement_id":%q,"credits_amount":"1"}],%s}`, credit, ot), "CREDIT_ENTITLEMENT_IS_DELETED", credit},
			{"deleted entitlement", fmt.Sprintf(`{"name":"x","tax_category":"saas","entitlements":[{"entitlement_id":%q}],%s}`, ent, ot), "MISSING_ENTITLEMENT_IDS", ent},
			{"addon of another business", fmt.Sprintf(`{"name":"x","tax_category":"saas","addons":[%q],"price":{%s}}`, h.madeBy("b"), monthlyUsage), "MISSING_ADDON_IDS", "adn_"},
		}
		for _, c := range cases {
			expect(t, c.name, h.do("POST", "/products", a, c.body), 422, c.code, c.mention)
		}
		if n := h.count(a); n != 0 {
			t.Errorf("rejected creates wrote %d products", n)
		}
	})
}

// madeBy creates an addon with the key named k and returns its id.
func (h *harness) madeBy(k string) string {
	h.t.Helper()
	r := h.do("POST", "/addons", h.keys[k], `{"name":"Theirs","price":1,"currency":"USD","tax_category":"saas"}`)
	return r.json(h.t)["id"].(string)
}
