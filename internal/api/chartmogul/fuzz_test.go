package chartmogul_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pricebook/pricebook/internal/api/chartmogul"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// checkReply fails unless r is a 2xx, or a 4xx in one of the vendor's
// error shapes, with a JSON content type and valid UTF-8 JSON in every
// body.
func checkReply(t *testing.T, what string, r response) {
	t.Helper()
	if r.status >= 500 {
		t.Fatalf("%s: status %d %s", what, r.status, r.body)
	}
	if len(r.body) > 0 && (r.header.Get("Content-Type") != "application/json" || !utf8.Valid(r.body) || !json.Valid(r.body)) {
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
		`{"name":"Group","plans":["PLAN"]}`, `{"name":"Group","plans":[]}`, `{"plans":["PLAN","PLAN",1]}`, `{"plans_count":2,"name":"x"}`,
		// NUL as JSON sends it, and raw bytes that are not UTF-8, in
		// names, ids, keys and ignored fields.
		`{"name":"a\u0000"}`, "{\"name\":\"\xff\"}", "{\"name\":\"n\",\"system\":\"\xc0\xaf\"}", "{\"\xff\":\"x\",\"name\":\"n\"}",
		"{\"data_source_uuid\":\"DS\",\"name\":\"\xc0\xaf\",\"interval_count\":1,\"interval_unit\":\"month\"}",
		`{"data_source_uuid":"DS","name":"G","interval_count":1,"interval_unit":"month","external_id":"\u0000"}`,
		`{"name":"G","plans":["\u0000","PLAN"]}`, "{\"name\":\"G\",\"plans\":[\"PLAN\xff\"]}", `{"uuid":"\u0000","name":"x"}`} {
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
		"data_source_uuid=&external_id=", "system=stripe&with_processing_status=1", "with_auto_churn_subscription_setting=maybe", "page=2",
		"external_id=%ff", "data_source_uuid=%00", "x=%c0%af", "%ff=1", "name=\xff", "system=a\x00b", "cursor=%ff"} {
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

// FuzzChartMogulPathsAndHeaders feeds uuids to every route's path,
// Idempotency-Key values to its writes and Basic credentials ("KEY"
// stands for a valid key) to a read and a write.
func FuzzChartMogulPathsAndHeaders(f *testing.F) {
	for _, s := range [][4]string{{"\x00", "", "KEY", ""}, {"\xff", "\xff", "KEY", "KEY"}, {"\xc0\xaf", "a\x00", "\xff", ""},
		{"pl_x", "k1", "pb_test_\x00" + strings.Repeat("a", 15) + "_" + strings.Repeat("a", 32), ""},
		{"a/b", "\x01", "KEY", "\xff"}, {"", "ok", "KEY\x00", ""}, {"x\x00y", "é", "", "KEY"}} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	h := newHarness(f, storetest.Open(f, store.SQLite))
	key := h.keys["a"]
	api := chartmogul.New(deps(h.st))
	send := func(t *testing.T, method, path, idem, body string, user, pass string) {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.SetBasicAuth(user, pass)
		req.Header.Set("Content-Type", "application/json")
		if idem != "" {
			req.Header["Idempotency-Key"] = []string{idem}
		}
		checkReply(t, fmt.Sprintf("%s %s (Idempotency-Key %q, user %q, password %q)", method, path, idem, user, pass), h.send(req))
	}
	f.Fuzz(func(t *testing.T, id, idem, user, pass string) {
		h.t = t
		for _, rt := range api.Routes() {
			method, pattern, _ := strings.Cut(rt.Pattern, " ")
			if strings.Contains(pattern, "{uuid}") {
				send(t, method, strings.Replace(pattern, "{uuid}", url.PathEscape(id), 1), idem, "{}", key, "")
			}
		}
		user, pass = strings.ReplaceAll(user, "KEY", key), strings.ReplaceAll(pass, "KEY", key)
		send(t, "GET", "/v1/data_sources", "", "", user, pass)
		send(t, "POST", "/v1/plan_groups", idem, `{"name":"G","plans":["pl_none"]}`, user, pass)
	})
}
