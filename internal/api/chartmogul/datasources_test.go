package chartmogul_test

import (
	"regexp"
	"slices"
	"testing"

	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

var (
	dsUUID    = regexp.MustCompile(`^ds_[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	timestamp = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
)

func TestDataSourceCreate(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		k := h.keys["a"]
		r := h.do("POST", "/v1/data_sources", k, `{"name":"Test Data Source"}`)
		r.is(t, 201, "")
		m := r.json(t)
		if !dsUUID.MatchString(m["uuid"].(string)) || !timestamp.MatchString(m["created_at"].(string)) ||
			m["name"] != "Test Data Source" || m["system"] != "Custom" || m["status"] != "idle" || len(m) != 5 {
			t.Fatalf("created %s", r.body)
		}
		h.do("POST", "/v1/data_sources", k, `{"name":"Test Data Source"}`).is(t, 422, `{"errors":{"name":"Has already been taken."}}`)
		h.do("POST", "/v1/data_sources", k, `{}`).is(t, 400, `{"code":400,"message":"Parameter \"name\" is missing","param":"name"}`)
		h.do("POST", "/v1/data_sources", k, ``).is(t, 400, `{"code":400,"message":"Parameter \"name\" is missing","param":"name"}`)
		h.do("POST", "/v1/data_sources", k, `{"name":null}`).is(t, 422, `{"errors":{"name":"A name is required for each data source."}}`)
		h.do("POST", "/v1/data_sources", k, `{"name":"  "}`).is(t, 422, `{"errors":{"name":"A name is required for each data source."}}`)
		h.do("POST", "/v1/data_sources", k, `{"name":7}`).is(t, 422, `{"errors":{"name":"must be a string"}}`)
		h.do("POST", "/v1/data_sources", k, `{"name":"a\u0000b"}`).is(t, 422, "")
		// chartmogul-go sends every struct field, empty ones included.
		r = h.do("POST", "/v1/data_sources", k, `{"uuid":"","created_at":"","status":"","system":"Stripe","name":"Go"}`)
		r.is(t, 201, "")
		if m := r.json(t); m["system"] != "Stripe" || m["status"] != "idle" || m["uuid"] == "" {
			t.Fatalf("go-style create: %s", r.body)
		}
	})
}

func TestDataSourceListAndRetrieve(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		k := h.keys["a"]
		h.do("GET", "/v1/data_sources", k, "").is(t, 200, `{"data_sources":[]}`)
		first := h.dataSource(k, "First")
		second := h.create("/v1/data_sources", k, `{"name":"Second","system":"Stripe"}`)
		// Newest first; GET bodies (Node sends {}) are ignored.
		if got := uuids(t, h.do("GET", "/v1/data_sources", k, "{}"), "data_sources"); !slices.Equal(got, []string{second, first}) {
			t.Fatalf("list order %v", got)
		}
		for q, want := range map[string][]string{
			"name=First": {first}, "name=Nope": nil, "system=stripe": {second}, "system=CUSTOM": {first},
			"name=&system=": {second, first}, "name=Second&system=Custom": nil,
		} {
			r := h.do("GET", "/v1/data_sources?"+q, k, "")
			if got := uuids(t, r, "data_sources"); !slices.Equal(got, want) {
				t.Errorf("%s: %v, want %v", q, got, want)
			}
			if len(r.json(t)) != 1 {
				t.Errorf("%s: envelope has more than data_sources: %s", q, r.body)
			}
		}
		for _, q := range []string{"with_processing_status=true", "with_processing_status=1", "with_processing_status=TRUE"} {
			m := h.do("GET", "/v1/data_sources/"+first+"?"+q, k, "{}").json(t)
			if m["processing_status"] == nil || m["auto_churn_subscription_setting"] != nil {
				t.Errorf("%s: %v", q, m)
			}
		}
		all := "?with_processing_status=1&with_auto_churn_subscription_setting=true&with_invoice_handling_setting=true"
		items := h.do("GET", "/v1/data_sources"+all, k, "").json(t)["data_sources"].([]any)
		for _, it := range items {
			m := it.(map[string]any)
			churn, _ := m["auto_churn_subscription_setting"].(map[string]any)
			inv, _ := m["invoice_handling_setting"].(map[string]any)
			if churn["enabled"] != false || inv["manual"] == nil || inv["automatic"] == nil || m["processing_status"] == nil {
				t.Errorf("blocks: %v", m)
			}
		}
		for _, q := range []string{"with_processing_status=false", "with_processing_status=0", ""} {
			if m := h.do("GET", "/v1/data_sources/"+first+"?"+q, k, "").json(t); len(m) != 5 {
				t.Errorf("%q: %v", q, m)
			}
		}
		h.do("GET", "/v1/data_sources/"+first+"?with_processing_status=yes", k, "").is(t, 400, "")
		h.do("GET", "/v1/data_sources/ds_nope", k, "").is(t, 404, `{"error":"Data source not found"}`)
		h.do("GET", "/v1/data_sources?name=%FF", k, "").is(t, 400, "")
	})
}

func TestDataSourceDeleteCascades(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		k := h.keys["a"]
		ds, other := h.dataSource(k, "Doomed"), h.dataSource(k, "Stays")
		p1, p2, p3 := h.plan(k, ds, "one", ""), h.plan(k, ds, "two", ""), h.plan(k, other, "three", "")
		g := h.create("/v1/plan_groups", k, `{"name":"G","plans":["`+p1+`","`+p2+`","`+p3+`"]}`)

		h.do("DELETE", "/v1/data_sources/"+ds, k, "").is(t, 204, "")
		h.do("DELETE", "/v1/data_sources/"+ds, k, "").is(t, 404, `{"error":"Data source not found"}`)
		h.do("GET", "/v1/plans/"+p1, k, "").is(t, 404, `{"error":"Plan not found"}`)
		if got := uuids(t, h.do("GET", "/v1/plans", k, ""), "plans"); !slices.Equal(got, []string{p3}) {
			t.Fatalf("plans after delete: %v", got)
		}
		h.do("GET", "/v1/plan_groups/"+g, k, "").is(t, 200, `{"name":"G","uuid":"`+g+`","plans_count":1}`)
		if got := uuids(t, h.do("GET", "/v1/plan_groups/"+g+"/plans", k, ""), "plans"); !slices.Equal(got, []string{p3}) {
			t.Fatalf("group plans after delete: %v", got)
		}
		// A deleted source's name is free again.
		h.dataSource(k, "Doomed")

		// Emptying (chartmogul-go's purge and empty calls) keeps the source.
		for _, suffix := range []string{"/all", "/dependent"} {
			h.plan(k, other, "again", "")
			h.do("DELETE", "/v1/data_sources/"+other+suffix, k, "").is(t, 204, "")
			h.do("GET", "/v1/data_sources/"+other, k, "").is(t, 200, "")
			h.do("GET", "/v1/plans?data_source_uuid="+other, k, "").is(t, 200, `{"plans":[],"current_page":1,"total_pages":0,"cursor":null,"has_more":false}`)
		}
		h.do("GET", "/v1/plan_groups/"+g, k, "").is(t, 200, `{"name":"G","uuid":"`+g+`","plans_count":0}`)
		h.do("DELETE", "/v1/data_sources/nope/all", k, "").is(t, 404, `{"error":"Data source not found"}`)
	})
}
