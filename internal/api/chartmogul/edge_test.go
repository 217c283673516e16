package chartmogul_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pricebook/pricebook/internal/api/chartmogul"
	"github.com/pricebook/pricebook/internal/httpx/httpxtest"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// TestBadTextInPathIsNotFound: on every route, a uuid that is not valid
// UTF-8 text is the route's 404 on both engines.
func TestBadTextInPathIsNotFound(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		api := chartmogul.New(deps(st))
		want := map[string]string{"data_sources": `{"error":"Data source not found"}`, "plans": `{"error":"Plan not found"}`,
			"plan_groups": `{"error":"Plan group not found"}`}
		for _, rt := range api.Routes() {
			method, pattern, _ := strings.Cut(rt.Pattern, " ")
			before, _, ok := strings.Cut(pattern, "/{uuid}")
			if !ok {
				continue
			}
			for _, bad := range []string{"%00", "%ff", "%c0%af", "pl_%00"} {
				path := strings.Replace(pattern, "{uuid}", bad, 1)
				h.do(method, path, h.keys["a"], "{}").is(t, 404, want[before[strings.LastIndexByte(before, '/')+1:]])
			}
		}
	})
}

// TestBadTextInQuery: any query value or name that is not text is a 400
// naming the parameter, unknown parameters included.
func TestBadTextInQuery(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		ds := h.dataSource(h.keys["a"], "Main")
		for _, p := range []string{"/v1/data_sources", "/v1/data_sources/" + ds, "/v1/plans", "/v1/plan_groups", "/v1/import/plans"} {
			for q, name := range map[string]string{"x=%ff": "x", "per_page=2&y=a%00": "y", "%c0%af=1": `"\xc0\xaf"`} {
				want, _ := json.Marshal(map[string]any{"code": 400, "message": `Parameter "` + name + `" is invalid`, "param": name})
				h.do("GET", p+"?"+q, h.keys["a"], "").is(t, 400, string(want))
			}
		}
	})
}

func (h *harness) lists(key string) string {
	h.t.Helper()
	var b strings.Builder
	for _, p := range []string{"/v1/data_sources", "/v1/plans", "/v1/plan_groups"} {
		r := h.do("GET", p, key, "")
		if r.status != 200 || !utf8.Valid(r.body) || !json.Valid(r.body) {
			h.t.Fatalf("GET %s: %d, not valid JSON: %q", p, r.status, r.body)
		}
		b.Write(r.body)
	}
	return b.String()
}

// TestBadTextInBody: every string of every write body, keys included,
// given a NUL or invalid UTF-8, is a 422 naming its path in the route's
// shape, and nothing is written; the unchanged bodies succeed.
func TestBadTextInBody(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		a := h.keys["a"]
		ds := h.dataSource(a, "Main")
		pl := h.plan(a, ds, "Gold", "")
		pl2 := h.plan(a, ds, "Silver", "")
		g := h.create("/v1/plan_groups", a, `{"name":"G","plans":["`+pl+`"]}`)
		seeds := []struct{ method, path, body string }{
			{"POST", "/v1/data_sources", `{"name":"Second","system":"Stripe"}`},
			{"POST", "/v1/plans", `{"data_source_uuid":"` + ds + `","name":"Bronze","interval_count":1,"interval_unit":"month","external_id":"b1"}`},
			{"PATCH", "/v1/plans/" + pl, `{"name":"Gold 2","interval_unit":"year","interval_count":"2"}`},
			{"PUT", "/v1/plans/" + pl, `{"name":"Gold 3"}`},
			{"POST", "/v1/plan_groups", `{"name":"G2","plans":["` + pl + `","` + pl2 + `"]}`},
			{"PATCH", "/v1/plan_groups/" + g, `{"name":"G3","plans":["` + pl2 + `"]}`},
		}
		before := h.lists(a)
		n := 0
		for _, s := range seeds {
			for _, v := range httpxtest.Variants(s.body) {
				r := h.do(s.method, s.path, a, v.Body)
				var e struct {
					Errors  map[string]string
					Details []struct{ Param string } `json:"error_details"`
				}
				json.Unmarshal(r.body, &e)
				_, named := e.Errors[v.Path]
				if r.status != 422 || !(named || len(e.Details) == 1 && e.Details[0].Param == v.Path) {
					t.Errorf("%s %s %q: %d %s, want 422 naming %q", s.method, s.path, v.Body, r.status, r.body, v.Path)
				}
				n++
			}
		}
		if n < 60 {
			t.Fatalf("only %d variants", n)
		}
		// A path may start with any key; its label stays whole UTF-8.
		h.do("POST", "/v1/plan_groups", a, `{"name":"G4","plans":["`+pl+`"],"ключ":["\u0000"]}`).is(t, 422,
			`{"ключ[0]":["Ключ[0] must be valid UTF-8 text without NUL characters"],"error_details":[{"param":"ключ[0]","code":"invalid","message":"Ключ[0] must be valid UTF-8 text without NUL characters"}]}`)
		if after := h.lists(a); after != before {
			t.Errorf("rejected bodies changed the data")
		}
		for _, s := range seeds {
			if r := h.do(s.method, s.path, a, s.body); r.status >= 300 {
				t.Errorf("seed %s %s: %d %s", s.method, s.path, r.status, r.body)
			}
		}
	})
}

