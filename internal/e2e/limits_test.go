package e2e

import (
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestClientLimits checks the limits on what a client controls against
// the real server: header size, body size, JSON depth and slow clients.
func TestClientLimits(t *testing.T) {
	db := filepath.Join(t.TempDir(), "limits.db")
	cli(t, "migrate", "--db", db)
	key := cli(t, "keys", "create", "--db", db, "--mode", "test", "--new-business")
	s := start(t, db, "--read-header-timeout", "1s")

	send := func(method, path, auth string, header map[string]string, body string) (int, string) {
		req, _ := http.NewRequest(method, s.base+path, strings.NewReader(body))
		req.Header.Set("Authorization", auth)
		req.Header.Set("Content-Type", "application/json")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	bearer := "Bearer " + key
	if status, _ := send("GET", "/products", bearer, map[string]string{"X-Big": strings.Repeat("x", 70<<10)}, ""); status != 431 {
		t.Errorf("70 KiB header: %d, want 431", status)
	}
	if status, body := send("POST", "/products", bearer, nil, `{"name":"`+strings.Repeat("x", 1<<20)+`"}`); status != 413 || !strings.Contains(body, "REQUEST_TOO_LARGE") {
		t.Errorf("1 MiB body: %d %s", status, body)
	}
	deep := `{"metadata":` + strings.Repeat(`{"a":`, 40) + "1" + strings.Repeat("}", 40) + "}"
	if status, body := send("POST", "/products", bearer, nil, deep); status != 422 || !strings.Contains(body, "deeper") {
		t.Errorf("deep JSON (Dodo): %d %s", status, body)
	}
	basic := "Basic " + basicAuth(key)
	if status, body := send("POST", "/v1/data_sources", basic, nil, deep); status != 400 || !strings.Contains(body, "deeper") {
		t.Errorf("deep JSON (ChartMogul): %d %s", status, body)
	}
	if status, _ := send("GET", "/products?page_size=1000", bearer, nil, ""); status != 422 {
		t.Errorf("page_size 1000: %d", status)
	}
	if status, body := send("POST", "/products", bearer, map[string]string{"Idempotency-Key": strings.Repeat("k", 300)}, `{}`); status != 400 {
		t.Errorf("300-character idempotency key: %d %s", status, body)
	}

	// A client that never finishes its headers is cut off.
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.Write([]byte("GET /healthz HTTP/1.1\r\nHost: x\r\n"))
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	io.ReadAll(conn)
	if waited := time.Since(start); waited > 4*time.Second {
		t.Errorf("a slow client held its connection for %s", waited)
	}
}
