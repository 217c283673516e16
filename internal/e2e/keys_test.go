package e2e

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestKeysNeverLeak sends good and bad keys through both faces, to good
// and failing routes, and checks that no key shows up in the server's log
// or in any response.
func TestKeysNeverLeak(t *testing.T) {
	db := filepath.Join(t.TempDir(), "keys.db")
	cli(t, "migrate", "--db", db)
	key := cli(t, "keys", "create", "--db", db, "--mode", "test", "--new-business")
	s := start(t, db)
	bogus := "pb_test_AAAAAAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
	var bodies []string
	for _, k := range []string{key, bogus, "sk_live_secret_value"} {
		for _, auth := range []string{"Bearer " + k, "Basic " + basicAuth(k)} {
			for _, path := range []string{"/products", "/products/pdt_missing", "/v1/plans", "/v1/plans/pl_missing", "/nowhere"} {
				req, _ := http.NewRequestWithContext(context.Background(), "GET", s.base+path, nil)
				req.Header.Set("Authorization", auth)
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				bodies = append(bodies, string(b))
			}
		}
	}
	time.Sleep(200 * time.Millisecond) // let the last log lines arrive
	logs := s.logs.String()
	if !strings.Contains(logs, "request") {
		t.Fatalf("no request log lines captured:\n%s", logs)
	}
	for _, k := range []string{key, key[len(key)-32:], bogus, "sk_live_secret_value", basicAuth(key)} {
		if strings.Contains(logs, k) {
			t.Errorf("the log contains a key: %s", k)
		}
		for _, b := range bodies {
			if strings.Contains(b, k) {
				t.Errorf("a response contains a key: %s", b)
			}
		}
	}
}
