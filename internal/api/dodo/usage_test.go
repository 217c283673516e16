package dodo_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// expect checks a response's status and, when code is set, its error code
// and that the message mentions mention.
func expect(t *testing.T, what string, r response, status int, code, mention string) {
	t.Helper()
	if r.status != status {
		t.Errorf("%s: status %d, want %d: %s", what, r.status, status, r.body)
		return
	}
	if code == "" {
		return
	}
	var e struct{ Code, Message string }
	json.Unmarshal(r.body, &e)
	if e.Code != code || !strings.Contains(e.Message, mention) {
		t.Errorf("%s: got %s, want code %s mentioning %q", what, r.body, code, mention)
	}
}

// canonical re-encodes JSON with sorted keys, for comparisons.
func canonical(s string) string {
	var v any
	json.Unmarshal([]byte(s), &v)
	b, _ := json.Marshal(v)
	return string(b)
}

func keysOf(m map[string]any) string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}

// made creates something and returns its id.
func (h *harness) made(path, body string, status int) string {
	h.t.Helper()
	r := h.do("POST", path, h.keys["a"], body)
	if r.status != status {
		h.t.Fatalf("POST %s: %d %s", path, r.status, r.body)
	}
	return r.json(h.t)["id"].(string)
}

func TestAddonsWire(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		a := h.keys["a"]
		r := h.do("POST", "/addons", a, `{"name":"Seat","price":500,"currency":"USD","tax_category":"saas"}`)
		expect(t, "create", r, 200, "", "")
		ad := r.json(t)
		if keysOf(ad) != "business_id,created_at,currency,description,id,image,name,price,tax_category,updated_at" || ad["description"] != nil {
			t.Errorf("addon = %s", r.body)
		}
		id := ad["id"].(string)
		expect(t, "missing fields", h.do("POST", "/addons", a, `{"name":"x"}`), 422, "INVALID_REQUEST_BODY", "price: is required")
		expect(t, "bad currency", h.do("POST", "/addons", a, `{"name":"x","price":1,"currency":"usd","tax_category":"saas"}`), 422, "INVALID_REQUEST_BODY", "currency")
		r = h.do("PATCH", "/addons/"+id, a, `{"price":900,"name":null,"description":"more","image_id":null}`)
		expect(t, "patch", r, 200, "", "")
		if p := r.json(t); p["price"] != 900.0 || p["name"] != "Seat" || p["description"] != "more" {
			t.Errorf("patched = %s", r.body)
		}
		expect(t, "image upload is unknown", h.do("PATCH", "/addons/"+id, a, `{"image_id":"8d2c7a3e-0000-4000-8000-000000000000"}`), 422, "INVALID_REQUEST_BODY", "image_id")
		expect(t, "get", h.do("GET", "/addons/"+id, a, ""), 200, "", "")
		for _, k := range []string{"b", "aLive"} {
			expect(t, "other tenant "+k, h.do("GET", "/addons/"+id, h.keys[k], ""), 404, "NOT_FOUND", id)
			expect(t, "other tenant patch "+k, h.do("PATCH", "/addons/"+id, h.keys[k], `{"price":1}`), 404, "NOT_FOUND", id)
		}
		h.made("/addons", `{"name":"Second","price":1,"currency":"EUR","tax_category":"e_book","description":null}`, 200)
		var list struct{ Items []map[string]any }
		json.Unmarshal(h.do("GET", "/addons?page_size=1&page_number=1", a, "").body, &list)
		if len(list.Items) != 1 || list.Items[0]["id"] != id {
			t.Errorf("page 1 of size 1 = %v", list.Items)
		}
		expect(t, "no delete", h.do("DELETE", "/addons/"+id, a, ""), 405, "", "")
		expect(t, "read-only key", h.do("POST", "/addons", h.keys["aRO"], `{}`), 401, "UNAUTHORIZED", "")
	})
}

