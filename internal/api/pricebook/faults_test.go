package pricebook_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// send makes one request with extra headers and returns the response
// (body read) or the transport error.
func send(t *testing.T, srv *httptest.Server, method, path, key, body string, headers map[string]string) (*http.Response, string, error) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if strings.HasPrefix(path, "/v1/") {
		req.SetBasicAuth(key, "")
	} else {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	if err != nil {
		return nil, "", err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b), nil
}

// products counts the partition's product.created events: what was
// written.
func products(t *testing.T, srv *httptest.Server, key string) int {
	t.Helper()
	_, list := call(t, srv, "GET", "/_pricebook/v1/events?type=product.created&limit=200", key, "")
	return len(list["data"].([]any))
}

// TestFaultHeader: each fault of the header's syntax does what it says
// on the Dodo and ChartMogul faces, in their envelopes, names itself in
// Pricebook-Fault-Applied, and writes nothing unless after-commit; a
// malformed header is 400 saying why, a live-mode key 403.
func TestFaultHeader(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		srv := server(t, st)
		keys := storetest.Keys(t, st)
		fault := func(f string) map[string]string { return map[string]string{"Pricebook-Fault": f} }

		res, body, err := send(t, srv, "POST", "/products", keys["a"], product, fault("status=503; retry-after=2"))
		if err != nil || res.StatusCode != 503 || res.Header.Get("Retry-After") != "2" || !strings.Contains(body, `"code":"SERVICE_UNAVAILABLE"`) ||
			res.Header.Get("Pricebook-Fault-Applied") != "status=503; retry-after=2" || res.Header.Get("X-Should-Retry") != "" {
			t.Errorf("503: %v %v %s", err, res, body)
		}
		res, body, _ = send(t, srv, "GET", "/products", keys["a"], "", fault("status=429; retry-after=1"))
		if res.StatusCode != 429 || !strings.Contains(body, `"code":"TOO_MANY_REQUESTS"`) || res.Header.Get("X-RateLimit-Remaining") != "0" {
			t.Errorf("429: %v %s", res, body)
		}
		if _, _, err := send(t, srv, "POST", "/products", keys["a"], product, fault("drop")); err == nil {
			t.Errorf("drop: the request got an answer")
		}
		if n := products(t, srv, keys["a"]); n != 0 {
			t.Fatalf("faults before the handler wrote %d products", n)
		}

		began := time.Now()
		res, _, _ = send(t, srv, "POST", "/products", keys["a"], product, fault("delay=300ms"))
		if res.StatusCode != 200 || time.Since(began) < 300*time.Millisecond {
			t.Errorf("delay: %d after %v", res.StatusCode, time.Since(began))
		}
		idem := map[string]string{"Pricebook-Fault": "after-commit; status=500", "Idempotency-Key": "k-after-commit"}
		res, body, _ = send(t, srv, "POST", "/products", keys["a"], product, idem)
		if res.StatusCode != 500 || !strings.Contains(body, `"code":"INTERNAL_SERVER_ERROR"`) {
			t.Errorf("after-commit: %v %s", res, body)
		}
		if _, _, err := send(t, srv, "POST", "/products", keys["a"], product, fault("after-commit; drop")); err == nil {
			t.Errorf("after-commit; drop: the request got an answer")
		}
		if n := products(t, srv, keys["a"]); n != 3 {
			t.Errorf("after delay and two after-commit faults: %d products, want 3", n)
		}
		// The retry a client makes with the same key finds the committed write.
		res, _, _ = send(t, srv, "POST", "/products", keys["a"], product, map[string]string{"Idempotency-Key": "k-after-commit"})
		if res.StatusCode != 200 || res.Header.Get("Idempotent-Replayed") != "true" || products(t, srv, keys["a"]) != 3 {
			t.Errorf("the retry after an after-commit fault: %d %v", res.StatusCode, res.Header)
		}

		res, body, _ = send(t, srv, "GET", "/v1/plans", keys["a"], "", fault("status=503"))
		if res.StatusCode != 503 || !strings.Contains(body, `"code":503`) || !strings.Contains(body, "Too many connections") {
			t.Errorf("ChartMogul 503: %v %s", res, body)
		}
		for f, says := range map[string]string{"status=418": "status must be", "delay=1s; teleport": "unknown parameter"} {
			res, body, _ := send(t, srv, "POST", "/products", keys["a"], product, fault(f))
			if res.StatusCode != 400 || !strings.Contains(body, "INVALID_FAULT") || !strings.Contains(body, says) {
				t.Errorf("%q: %d %s", f, res.StatusCode, body)
			}
		}
		res, body, _ = send(t, srv, "POST", "/products", keys["aLive"], product, fault("status=500"))
		if res.StatusCode != 403 || !strings.Contains(body, "FAULT_NOT_ALLOWED") {
			t.Errorf("live-mode key: %d %s", res.StatusCode, body)
		}
		if n := products(t, srv, keys["a"]); n != 3 {
			t.Errorf("refused faults wrote: %d products", n)
		}
		if _, l := call(t, srv, "GET", "/_pricebook/v1/events?type=product.created", keys["aLive"], ""); len(l["data"].([]any)) != 0 {
			t.Errorf("the live-mode request wrote: %v", l)
		}
	})
}

