package chartmogul_test

import (
	"math/rand/v2"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// TestNothingClientSentIs5xx: malformed bodies, ids, queries and cursors
// get a 4xx in a JSON envelope, never a 5xx the clients would retry for
// minutes.
func TestNothingClientSentIs5xx(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		k := h.keys["a"]
		ds := h.dataSource(k, "One")
		pl := h.plan(k, ds, "P", "")
		g := h.create("/v1/plan_groups", k, `{"name":"G","plans":["`+pl+`"]}`)
		bodies := []string{``, `{`, `}`, `[]`, `null`, `"x"`, `1`, `{"a":1}{}`, `{"name":{}}`, `{"name":[]}`,
			`{"name":"\u0000"}`, `{"plans":[1,2]}`, `{"plans":[null]}`, `{"plans":["\u0000"]}`, `{"plans":{}}`,
			`{"interval_count":1e400}`, `{"interval_count":-9223372036854775809}`, `{"interval_count":true}`,
			`{"data_source_uuid":"` + strings.Repeat("x", 5000) + `"}`, `{"data_source_uuid":"\u0000"}`,
			`{"name":"` + strings.Repeat("é", 300) + `"}`, `{"external_id":"` + strings.Repeat("e", 300) + `"}`,
			`{"system":5,"name":"n"}`, "\xff\xfe", `{"name":"ok","interval_count":2147483648}`}
		paths := []string{"/v1/data_sources", "/v1/data_sources/" + ds, "/v1/plans", "/v1/plans/" + pl,
			"/v1/plan_groups", "/v1/plan_groups/" + g, "/v1/plan_groups/" + g + "/plans",
			"/v1/plans/%00", "/v1/plans/%FF", "/v1/plan_groups/%00/plans", "/v1/data_sources/%00/all",
			"/v1/plans/" + strings.Repeat("p", 3000)}
		queries := []string{"", "?per_page=%00", "?cursor=%00", "?cursor=" + strings.Repeat("A", 4000),
			"?data_source_uuid=%FF", "?external_id=%00", "?system=%C3", "?name=%00", "?with_processing_status=%00",
			"?per_page=1&per_page=2", "?cursor=MjAyMy0xMC0zMFQwMjoyNzoyOC4wMzU1OTIwMDBaJgA="}
		for _, method := range []string{"GET", "POST", "PATCH", "PUT", "DELETE"} {
			for _, p := range paths {
				for _, q := range queries {
					for _, b := range bodies {
						if method == "GET" && b != "" && b != "{}" && q != "" {
							continue // bodies do not matter on GET; keep the matrix small
						}
						req := httptest.NewRequest(method, p+q, strings.NewReader(b))
						req.SetBasicAuth(k, "")
						r := h.send(req)
						if r.status >= 500 || (r.status != 204 && r.header.Get("Content-Type") != "application/json") {
							t.Fatalf("%s %s%s %q: %d %q %s", method, p, q, b, r.status, r.header.Get("Content-Type"), r.body)
						}
					}
				}
			}
		}
		// Random bytes and random mutations of a valid body.
		rng := rand.New(rand.NewPCG(1, 2))
		valid := []byte(`{"data_source_uuid":"` + ds + `","name":"P","interval_count":1,"interval_unit":"month","plans":["` + pl + `"]}`)
		for i := 0; i < 300; i++ {
			b := append([]byte(nil), valid...)
			for j := 0; j < 1+rng.IntN(4); j++ {
				b[rng.IntN(len(b))] = byte(rng.IntN(256))
			}
			for _, p := range []string{"/v1/plans", "/v1/plan_groups", "/v1/data_sources", "/v1/plans/" + pl, "/v1/plan_groups/" + g} {
				method := "POST"
				if strings.Count(p, "/") == 3 {
					method = "PATCH"
				}
				if r := h.do(method, p, k, string(b)); r.status >= 500 {
					t.Fatalf("%s %s %q: %d %s", method, p, b, r.status, r.body)
				}
			}
		}
	})
}

// TestUnknownRoutes: other paths under /v1/ answer in JSON without
// asking for a key; a known path with another method is a 405.
func TestUnknownRoutes(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		h.do("GET", "/v1/customers", "", "").is(t, 404, `{"error":"Not found"}`)
		h.do("POST", "/v1/plans", h.keys["a"], `{"name":"`+strings.Repeat("x", 2<<20)+`"}`).is(t, 413, "")
		r := h.do("POST", "/v1/plans/pl_x", h.keys["a"], "{}")
		r.is(t, 405, "")
		if r.header.Get("Allow") == "" {
			t.Fatalf("405 without Allow")
		}
	})
}
