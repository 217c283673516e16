package e2e

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestOneServerPerSQLiteFile: a server owns its SQLite file, which is what
// lets it cache reads. A second server (or a bulk load) on the same file
// must stop at once with an error that says why, while keys commands still
// run beside the first server, whose data is untouched.
func TestOneServerPerSQLiteFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "owned.db")
	cli(t, "migrate", "--db", db)
	key := cli(t, "keys", "create", "--db", db, "--mode", "test", "--new-business")
	s := start(t, db)

	for _, args := range [][]string{
		{"serve", "--addr", "127.0.0.1:0", "--db", db},
		{"seed", "--db", db, "--products", "10"},
		{"migrate", "--db", db},
	} {
		// One that does not stop by itself runs beside the server.
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		out, err := exec.CommandContext(ctx, binary, args...).CombinedOutput()
		timedOut := ctx.Err() != nil
		cancel()
		if err == nil || timedOut {
			t.Fatalf("pricebook %v ran beside a server on the same file:\n%s", args, out)
		}
		if !strings.Contains(string(out), "in use by another pricebook") {
			t.Errorf("pricebook %v failed without saying why:\n%s", args, out)
		}
	}

	// keys commands run beside the server, and its key works at once.
	other := cli(t, "keys", "create", "--db", db, "--mode", "test", "--new-business")
	for _, k := range []string{key, other} {
		if status, err := call(context.Background(), s.base, k, "GET", "/products", nil, nil); err != nil || status != 200 {
			t.Fatalf("list with a key: %d %v", status, err)
		}
	}
}
