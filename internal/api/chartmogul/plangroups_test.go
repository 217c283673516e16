package chartmogul_test

import (
	"regexp"
	"slices"
	"testing"

	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

var plgUUID = regexp.MustCompile(`^plg_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

const blankGroup = `{"name":["Name can't be blank"],"plan_ids":["Plan ids can't be blank"],
	"error_details":[{"param":"name","code":"blank","message":"Name can't be blank"},
	{"param":"plan_ids","code":"blank","message":"Plan ids can't be blank"}]}`

const blankPlans = `{"plan_ids":["Plan ids can't be blank"],
	"error_details":[{"param":"plan_ids","code":"blank","message":"Plan ids can't be blank"}]}`

func TestPlanGroupCreate(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		k := h.keys["a"]
		ds := h.dataSource(k, "One")
		p1, p2 := h.plan(k, ds, "one", ""), h.plan(k, ds, "two", "")
		r := h.do("POST", "/v1/plan_groups", k, `{"name":"New Plan Group","plans":["`+p1+`","`+p2+`","`+p1+`","pl_unknown"]}`)
		r.is(t, 200, "")
		m := r.json(t)
		g := m["uuid"].(string)
		if !plgUUID.MatchString(g) {
			t.Fatalf("group uuid %q", g)
		}
		r.is(t, 200, `{"name":"New Plan Group","uuid":"`+g+`","plans_count":2}`)
		h.do("GET", "/v1/plan_groups/"+g, k, "{}").is(t, 200, `{"name":"New Plan Group","uuid":"`+g+`","plans_count":2}`)

		h.do("POST", "/v1/plan_groups", k, `{}`).is(t, 422, blankGroup)
		h.do("POST", "/v1/plan_groups", k, ``).is(t, 422, blankGroup)
		h.do("POST", "/v1/plan_groups", k, `{"name":"","plans":[]}`).is(t, 422, blankGroup)
		h.do("POST", "/v1/plan_groups", k, `{"name":"G","plans":["pl_unknown"]}`).is(t, 422, blankPlans)
		h.do("POST", "/v1/plan_groups", k, `{"name":"G","plans":"`+p1+`"}`).
			is(t, 422, `{"plan_ids":["Plan ids is invalid"],"error_details":[{"param":"plan_ids","code":"invalid","message":"Plan ids is invalid"}]}`)
		// Another tenant's plans do not exist for the caller.
		h.do("POST", "/v1/plan_groups", h.keys["b"], `{"name":"G","plans":["`+p1+`"]}`).is(t, 422, blankPlans)
		h.do("GET", "/v1/plan_groups/"+g, h.keys["b"], "").is(t, 404, `{"error":"Plan group not found"}`)
		// A plan may be in several groups.
		g2 := h.create("/v1/plan_groups", k, `{"name":"Second","plans":["`+p1+`"]}`)
		if got := uuids(t, h.do("GET", "/v1/plan_groups", k, ""), "plan_groups"); !slices.Equal(got, []string{g2, g}) {
			t.Fatalf("groups %v", got)
		}
	})
}

func TestPlanGroupUpdateAndDelete(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		k := h.keys["a"]
		ds := h.dataSource(k, "One")
		p1, p2, p3 := h.plan(k, ds, "one", ""), h.plan(k, ds, "two", ""), h.plan(k, ds, "three", "")
		g := h.create("/v1/plan_groups", k, `{"name":"G","plans":["`+p1+`","`+p2+`"]}`)
		obj := func(name string, n string) string {
			return `{"name":"` + name + `","uuid":"` + g + `","plans_count":` + n + `}`
		}

		h.do("PATCH", "/v1/plan_groups/"+g, k, `{"name":"A new name"}`).is(t, 200, obj("A new name", "2"))
		h.do("PATCH", "/v1/plan_groups/"+g, k, `{"name":"Another name","plans":["`+p3+`"],"plans_count":9,"uuid":"plg_x"}`).is(t, 200, obj("Another name", "1"))
		if got := uuids(t, h.do("GET", "/v1/plan_groups/"+g+"/plans", k, ""), "plans"); !slices.Equal(got, []string{p3}) {
			t.Fatalf("membership after replace: %v", got)
		}
		h.do("PUT", "/v1/plan_groups/"+g, k, `{"plans":["`+p1+`","`+p2+`","`+p3+`"],"name":null}`).is(t, 200, obj("Another name", "3"))
		h.do("PATCH", "/v1/plan_groups/"+g, k, `{"plans":[]}`).is(t, 422, blankPlans)
		h.do("PATCH", "/v1/plan_groups/"+g, k, `{"plans":["pl_unknown"]}`).is(t, 422, blankPlans)
		h.do("PATCH", "/v1/plan_groups/"+g, k, `{"name":" "}`).
			is(t, 422, `{"name":["Name can't be blank"],"error_details":[{"param":"name","code":"blank","message":"Name can't be blank"}]}`)
		h.do("GET", "/v1/plan_groups/"+g, k, "").is(t, 200, obj("Another name", "3"))
		h.do("PATCH", "/v1/plan_groups/plg_nope", k, `{"name":"x"}`).is(t, 404, `{"error":"Plan group not found"}`)

		h.do("DELETE", "/v1/plan_groups/"+g, k, "").is(t, 204, "")
		h.do("GET", "/v1/plan_groups/"+g, k, "").is(t, 404, `{"error":"Plan group not found"}`)
		h.do("GET", "/v1/plan_groups/"+g+"/plans", k, "").is(t, 404, `{"error":"Plan group not found"}`)
		h.do("DELETE", "/v1/plan_groups/"+g, k, "").is(t, 404, `{"error":"Plan group not found"}`)
		if got := uuids(t, h.do("GET", "/v1/plans", k, ""), "plans"); len(got) != 3 {
			t.Fatalf("plans must stay: %v", got)
		}
	})
}
