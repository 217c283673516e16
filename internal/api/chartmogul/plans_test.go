package chartmogul_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

func TestPlanCreate(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		k := h.keys["a"]
		ds, ds2 := h.dataSource(k, "One"), h.dataSource(k, "Two")

		// Without external_id (or with null/empty) one is generated and the
		// uuid embeds it.
		for _, extra := range []string{"", `,"external_id":null`, `,"external_id":""`} {
			r := h.do("POST", "/v1/plans", k, `{"data_source_uuid":"`+ds+`","name":"P","interval_count":1,"interval_unit":"month"`+extra+`}`)
			r.is(t, 201, "")
			m := r.json(t)
			if ext, _ := m["external_id"].(string); ext == "" || m["uuid"] != "pl_"+ext || len(m) != 6 {
				t.Fatalf("generated external id: %s", r.body)
			}
		}
		r := h.do("POST", "/v1/plans", k, `{"data_source_uuid":"`+ds+`","name":"P","interval_count":"3","interval_unit":"year","external_id":"ext"}`)
		r.is(t, 201, "")
		m := r.json(t)
		id := m["uuid"].(string)
		if !strings.HasPrefix(id, "pl_") || len(id) != 39 || m["external_id"] != "ext" || m["interval_count"] != 3.0 {
			t.Fatalf("plan: %s", r.body)
		}
		h.do("GET", "/v1/plans/"+id, k, "{}").is(t, 200, string(r.body))
		// external_id is unique per data source, not per account.
		h.do("POST", "/v1/plans", k, `{"data_source_uuid":"`+ds+`","name":"Q","interval_count":1,"interval_unit":"day","external_id":"ext"}`).
			is(t, 422, `{"errors":{"external_id":"A plan with this identifier already exists in our system."}}`)
		h.plan(k, ds2, "Q", `,"external_id":"ext"`)

		h.do("POST", "/v1/plans", k, `{"name":null,"interval_count":null,"interval_unit":null,"data_source_uuid":null}`).
			is(t, 422, `{"errors":{"name":"A unique name is required for each plan.","interval_count":"is not a number",
				"interval_unit":"Only 'day', 'month' or 'year' are valid values for interval_unit.",
				"data_source_uuid":"A valid data source UUID is required for each plan."}}`)
		h.do("POST", "/v1/plans", k, `{}`).is(t, 422, "")
		for body, field := range map[string]string{
			`"interval_unit":"week"`:    "interval_unit",
			`"interval_count":0`:        "interval_count",
			`"interval_count":1.5`:      "interval_count",
			`"interval_count":"x"`:      "interval_count",
			`"name":"  "`:               "name",
			`"external_id":5`:           "external_id",
			`"data_source_uuid":"ds_x"`: "data_source_uuid",
		} {
			base := map[string]string{"data_source_uuid": `"` + ds + `"`, "name": `"N"`, "interval_count": "1", "interval_unit": `"day"`}
			k2, v, _ := strings.Cut(body, ":")
			base[strings.Trim(k2, `"`)] = v
			var parts []string
			for key, val := range base {
				parts = append(parts, `"`+key+`":`+val)
			}
			r := h.do("POST", "/v1/plans", k, "{"+strings.Join(parts, ",")+"}")
			errs, _ := r.json(t)["errors"].(map[string]any)
			if r.status != 422 || len(errs) != 1 || errs[field] == nil {
				t.Errorf("%s: %d %s", body, r.status, r.body)
			}
		}
		// The pre-2017 path is an alias.
		h.create("/v1/import/plans", k, `{"data_source_uuid":"`+ds+`","name":"Old","interval_count":1,"interval_unit":"month"}`)
	})
}

func TestPlanUpdateAndDelete(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		k := h.keys["a"]
		ds := h.dataSource(k, "One")
		id := h.plan(k, ds, "Chocolate Plan", `,"external_id":"plan_0002"`)
		want := func(name string, n int, unit string) string {
			return `{"external_id":"plan_0002","name":"` + name + `","interval_count":` + string(rune('0'+n)) +
				`,"interval_unit":"` + unit + `","data_source_uuid":"` + ds + `","uuid":"` + id + `"}`
		}
		h.do("PATCH", "/v1/plans/"+id, k, `{"name":"Chocolate Plan 2"}`).is(t, 202, want("Chocolate Plan 2", 1, "month"))
		// Ruby's update! echoes external_id and data_source_uuid; they are ignored.
		h.do("PATCH", "/v1/plans/"+id, k, `{"name":"N","interval_count":2,"interval_unit":"day","external_id":"other","data_source_uuid":"ds_x","uuid":"pl_x"}`).
			is(t, 202, want("N", 2, "day"))
		h.do("PUT", "/v1/plans/"+id, k, `{"interval_count":3,"name":null}`).is(t, 202, want("N", 3, "day"))
		h.do("PATCH", "/v1/plans/"+id, k, ``).is(t, 202, want("N", 3, "day"))
		h.do("PATCH", "/v1/plans/"+id, k, `{"interval_unit":"fortnight"}`).
			is(t, 422, `{"errors":{"interval_unit":"Only 'day', 'month' or 'year' are valid values for interval_unit."}}`)
		h.do("PATCH", "/v1/plans/"+id, k, `{"name":""}`).is(t, 422, `{"errors":{"name":"A unique name is required for each plan."}}`)
		h.do("PATCH", "/v1/plans/"+id, k, `{"interval_count":-1}`).is(t, 422, "")
		h.do("GET", "/v1/plans/"+id, k, "").is(t, 200, want("N", 3, "day"))
		h.do("PATCH", "/v1/plans/pl_nope", k, `{"name":"x"}`).is(t, 404, `{"error":"Plan not found"}`)

		other := h.plan(k, ds, "Other", "")
		g := h.create("/v1/plan_groups", k, `{"name":"G","plans":["`+id+`","`+other+`"]}`)
		h.do("DELETE", "/v1/plans/"+id, k, "").is(t, 204, "")
		h.do("DELETE", "/v1/plans/"+id, k, "").is(t, 404, `{"error":"Plan not found"}`)
		h.do("GET", "/v1/plan_groups/"+g, k, "").is(t, 200, `{"name":"G","uuid":"`+g+`","plans_count":1}`)
	})
}

func TestPlanFilters(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		k := h.keys["a"]
		custom := h.dataSource(k, "Custom one")
		stripe := h.create("/v1/data_sources", k, `{"name":"Stripe one","system":"Stripe"}`)
		a := h.plan(k, custom, "A", `,"external_id":"same"`)
		b := h.plan(k, stripe, "B", `,"external_id":"same"`)
		c := h.plan(k, stripe, "C", "")
		for q, want := range map[string][]string{
			"":                                       {c, b, a},
			"data_source_uuid=":                      {c, b, a},
			"data_source_uuid=&external_id=&system=": {c, b, a},
			"data_source_uuid=" + stripe:             {c, b},
			"external_id=same":                       {b, a},
			"system=stripe":                          {c, b},
			"system=Custom":                          {a},
			"data_source_uuid=" + custom + "&system=x":         nil,
			"data_source_uuid=" + stripe + "&external_id=same": {b},
		} {
			r := h.do("GET", "/v1/plans?"+q, k, "{}")
			if got := uuids(t, r, "plans"); !slices.Equal(got, want) {
				t.Errorf("%q: %v, want %v", q, got, want)
			}
			for _, bad := range []string{"data_source_uuid", "customer_uuid", "summary"} {
				if _, ok := r.json(t)[bad]; ok {
					t.Errorf("%q: envelope has %s", q, bad)
				}
			}
		}
	})
}