func TestMetersWire(t *testing.T) {
	const filter = `{"conjunction":"or","clauses":[{"conjunction":"and","clauses":[{"key":"region","operator":"equals","value":"eu"},{"key":"n","operator":"greater_than","value":5.5},{"key":"beta","operator":"not_equals","value":true}]},{"conjunction":"and","clauses":[{"conjunction":"or","clauses":[{"key":"plan","operator":"contains","value":"pro"}]}]}]}`
	meter := func(agg, filter string) string {
		return `{"name":"Calls","event_name":"api.call","measurement_unit":"calls","aggregation":` + agg + `,"filter":` + filter + `}`
	}
	nested := func(depth int) string {
		f := `{"conjunction":"and","clauses":[{"key":"k","operator":"equals","value":"v"}]}`
		for i := 1; i < depth; i++ {
			f = `{"conjunction":"and","clauses":[` + f + `]}`
		}
		return f
	}
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		a := h.keys["a"]
		r := h.do("POST", "/meters", a, meter(`{"type":"sum","key":"tokens"}`, filter))
		expect(t, "create", r, 201, "", "")
		m := r.json(t)
		got, _ := json.Marshal(m["filter"])
		if string(got) != canonical(filter) || keysOf(m) != "aggregation,business_id,created_at,description,event_name,filter,id,measurement_unit,name,updated_at" {
			t.Errorf("meter = %s", r.body)
		}
		id := m["id"].(string)
		if r := h.do("POST", "/meters", a, meter(`{"type":"count"}`, "null")); r.status != 201 || r.json(t)["filter"] != nil {
			t.Errorf("count without key or filter: %d %s", r.status, r.body)
		}
		bad := map[string][2]string{
			"key required":       {meter(`{"type":"last"}`, "null"), "aggregation.key"},
			"unknown type":       {meter(`{"type":"avg","key":"x"}`, "null"), "aggregation.type"},
			"no aggregation":     {`{"name":"n","event_name":"e","measurement_unit":"u"}`, "aggregation"},
			"four levels":        {meter(`{"type":"count"}`, nested(4)), "nest at most 3"},
			"no clauses":         {meter(`{"type":"count"}`, `{"conjunction":"and","clauses":[]}`), "filter.clauses"},
			"eleven":             {meter(`{"type":"count"}`, `{"conjunction":"and","clauses":[`+strings.TrimSuffix(strings.Repeat(`{"key":"k","operator":"equals","value":1},`, 11), ",")+`]}`), "filter.clauses"},
			"mixed":              {meter(`{"type":"count"}`, `{"conjunction":"and","clauses":[{"key":"k","operator":"equals","value":1},`+nested(1)+`]}`), "not a mix"},
			"bad operator":       {meter(`{"type":"count"}`, `{"conjunction":"and","clauses":[{"key":"k","operator":"like","value":1}]}`), "filter.clauses[0].operator"},
			"array value":        {meter(`{"type":"count"}`, `{"conjunction":"and","clauses":[{"key":"k","operator":"equals","value":[1]}]}`), "filter.clauses[0].value"},
			"deep bad key":       {meter(`{"type":"count"}`, `{"conjunction":"and","clauses":[{"conjunction":"or","clauses":[{"key":"","operator":"equals","value":1}]}]}`), "filter.clauses[0].clauses[0].key"},
			"filter not object":  {meter(`{"type":"count"}`, `[1]`), "filter"},
			"clause not object":  {meter(`{"type":"count"}`, `{"conjunction":"and","clauses":[1]}`), "filter.clauses[0]"},
			"missing conjuction": {meter(`{"type":"count"}`, `{"clauses":[{"key":"k","operator":"equals","value":1}]}`), "filter.conjunction"},
		}
		for name, c := range bad {
			expect(t, name, h.do("POST", "/meters", a, c[0]), 422, "INVALID_REQUEST_BODY", c[1])
		}
		expect(t, "three levels", h.do("POST", "/meters", a, meter(`{"type":"count"}`, nested(3))), 201, "", "")
		r = h.do("DELETE", "/meters/"+id, a, "")
		if r.status != 204 || len(r.body) != 0 {
			t.Errorf("archive: %d %q", r.status, r.body)
		}
		expect(t, "archive again", h.do("DELETE", "/meters/"+id, a, ""), 204, "", "")
		expect(t, "get archived", h.do("GET", "/meters/"+id, a, ""), 200, "", "")
		count := func(q string) int {
			var out struct{ Items []any }
			json.Unmarshal(h.do("GET", "/meters"+q, a, "").body, &out)
			return len(out.Items)
		}
		if count("") != 2 || count("?archived=true") != 1 || count("?archived=false") != 2 {
			t.Errorf("lists: %d active, %d archived", count(""), count("?archived=true"))
		}
		expect(t, "unarchive", h.do("POST", "/meters/"+id+"/unarchive", a, ""), 200, "", "")
		if count("?archived=true") != 0 {
			t.Errorf("unarchive left it archived")
		}
		expect(t, "unknown", h.do("DELETE", "/meters/mtr_nope", a, ""), 404, "NOT_FOUND", "mtr_nope")
		expect(t, "other business", h.do("GET", "/meters/"+id, h.keys["b"], ""), 404, "NOT_FOUND", "")
		expect(t, "bad archived", h.do("GET", "/meters?archived=yes", a, ""), 422, "INVALID_QUERY_PARAMS", "archived")
	})
}

