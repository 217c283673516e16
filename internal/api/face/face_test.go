package face_test

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// tiny is the smallest face: a key in X-Key, errors as {"error": message}.
func tiny(t *testing.T, preflight bool) (http.Handler, map[string]string, *atomic.Int64) {
	return tinyWith(t, func(d *face.Deps, s *face.Spec) { s.Preflight = preflight })
}

// tinyWith is tiny with its Deps and Spec changed by set.
func tinyWith(t *testing.T, set func(*face.Deps, *face.Spec)) (http.Handler, map[string]string, *atomic.Int64) {
	st := storetest.Open(t, store.SQLite)
	writes := new(atomic.Int64)
	status := map[catalog.Kind]int{catalog.KindNotFound: 404, catalog.KindUnauthorized: 401, catalog.KindInvalid: 422}
	errs := func(w http.ResponseWriter, r *http.Request, err error) {
		var he *httpx.Error
		var ce *catalog.Error
		code := http.StatusInternalServerError
		switch {
		case errors.As(err, &he):
			code = he.Status
		case errors.As(err, &ce) && status[ce.Kind] != 0:
			code = status[ce.Kind]
		}
		httpx.WriteJSON(w, code, map[string]string{"error": err.Error()})
	}
	deps := face.Deps{Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	spec := face.Spec{
		Name: "test",
		Routes: []face.Route{
			{Pattern: "GET /whoami", Handler: func(w http.ResponseWriter, r *http.Request) error {
				return httpx.WriteJSON(w, 200, map[string]string{"tenant": face.Tenant(r).String(), "key": face.KeyID(r)})
			}},
			{Pattern: "POST /writes", Handler: func(w http.ResponseWriter, r *http.Request) error {
				return httpx.WriteJSON(w, 201, map[string]int64{"writes": writes.Add(1)})
			}},
			{Pattern: "GET /things/{id}", Handler: func(w http.ResponseWriter, r *http.Request) error { panic("boom") }},
		},
		Errors:       errs,
		Credentials:  func(r *http.Request) (string, bool) { k := r.Header.Get("X-Key"); return k, k != "" },
		Unauthorized: catalog.Errorf(catalog.KindUnauthorized, catalog.Unauthorized, "who are you"),
		ReadOnly:     catalog.Errorf(catalog.KindUnauthorized, catalog.Unauthorized, "read only"),
		NotFound: func(wc httpx.Wildcard) error {
			return catalog.Errorf(catalog.KindNotFound, catalog.Missing, "no such %s", wc.After)
		},
		BadQuery: func(name string) error {
			return catalog.Errorf(catalog.KindInvalid, catalog.InvalidFilter, "bad %s", name)
		},
	}
	set(&deps, &spec)
	return face.New(deps, spec), storetest.Keys(t, st), writes
}

// TestReadOnlyFirst: a face may refuse a read-only key's write before the
// rate limit (ChartMogul's order), so the refusal spends no request of the
// key's budget; by default the limit comes first (Dodo's order).
func TestReadOnlyFirst(t *testing.T) {
	for _, first := range []bool{false, true} {
		h, keys, _ := tinyWith(t, func(d *face.Deps, s *face.Spec) {
			d.Limiter = httpx.NewRateLimiter(60, 1)
			s.ReadOnlyFirst = first
		})
		w1 := send(h, "POST", "/writes", keys["aRO"], "")
		w2 := send(h, "POST", "/writes", keys["aRO"], "")
		if first {
			if w1.Code != 401 || w2.Code != 401 || w1.Header().Get("X-RateLimit-Limit") != "" {
				t.Errorf("read-only first: %d %d %v", w1.Code, w2.Code, w1.Header())
			}
		} else if w1.Code != 401 || w2.Code != 429 {
			t.Errorf("limit first: %d %d", w1.Code, w2.Code)
		}
	}
}

func send(h http.Handler, method, path, key, idem string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader("{}"))
	if key != "" {
		req.Header.Set("X-Key", key)
	}
	if idem != "" {
		req.Header.Set("Idempotency-Key", idem)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestKit drives every concern of the kit through a face that has nothing
// of a vendor.
func TestKit(t *testing.T) {
	h, keys, writes := tiny(t, false)
	for _, c := range []struct {
		method, path, key, idem string
		status                  int
		body                    string // a part of the body
	}{
		{"GET", "/whoami", keys["a"], "", 200, `"key":"key_`},
		{"GET", "/whoami", "", "", 401, "who are you"},
		{"GET", "/whoami", "not a key", "", 401, "who are you"},
		{"GET", "/whoami", keys["revoked"], "", 401, "who are you"},
		{"GET", "/whoami", keys["aRO"], "", 200, "/test"},
		{"POST", "/writes", keys["aRO"], "", 401, "read only"},
		{"POST", "/writes", keys["a"], "once", 201, `{"writes":1}`},
		{"POST", "/writes", keys["a"], "once", 201, `{"writes":1}`},
		{"POST", "/writes", keys["a"], "\x01", 400, "printable"},
		{"GET", "/things/%00", keys["a"], "", 404, "no such things"},
		{"GET", "/whoami?q=%ff", keys["a"], "", 422, "bad q"},
		{"GET", "/things/x", keys["a"], "", 500, "internal error"},
		{"PUT", "/whoami", "", "", 405, "PUT is not allowed on /whoami"},
		{"OPTIONS", "/whoami", "", "", 405, ""},
		{"GET", "/nope", "", "", 404, "No route for GET /nope"},
		{"GET", "//whoami", keys["a"], "", 404, "No route for GET //whoami"},
		{"POST", "/./writes", keys["a"], "", 404, "No route for POST /./writes"},
	} {
		rec := send(h, c.method, c.path, c.key, c.idem)
		if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.body) {
			t.Errorf("%s %s: %d %s, want %d with %q", c.method, c.path, rec.Code, rec.Body, c.status, c.body)
		}
	}
	if n := writes.Load(); n != 1 {
		t.Errorf("%d writes, want 1: the repeat was not replayed", n)
	}
	if rec := send(h, "PUT", "/whoami", "", ""); rec.Header().Get("Allow") != "GET" {
		t.Errorf("Allow %q", rec.Header().Get("Allow"))
	}
	pre, _, _ := tiny(t, true)
	if rec := send(pre, "OPTIONS", "/whoami", "", ""); rec.Code != 204 || rec.Body.Len() != 0 {
		t.Errorf("preflight: %d %s", rec.Code, rec.Body)
	}
}

func TestCanonical(t *testing.T) {
	for p, want := range map[string]bool{
		"/": true, "/products": true, "/products/": true, "/v1/plans/pl_x": true, "/products/a%2F..%2Fb": true,
		"": false, "products": false, "//products": false, "/products//x": false, "/./products": false,
		"/products/.": false, "/products/..": false, "/products/x/../y": false, "/products//": false,
	} {
		if got := face.Canonical(p); got != want {
			t.Errorf("Canonical(%q) = %v", p, got)
		}
	}
}
