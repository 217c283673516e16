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

// TestIdempotentWriteCommitsWithItsResponse makes storing the response
// fail (a trigger refuses it, as a database that went away between the
// write and the response would) and checks that the request is then not
// acknowledged and nothing of it was written: a retry with the same key
// creates the product once. Before the write and its response committed
// together, the client got a 200 and the retry created a second product.
func TestIdempotentWriteCommitsWithItsResponse(t *testing.T) {
	engines := map[string][2]string{
		"sqlite": {`CREATE TRIGGER refuse_response BEFORE UPDATE ON idempotency_keys WHEN NEW.done = 1
			BEGIN SELECT RAISE(ABORT, 'injected: the response cannot be stored'); END`, "DROP TRIGGER refuse_response"},
		"postgres": {`CREATE FUNCTION refuse_response() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION 'injected: the response cannot be stored'; END $$;
			CREATE TRIGGER refuse_response BEFORE UPDATE ON idempotency_keys FOR EACH ROW WHEN (NEW.done) EXECUTE FUNCTION refuse_response()`,
			"DROP TRIGGER refuse_response ON idempotency_keys"},
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			st, raw, _ := storetest.OpenRaw(t, store.Engine(engine))
			h := newHarness(t, st)
			key := h.keys["a"]
			body := strings.Replace(oneTimeBody, "Basic", "Once", 1)
			if _, err := raw.Exec(engines[engine][0]); err != nil {
				t.Fatal(err)
			}
			first := h.doKey("POST", "/products", key, "once", body)
			if _, err := raw.Exec(engines[engine][1]); err != nil {
				t.Fatal(err)
			}
			if first.status < 300 {
				t.Errorf("acknowledged (%d) although its response was not stored", first.status)
			}
			if n := h.count(key); n != 0 && first.status >= 300 {
				t.Errorf("%d products written by a request answered %d", n, first.status)
			}
			retry := h.doKey("POST", "/products", key, "once", body)
			if retry.status != 200 {
				t.Fatalf("retry: %d %s", retry.status, retry.body)
			}
			if again := h.doKey("POST", "/products", key, "once", body); string(again.body) != string(retry.body) || again.header.Get("Idempotent-Replayed") != "true" {
				t.Errorf("second retry not a replay: %d %s", again.status, again.body)
			}
			if n := h.count(key); n != 1 {
				t.Errorf("%d products after one acknowledged create and its retries, want 1", n)
			}
		})
	}
}