// TestFaultRules: a rule fires on the next count matching requests of its
// tenant only, a fraction of them, or until it expires; it names itself
// in Pricebook-Fault-Applied, lists how often it fired, and deletes.
func TestFaultRules(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		srv := server(t, st)
		keys := storetest.Keys(t, st)
		s, rule := call(t, srv, "POST", "/_pricebook/v1/faults", keys["a"],
			`{"method": "POST", "path": "/products", "fault": "status=503; retry-after=1", "count": 2}`)
		if s != 201 || !strings.HasPrefix(rule["id"].(string), "flt_") || rule["count"] != 2.0 {
			t.Fatalf("create: %d %v", s, rule)
		}
		var got []int
		for i := 0; i < 3; i++ {
			res, _, _ := send(t, srv, "POST", "/products", keys["a"], product, nil)
			got = append(got, res.StatusCode)
			if i == 0 && !strings.Contains(res.Header.Get("Pricebook-Fault-Applied"), "rule="+rule["id"].(string)) {
				t.Errorf("applied: %q", res.Header.Get("Pricebook-Fault-Applied"))
			}
		}
		if got[0] != 503 || got[1] != 503 || got[2] != 200 {
			t.Errorf("count 2: %v", got)
		}
		if res, _, _ := send(t, srv, "POST", "/products", keys["b"], product, nil); res.StatusCode != 200 {
			t.Errorf("another tenant: %d", res.StatusCode)
		}
		if res, _, _ := send(t, srv, "GET", "/products", keys["a"], "", nil); res.StatusCode != 200 {
			t.Errorf("another method: %d", res.StatusCode)
		}
		_, list := call(t, srv, "GET", "/_pricebook/v1/faults", keys["a"], "")
		if d := list["data"].([]any); len(d) != 1 || d[0].(map[string]any)["fired"] != 2.0 || d[0].(map[string]any)["count"] != 0.0 {
			t.Errorf("list: %v", list)
		}

		call(t, srv, "POST", "/_pricebook/v1/faults", keys["a"], `{"path": "/products/{id}", "fault": "status=502", "fraction": 0.5}`)
		fired := 0
		for i := 0; i < 100; i++ {
			if res, _, _ := send(t, srv, "GET", "/products/pdt_x", keys["a"], "", nil); res.StatusCode == 502 {
				fired++
			}
		}
		if fired < 25 || fired > 75 {
			t.Errorf("fraction 0.5 fired %d of 100", fired)
		}
		if s, _ := call(t, srv, "DELETE", "/_pricebook/v1/faults", keys["a"], ""); s != 204 {
			t.Errorf("delete all: %d", s)
		}
		if res, _, _ := send(t, srv, "GET", "/products/pdt_x", keys["a"], "", nil); res.StatusCode != 404 {
			t.Errorf("after delete: %d", res.StatusCode)
		}
		_, short := call(t, srv, "POST", "/_pricebook/v1/faults", keys["a"], `{"path": "/v1/plans", "fault": "status=500", "expires_in": "300ms"}`)
		if res, _, _ := send(t, srv, "GET", "/v1/plans", keys["a"], "", nil); res.StatusCode != 500 {
			t.Errorf("before expiry: %d", res.StatusCode)
		}
		time.Sleep(400 * time.Millisecond)
		if res, _, _ := send(t, srv, "GET", "/v1/plans", keys["a"], "", nil); res.StatusCode != 200 {
			t.Errorf("after expiry: %d", res.StatusCode)
		}
		if s, _ := call(t, srv, "DELETE", "/_pricebook/v1/faults/"+short["id"].(string), keys["a"], ""); s != 204 {
			t.Errorf("delete one: %d", s)
		}
		if s, _ := call(t, srv, "DELETE", "/_pricebook/v1/faults/"+short["id"].(string), keys["a"], ""); s != 404 {
			t.Errorf("delete one again: %d", s)
		}
		for body, says := range map[string]string{
			`{"path": "/products"}`:                                      "fault: is required",
			`{"path": "/products", "fault": "drop; status=500"}`:         "exclude",
			`{"path": "products", "fault": "drop"}`:                      "path",
			`{"path": "/p", "fault": "drop", "count": 1, "fraction": 1}`: "exclude",
			`{"path": "/p", "fault": "drop", "method": "BREW"}`:          "method",
			`{"path": "/p", "fault": "drop", "expires_in": "soon"}`:      "expires_in",
		} {
			s, e := call(t, srv, "POST", "/_pricebook/v1/faults", keys["a"], body)
			if msg, _ := e["message"].(string); s != 422 || !strings.Contains(msg, says) {
				t.Errorf("%s: %d %v, want 422 saying %q", body, s, e, says)
			}
		}
		if s, e := call(t, srv, "POST", "/_pricebook/v1/faults", keys["aLive"], `{"path": "/p", "fault": "drop"}`); s != 403 {
			t.Errorf("live-mode rule: %d %v", s, e)
		}
	})
}
