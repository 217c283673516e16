package dodo_test

import (
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

func (h *harness) doKey(method, path, key, idem, body string) response {
	h.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", idem)
	rec := httptest.NewRecorder()
	h.h.ServeHTTP(rec, req)
	return response{rec.Code, rec.Header(), rec.Body.Bytes()}
}

func TestIdempotencyKeys(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		key := h.keys["a"]
		first := h.doKey("POST", "/products", key, "k1", oneTimeBody)
		again := h.doKey("POST", "/products", key, "k1", oneTimeBody)
		if first.status != 200 || again.status != 200 || string(first.body) != string(again.body) {
			t.Fatalf("replay differs:\n%d %s\n%d %s", first.status, first.body, again.status, again.body)
		}
		if again.header.Get("Idempotent-Replayed") != "true" || first.header.Get("Idempotent-Replayed") != "" {
			t.Errorf("Idempotent-Replayed: first %q, repeat %q", first.header.Get("Idempotent-Replayed"), again.header.Get("Idempotent-Replayed"))
		}
		if n := h.count(key); n != 1 {
			t.Errorf("%d products after a repeated create, want 1", n)
		}
		// The same key with another request is refused and changes nothing.
		other := h.doKey("POST", "/products", key, "k1", strings.Replace(oneTimeBody, "Basic", "Other", 1))
		if other.status != 400 || other.json(t)["code"] != "IDEMPOTENCY_KEY_REUSED" {
			t.Errorf("reused key: %d %s", other.status, other.body)
		}
		// Errors are stored and replayed too.
		bad := `{"name":"x"}`
		e1 := h.doKey("POST", "/products", key, "k2", bad)
		e2 := h.doKey("POST", "/products", key, "k2", bad)
		if e1.status != 422 || e2.status != 422 || string(e1.body) != string(e2.body) || e2.header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("error replay: %d %s / %d %s", e1.status, e1.body, e2.status, e2.body)
		}
		// Keys are scoped to the tenant: business B may use "k1" freely.
		if r := h.doKey("POST", "/products", h.keys["b"], "k1", oneTimeBody); r.status != 200 || r.header.Get("Idempotent-Replayed") != "" {
			t.Errorf("another tenant's k1: %d %v", r.status, r.header)
		}
		if r := h.doKey("POST", "/products", key, strings.Repeat("k", 256), oneTimeBody); r.status != 400 {
			t.Errorf("256-character key: %d", r.status)
		}
		// Concurrent requests with one key execute once.
		const n = 10
		var wg sync.WaitGroup
		statuses := make([]int, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				statuses[i] = h.doKey("POST", "/products", key, "race", oneTimeBody).status
			}(i)
		}
		wg.Wait()
		for _, s := range statuses {
			if s != 200 && s != 409 {
				t.Errorf("concurrent same-key request got %d", s)
			}
		}
		if n := h.count(key); n != 2 {
			t.Errorf("%d products after the same-key race, want 2", n)
		}
	})
}
