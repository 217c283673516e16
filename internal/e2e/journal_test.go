package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestJournalThroughTheBinary: writes through the real server record
// events that name their request (X-Request-Id) and key, and the events
// and history commands print them.
func TestJournalThroughTheBinary(t *testing.T) {
	engines(t, func(t *testing.T, db string) {
		cli(t, "migrate", "--db", db)
		key := cli(t, "keys", "create", "--mode", "test", "--new-business", "--db", db)
		s := start(t, db)
		ctx := context.Background()
		var p map[string]any
		if st, err := call(ctx, s.base, key, "POST", "/products", map[string]any{"name": "Logged", "tax_category": "saas",
			"price": map[string]any{"type": "one_time_price", "currency": "USD", "price": 100}}, &p); err != nil || st != 200 {
			t.Fatalf("create: %d %v", st, err)
		}
		id := p["product_id"].(string)
		if st, err := call(ctx, s.base, key, "PATCH", "/products/"+id, map[string]any{"name": "Logged twice"}, nil); err != nil || st != 200 {
			t.Fatalf("patch: %d %v", st, err)
		}
		lines := strings.Split(cli(t, "events", "--base-url", s.base, "--key", key), "\n")
		if len(lines) != 2 {
			t.Fatalf("events printed %d lines: %v", len(lines), lines)
		}
		var latest map[string]any
		json.Unmarshal([]byte(lines[0]), &latest)
		if latest["type"] != "product.updated" || latest["object_id"] != id || !strings.HasPrefix(latest["request_id"].(string), "req_") ||
			!strings.HasPrefix(latest["key_id"].(string), "key_") {
			t.Errorf("latest event: %v", latest)
		}
		history := strings.Split(cli(t, "history", id, "--base-url", s.base, "--key", key), "\n")
		var first map[string]any
		json.Unmarshal([]byte(history[0]), &first)
		if len(history) != 2 || first["type"] != "product.created" {
			t.Errorf("history: %v", history)
		}
		var was map[string]any
		json.Unmarshal([]byte(cli(t, "history", id, "--as-of", first["created_at"].(string), "--base-url", s.base, "--key", key)), &was)
		if was["name"] != "Logged" {
			t.Errorf("as of the creation: %v", was)
		}
	})
}

// TestShutdownEndsEventStreams: SIGTERM drains the server promptly even
// while a client tails the event stream (the stream ends; the client
// resumes elsewhere with Last-Event-ID).
func TestShutdownEndsEventStreams(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pricebook.db")
	cli(t, "migrate", "--db", db)
	key := cli(t, "keys", "create", "--mode", "test", "--new-business", "--db", db)
	s := start(t, db)
	req, _ := http.NewRequest("GET", s.base+"/_pricebook/v1/events/stream", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("stream: %v %v", err, res)
	}
	defer res.Body.Close()
	s.stop(t)
	if _, err := io.ReadAll(res.Body); err != nil && !strings.Contains(err.Error(), "EOF") {
		t.Logf("stream ended with %v", err)
	}
}