func TestCreditEntitlementsWire(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		a := h.keys["a"]
		id := h.made("/credit-entitlements", `{"name":"Tokens","precision":2,"unit":"tokens","rollover_enabled":true,"overage_enabled":true,"price_per_unit":"0.01","currency":"USD","rollover_timeframe_count":1,"rollover_timeframe_interval":"Month"}`, 201)
		r := h.do("GET", "/credit-entitlements/"+id, a, "")
		c := r.json(t)
		if keysOf(c) != "business_id,created_at,currency,description,expires_after_days,id,max_rollover_count,name,overage_behavior,overage_enabled,overage_limit,precision,price_per_unit,rollover_enabled,rollover_percentage,rollover_timeframe_count,rollover_timeframe_interval,unit,updated_at" ||
			c["overage_behavior"] != "forgive_at_reset" || c["price_per_unit"] != "0.01" {
			t.Errorf("credit entitlement = %s", r.body)
		}
		expect(t, "missing fields", h.do("POST", "/credit-entitlements", a, `{"name":"x"}`), 422, "INVALID_REQUEST_BODY", "precision: is required")
		expect(t, "duplicate", h.do("POST", "/credit-entitlements", a, `{"name":"Tokens","precision":0,"unit":"u","rollover_enabled":false,"overage_enabled":false}`), 422, "CREDIT_ENTITLEMENT_NAME_ALREADY_EXISTS", "Tokens")

		patch := func(body string) response { return h.do("PATCH", "/credit-entitlements/"+id, a, body) }
		r = patch(`{"description":"d","name":null,"overage_limit":100}`)
		if r.status != 200 || len(r.body) != 0 {
			t.Errorf("patch: %d %q", r.status, r.body)
		}
		expect(t, "null currency with a price", patch(`{"currency":null}`), 422, "INVALID_REQUEST_BODY", "currency")
		expect(t, "one timeframe field", patch(`{"rollover_timeframe_count":null}`), 422, "INVALID_REQUEST_BODY", "rollover_timeframe")
		expect(t, "precision", patch(`{"precision":5}`), 422, "INVALID_REQUEST_BODY", "precision")
		expect(t, "overage_limit as string", patch(`{"overage_limit":"5"}`), 422, "INVALID_REQUEST_BODY", "overage_limit")
		expect(t, "merged valid", patch(`{"overage_enabled":false,"price_per_unit":null,"currency":null,"rollover_timeframe_count":null,"rollover_timeframe_interval":null}`), 200, "", "")
		c = h.do("GET", "/credit-entitlements/"+id, a, "").json(t)
		if c["name"] != "Tokens" || c["description"] != "d" || c["overage_limit"] != 100.0 || c["currency"] != nil || c["rollover_timeframe_interval"] != nil {
			t.Errorf("after patches: %v", c)
		}

		r = h.do("DELETE", "/credit-entitlements/"+id, a, "")
		expect(t, "delete", r, 200, "", "")
		expect(t, "delete again", h.do("DELETE", "/credit-entitlements/"+id, a, ""), 410, "CREDIT_ENTITLEMENT_IS_DELETED", id)
		expect(t, "get deleted", h.do("GET", "/credit-entitlements/"+id, a, ""), 404, "NOT_FOUND", id)
		expect(t, "patch deleted", patch(`{"unit":"x"}`), 404, "NOT_FOUND", id)
		var list struct{ Items []map[string]any }
		json.Unmarshal(h.do("GET", "/credit-entitlements?deleted=true", a, "").body, &list)
		if len(list.Items) != 1 || list.Items[0]["id"] != id {
			t.Errorf("deleted=true lists %v", list.Items)
		}
		expect(t, "undelete by another business", h.do("POST", "/credit-entitlements/"+id+"/undelete", h.keys["b"], ""), 500, "NOT_FOUND", id)
		expect(t, "undelete", h.do("POST", "/credit-entitlements/"+id+"/undelete", a, ""), 200, "", "")
		for what, path := range map[string]string{"an active one": id, "an unknown one": "cde_nope"} {
			r := h.do("POST", "/credit-entitlements/"+path+"/undelete", a, "")
			if r.status != 500 || r.header.Get("X-Should-Retry") != "false" || r.json(t)["code"] == "INTERNAL_SERVER_ERROR" {
				t.Errorf("undelete of %s: %d %v %s", what, r.status, r.header, r.body)
			}
		}
		expect(t, "get undeleted", h.do("GET", "/credit-entitlements/"+id, a, ""), 200, "", "")

		// One name, many parallel creates over HTTP: one 201, the rest 422.
		var wg sync.WaitGroup
		statuses := make([]int, 10)
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = h.do("POST", "/credit-entitlements", a, `{"name":"Race","precision":0,"unit":"u","rollover_enabled":false,"overage_enabled":false}`).status
			}()
		}
		wg.Wait()
		sort.Ints(statuses)
		if fmt.Sprint(statuses) != "[201 422 422 422 422 422 422 422 422 422]" {
			t.Errorf("parallel creates: %v", statuses)
		}
	})
}
