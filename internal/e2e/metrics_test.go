package e2e

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMetrics: serve --metrics-addr exposes the documented families, with
// routes as patterns and no key, tenant or id in any label.
func TestMetrics(t *testing.T) {
	engines(t, func(t *testing.T, db string) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		recv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		t.Cleanup(recv.Close)
		cli(t, "migrate", "--db", db)
		key := cli(t, "keys", "create", "--mode", "test", "--new-business", "--db", db)
		s := start(t, db, "--metrics-addr", addr)
		ctx := context.Background()
		call(ctx, s.base, key, "POST", "/webhooks", map[string]any{"url": recv.URL}, nil)
		var p struct {
			ProductID string `json:"product_id"`
		}
		call(ctx, s.base, key, "POST", "/products", map[string]any{"name": "m", "tax_category": "saas",
			"price": map[string]any{"type": "one_time_price", "currency": "USD", "price": 100}}, &p)
		for i := 0; i < 3; i++ {
			call(ctx, s.base, key, "GET", "/products/"+p.ProductID, nil, nil)
		}
		call(ctx, s.base, key, "GET", "/nowhere/"+p.ProductID, nil, nil)
		req, _ := http.NewRequest("GET", s.base+"/products", nil)
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Pricebook-Fault", "status=503")
		if res, err := client.Do(req); err == nil {
			res.Body.Close()
		}
		callAuth(ctx, s.base, "Basic "+basicAuth(key), "GET", "/v1/plans", nil, nil)

		var text string
		deadline := time.Now().Add(20 * time.Second)
		for {
			res, err := http.Get("http://" + addr + "/metrics")
			if err == nil {
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				text = string(b)
			}
			if strings.Contains(text, "pricebook_webhook_attempts_total") || time.Now().After(deadline) {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		for _, want := range []string{
			`pricebook_http_requests_total{code="200",face="dodo",route="POST /products"} 1`,
			`pricebook_http_requests_total{code="200",face="dodo",route="GET /products/{id}"} 3`,
			`pricebook_http_requests_total{code="404",face="dodo",route="unmatched"} 1`,
			`pricebook_http_requests_total{code="503",face="dodo",route="GET /products"} 1`,
			`pricebook_http_requests_total{code="200",face="chartmogul",route="GET /v1/plans"} 1`,
			`pricebook_http_request_duration_seconds_bucket{face="dodo",route="GET /products/{id}"`,
			`pricebook_faults_injected_total{source="header"} 1`,
			`pricebook_store_commit_seconds_count`,
			`pricebook_webhook_attempts_total{result="success"}`,
			`pricebook_webhook_delivery_lag_seconds_count`,
			`pricebook_webhook_backlog`,
			`pricebook_journal_horizon_lag_seconds`,
			`go_goroutines`,
		} {
			if !strings.Contains(text, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
		if !strings.HasPrefix(db, "postgres") { // the group-commit writer and the read cache are SQLite's
			for _, want := range []string{"pricebook_store_write_batch_size_count", `pricebook_read_cache_lookups_total{result="hit"}`} {
				if !strings.Contains(text, want) {
					t.Errorf("SQLite metrics lack %s", want)
				}
			}
		}
		for _, leak := range []string{p.ProductID, key, "bus_", "key_", "pb_test"} {
			if leak != "" && strings.Contains(text, leak) {
				t.Errorf("metrics hold %q", leak)
			}
		}
		s.stop(t)
	})
}

// TestGarbageCollectorDefault: serve runs the collector at GOGC=200 when
// the environment sets none, and as GOGC says when it does (the Go
// collector's metric reports the setting in force).
func TestGarbageCollectorDefault(t *testing.T) {
	for _, c := range []struct{ env, want string }{{"", "200"}, {"50", "50"}} {
		if c.env != "" {
			t.Setenv("GOGC", c.env)
		} else {
			t.Setenv("GOGC", "")
			os.Unsetenv("GOGC") // t.Setenv restores it afterwards
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		db := filepath.Join(t.TempDir(), "gc.db")
		s := start(t, db, "--metrics-addr", addr)
		var got string
		deadline := time.Now().Add(10 * time.Second)
		for got == "" && time.Now().Before(deadline) {
			if res, err := http.Get("http://" + addr + "/metrics"); err == nil {
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				for _, line := range strings.Split(string(b), "\n") {
					if v, ok := strings.CutPrefix(line, "go_gc_gogc_percent "); ok {
						got = v
					}
				}
			}
			time.Sleep(50 * time.Millisecond)
		}
		if got != c.want {
			t.Errorf("GOGC %q: go_gc_gogc_percent %q, want %s", c.env, got, c.want)
		}
		s.stop(t)
	}
}
