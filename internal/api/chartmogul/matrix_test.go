package chartmogul_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pricebook/pricebook/internal/api/chartmogul"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// TestAuthorisationMatrix checks every route of the route table against
// every kind of key. Nothing of another partition may be readable,
// writable, or confirmed to exist: a real id of business A answers another
// partition exactly as an unknown id does.
func TestAuthorisationMatrix(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		key := h.keys["a"]
		ds := h.dataSource(key, "Main")
		plan := h.plan(key, ds, "Gold", "")
		group := h.create("/v1/plan_groups", key, `{"name":"G","plans":["`+plan+`"]}`)
		ids := map[string]string{"data_sources": ds, "plans": plan, "plan_groups": group}
		api := chartmogul.New(deps(st))
		for _, rt := range api.Routes() {
			method, pattern, _ := strings.Cut(rt.Pattern, " ")
			resource := strings.Split(strings.TrimPrefix(strings.TrimPrefix(pattern, "/v1/"), "import/"), "/")[0]
			id, ok := ids[resource]
			if !ok {
				t.Fatalf("route %s has no fixture: add one", rt.Pattern)
			}
			real := strings.ReplaceAll(pattern, "{uuid}", id)
			fake := strings.ReplaceAll(pattern, "{uuid}", id[:len(id)-4]+"0000")
			body := ""
			if method == "POST" || method == "PATCH" || method == "PUT" {
				body = `{}`
			}
			for name, k := range map[string]string{"none": "", "garbage": "x", "revoked": h.keys["revoked"]} {
				if r := h.do(method, real, k, body); r.status != 401 {
					t.Errorf("%s with %s key: %d", rt.Pattern, name, r.status)
				}
			}
			r := h.do(method, real, h.keys["aRO"], body)
			if (method == "GET") == (r.status == 401) {
				t.Errorf("%s with the read-only key: %d", rt.Pattern, r.status)
			}
			for _, other := range []string{"b", "aLive"} {
				got := h.do(method, real, h.keys[other], body)
				if !strings.Contains(pattern, "{uuid}") {
					if method == "GET" && strings.Contains(string(got.body), id) {
						t.Errorf("%s with key %s shows A's %s", rt.Pattern, other, id)
					}
					continue
				}
				unknown := h.do(method, fake, h.keys[other], body)
				if got.status < 300 || got.status != unknown.status || string(got.body) != string(unknown.body) {
					t.Errorf("%s with key %s: %d %s for a real id, %d %s for an unknown one", rt.Pattern, other, got.status, got.body, unknown.status, unknown.body)
				}
			}
		}
		for _, p := range []string{"/v1/data_sources/" + ds, "/v1/plans/" + plan, "/v1/plan_groups/" + group} {
			h.do("GET", p, key, "").is(t, 200, "")
		}
	})
}

func TestIdempotencyAndRateLimit(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		post := func(idem, body string) response {
			req := httptest.NewRequest("POST", "/v1/data_sources", strings.NewReader(body))
			req.SetBasicAuth(h.keys["a"], "")
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", idem)
			return h.send(req)
		}
		first, again := post("k", `{"name":"Once"}`), post("k", `{"name":"Once"}`)
		if first.status != 201 || again.status != 201 || string(first.body) != string(again.body) || again.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay: %d %s / %d %s", first.status, first.body, again.status, again.body)
		}
		var list struct {
			DataSources []any `json:"data_sources"`
		}
		json.Unmarshal(h.do("GET", "/v1/data_sources", h.keys["a"], "").body, &list)
		if len(list.DataSources) != 1 {
			t.Errorf("%d data sources after a replayed create", len(list.DataSources))
		}
		if r := post("k", `{"name":"Other"}`); r.status != 400 {
			t.Errorf("reused key: %d %s", r.status, r.body)
		}

		d := deps(h.st)
		d.Limiter = httpx.NewRateLimiter(1, 1)
		h.h = chartmogul.New(d)
		h.do("GET", "/v1/plans", h.keys["a"], "").is(t, 200, "")
		r := h.do("GET", "/v1/plans", h.keys["a"], "")
		if r.status != 429 || r.header.Get("Retry-After") != "60" {
			t.Errorf("over the limit: %d Retry-After %q", r.status, r.header.Get("Retry-After"))
		}
	})
}
