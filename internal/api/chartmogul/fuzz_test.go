package chartmogul_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// checkReply fails unless r is a 2xx, or a 4xx in one of the vendor's
// error shapes, with a JSON content type on every body.
func checkReply(t *testing.T, what string, r response) {
	t.Helper()
	if r.status >= 500 {
		t.Fatalf("%s: status %d %s", what, r.status, r.body)
	}
	if len(r.body) > 0 && (r.header.Get("Content-Type") != "application/json" || !json.Valid(r.body)) {
		t.Fatalf("%s: %d body is not JSON: %q", what, r.status, r.body)
	}
	if r.status >= 400 {
		var e map[string]any
		json.Unmarshal(r.body, &e)
		_, code := e["code"]
		_, errs := e["errors"]
		_, notFound := e["error"]
		_, rails := e["error_details"]
		if !code && !errs && !notFound && !rails {
			t.Fatalf("%s: %d in no recorded error shape: %s", what, r.status, r.body)
		}
	}
}

func FuzzChartMogulBodies(f *testing.F) {
	for _, b := range []string{`{"name":"DS"}`, `{"name":null}`, `{}`, `[]`, `{"uuid":"","created_at":"","status":"","system":"Stripe","name":"x"}`,
		`{"data_source_uuid":"DS","name":"Gold","interval_count":1,"interval_unit":"month","external_id":"g1"}`,
		`{"data_source_uuid":"DS","name":"Gold","interval_count":"2","interval_unit":"year"}`,
		`{"name":"Group","plans":["PLAN"]}`, `{"name":"Group","plans":[]}`, `{"plans":["PLAN","PLAN",1]}`, `{"plans_count":2,"name":"x"}`} {
		f.Add([]byte(b))
	}
	h := newHarness(f, storetest.Open(f, store.SQLite))
	key := h.keys["a"]
	ds := h.dataSource(key, "Main")
	plan := h.plan(key, ds, "Gold", "")
	group := h.create("/v1/plan_groups", key, `{"name":"G","plans":["`+plan+`"]}`)
	f.Fuzz(func(t *testing.T, raw []byte) {
		h.t = t
		body := strings.NewReplacer("DS", ds, "PLAN", plan).Replace(string(raw))
		for _, req := range [][2]string{
			{"POST", "/v1/data_sources"}, {"POST", "/v1/plans"}, {"PATCH", "/v1/plans/" + plan},
			{"POST", "/v1/plan_groups"}, {"PATCH", "/v1/plan_groups/" + group}, {"GET", "/v1/plans"},
		} {
			checkReply(t, req[0]+" "+req[1], h.do(req[0], req[1], key, body))
		}
	})
}

func FuzzChartMogulQuery(f *testing.F) {
	for _, q := range []string{"per_page=2", "per_page=0", "per_page=201", "cursor=abc", "cursor=MjAyNi0wMS0wMVQwMDowMDowMC4wMDBaJnBsXzE=",
		"data_source_uuid=&external_id=", "system=stripe&with_processing_status=1", "with_auto_churn_subscription_setting=maybe", "page=2"} {
		f.Add(q)
	}
	h := newHarness(f, storetest.Open(f, store.SQLite))
	key := h.keys["a"]
	ds := h.dataSource(key, "Main")
	plan := h.plan(key, ds, "Gold", "")
	group := h.create("/v1/plan_groups", key, `{"name":"G","plans":["`+plan+`"]}`)
	f.Fuzz(func(t *testing.T, q string) {
		h.t = t
		if v, err := url.ParseQuery(q); err == nil {
			q = v.Encode()
		} else {
			q = "cursor=" + url.QueryEscape(q)
		}
		for _, p := range []string{"/v1/data_sources", "/v1/plans", "/v1/plan_groups", "/v1/plan_groups/" + group + "/plans", "/v1/data_sources/" + ds} {
			checkReply(t, "GET "+p+"?"+q, h.do("GET", p+"?"+q, key, ""))
		}
	})
}