// TestBadTextInCredentials: Basic credentials with NUL or bytes that are
// not UTF-8 are the usual 401 on both engines.
func TestBadTextInCredentials(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		k := h.keys["a"]
		for _, cred := range []string{"pb_test_\xff" + strings.Repeat("a", 15) + "_" + strings.Repeat("a", 32) + ":",
			"pb_test_\x00" + strings.Repeat("a", 15) + "_" + strings.Repeat("a", 32) + ":",
			"pb_test_" + strings.Repeat("\xc0\xaf", 8) + "_" + strings.Repeat("a", 32) + ":",
			"\xff:\xff", k + ":\x00", "\x00:", k[:len(k)-1] + "\xff:"} {
			for _, method := range []string{"GET", "POST"} {
				req := httptest.NewRequest(method, "/v1/data_sources", strings.NewReader(`{"name":"x"}`))
				req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(cred)))
				h.send(req).is(t, 401, unauthorized)
			}
		}
		h.do("GET", "/v1/data_sources", k, "").is(t, 200, `{"data_sources":[]}`)
	})
}

// TestBadIdempotencyKey: an Idempotency-Key that is not printable text is
// a 400 and the request does nothing.
func TestBadIdempotencyKey(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		for _, idem := range []string{"\xff", "a\x00", "\xc0\xaf", "\x01", "k\t1"} {
			req := httptest.NewRequest("POST", "/v1/data_sources", strings.NewReader(`{"name":"x"}`))
			req.SetBasicAuth(h.keys["a"], "")
			req.Header.Set("Idempotency-Key", idem)
			h.send(req).is(t, 400, `{"code":400,"message":"Idempotency-Key must be printable UTF-8 text","param":null}`)
		}
		h.do("GET", "/v1/data_sources", h.keys["a"], "").is(t, 200, `{"data_sources":[]}`)
	})
}

// TestNonCanonicalPathIsNotFound: a path with empty, "." or ".." segments
// names no resource; it is the face's 404, with or without a key, never
// the standard mux's HTML redirect to the cleaned path.
func TestNonCanonicalPathIsNotFound(t *testing.T) {
	h := newHarness(t, storetest.Open(t, store.SQLite))
	for _, p := range []string{"/v1//plans", "/v1/plans//x", "/v1/./plans", "/v1/plans/./x", "/v1/plans/../plans",
		"/v1/plan_groups/x/.", "/v1/data_sources/x/..", "/v1/../v1/plans"} {
		for _, key := range []string{h.keys["a"], ""} {
			for _, method := range []string{"GET", "POST", "DELETE"} {
				r := h.do(method, p, key, "")
				r.is(t, 404, `{"error":"Not found"}`)
				if loc := r.header.Get("Location"); loc != "" {
					t.Errorf("%s %s: Location %q", method, p, loc)
				}
			}
		}
	}
}
