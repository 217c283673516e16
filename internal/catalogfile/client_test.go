package catalogfile

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// TestClientWaitsOutRateLimitsAndRacingKeys: a 429 is retried after its
// Retry-After, a 409 for a key still in flight is retried until the
// stored answer comes; a deterministic 409 is not.
func TestClientWaitsOutRateLimitsAndRacingKeys(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch c := n.Add(1); {
		case r.URL.Path == "/limited" && c == 1:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(429)
		case r.URL.Path == "/racing" && c <= 3:
			w.WriteHeader(409)
		case r.URL.Path == "/taken":
			w.Header().Set("X-Should-Retry", "false")
			w.WriteHeader(409)
		default:
			w.Write([]byte(`{"id":"x"}`))
		}
	}))
	defer srv.Close()
	dodo, _ := Server{DodoURL: srv.URL, DodoKey: "k"}.faces()
	ctx := context.Background()
	var out struct{ ID string }
	if err := dodo.do(ctx, "GET", "/limited", nil, "", &out); err != nil || out.ID != "x" || n.Load() != 2 {
		t.Errorf("rate limited: %v %v after %d requests", err, out, n.Load())
	}
	n.Store(0)
	if err := dodo.do(ctx, "POST", "/racing", map[string]int{}, "k1", &out); err != nil || n.Load() != 4 {
		t.Errorf("in flight: %v after %d requests", err, n.Load())
	}
	n.Store(0)
	if err := dodo.do(ctx, "POST", "/taken", map[string]int{}, "k2", nil); err == nil || n.Load() != 1 {
		t.Errorf("a deterministic 409: %v after %d requests", err, n.Load())
	}
}
