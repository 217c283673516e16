package dodo_test

import (
	"testing"

	"github.com/pricebook/pricebook/internal/api/dodo"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

func TestRateLimitPerKey(t *testing.T) {
	h := newHarness(t, storetest.Open(t, store.SQLite))
	if r := h.do("GET", "/products", h.keys["a"], ""); r.header.Get("X-RateLimit-Limit") != "" {
		t.Fatal("rate limiting is on by default")
	}
	d := deps(h.st)
	d.Limiter = httpx.NewRateLimiter(60, 2)
	h.h = dodo.New(d)
	for i := 0; i < 2; i++ {
		if r := h.do("GET", "/products", h.keys["a"], ""); r.status != 200 || r.header.Get("X-RateLimit-Limit") != "60" {
			t.Fatalf("request %d: %d %v", i, r.status, r.header)
		}
	}
	r := h.do("GET", "/products", h.keys["a"], "")
	if r.status != 429 || r.json(t)["code"] != "TOO_MANY_REQUESTS" || r.header.Get("Retry-After") == "" || r.header.Get("X-RateLimit-Remaining") != "0" {
		t.Errorf("over the limit: %d %v %s", r.status, r.header, r.body)
	}
	if r := h.do("GET", "/products", h.keys["b"], ""); r.status != 200 {
		t.Errorf("another key was limited too: %d", r.status)
	}
}
