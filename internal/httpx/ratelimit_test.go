package httpx

import (
	"net/http/httptest"
	"testing"
	"time"
)

func TestRateLimiter(t *testing.T) {
	l := NewRateLimiter(60, 3) // one a second, bursts of three
	now := time.Unix(1000, 0)
	l.now = func() time.Time { return now }
	allow := func(key string) (bool, *httptest.ResponseRecorder) {
		w := httptest.NewRecorder()
		return l.Allow(w, key, 60*time.Second), w
	}
	for i := 0; i < 3; i++ {
		if ok, _ := allow("k"); !ok {
			t.Fatalf("request %d of the burst refused", i)
		}
	}
	ok, w := allow("k")
	if ok || w.Header().Get("Retry-After") != "1" || w.Header().Get("X-RateLimit-Remaining") != "0" || w.Header().Get("X-RateLimit-Limit") != "60" {
		t.Fatalf("fourth request: allowed %v, headers %v", ok, w.Header())
	}
	if ok, _ := allow("other"); !ok {
		t.Error("another key shares the bucket")
	}
	now = now.Add(time.Second)
	if ok, _ := allow("k"); !ok {
		t.Error("a token did not come back after a second")
	}
	slow := NewRateLimiter(1, 1)
	slow.now = func() time.Time { return now }
	slow.Allow(httptest.NewRecorder(), "k", 0)
	w = httptest.NewRecorder()
	if slow.Allow(w, "k", 30*time.Second) || w.Header().Get("Retry-After") != "30" {
		t.Errorf("Retry-After not capped: %v", w.Header())
	}
}

func TestJSONTooDeep(t *testing.T) {
	deep := ""
	for i := 0; i < 33; i++ {
		deep += "["
	}
	for _, c := range []struct {
		body string
		want bool
	}{{`{"a":[1,{"b":2}]}`, false}, {deep, true}, {`{"s":"` + deep + `"}`, false}, {`{"s":"\"[[[["}`, false}} {
		if got := JSONTooDeep([]byte(c.body), MaxJSONDepth); got != c.want {
			t.Errorf("JSONTooDeep(%q) = %v", c.body, got)
		}
	}
}
