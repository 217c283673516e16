package httpx

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// RateLimiter is a token bucket per API key: PerMinute tokens a minute,
// up to Burst at once. It lives in one process; behind a load balancer
// each server limits on its own.
type RateLimiter struct {
	PerMinute int
	Burst     int
	now       func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// NewRateLimiter returns a limiter of perMinute requests a minute per key
// with bursts of up to burst.
func NewRateLimiter(perMinute, burst int) *RateLimiter {
	return &RateLimiter{PerMinute: perMinute, Burst: max(1, burst), now: time.Now, buckets: map[string]*bucket{}}
}

// Allow takes a token for key and sets the X-RateLimit-* headers on w.
// When none is left it sets Retry-After (seconds, at most maxRetry) and
// returns false.
func (l *RateLimiter) Allow(w http.ResponseWriter, key string, maxRetry time.Duration) bool {
	now := l.now()
	rate := float64(l.PerMinute) / 60 // tokens per second
	l.mu.Lock()
	if now.Sub(l.swept) > time.Minute {
		// Drop buckets that have refilled: they hold nothing to remember.
		for k, b := range l.buckets {
			if b.tokens+now.Sub(b.at).Seconds()*rate >= float64(l.Burst) {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: float64(l.Burst), at: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(float64(l.Burst), b.tokens+now.Sub(b.at).Seconds()*rate)
	b.at = now
	allowed := b.tokens >= 1
	if allowed {
		b.tokens--
	}
	tokens := b.tokens
	l.mu.Unlock()

	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(l.PerMinute))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(int(tokens)))
	// Seconds until the bucket is full again.
	h.Set("X-RateLimit-Reset", strconv.Itoa(int(math.Ceil((float64(l.Burst)-tokens)/rate))))
	if !allowed {
		wait := time.Duration(math.Ceil((1-tokens)/rate)) * time.Second
		if maxRetry > 0 && wait > maxRetry {
			wait = maxRetry
		}
		h.Set("Retry-After", strconv.Itoa(max(1, int(wait.Seconds()))))
	}
	return allowed
}
