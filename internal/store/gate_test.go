package store

import (
	"context"
	"path/filepath"
	"testing"
)

// River's connections reuse their prepared statements; a query run again
// while rows of the same query are still open in the transaction must get
// its own statement, not reset the one being read.
func TestGatedConnReusesStatementsSafely(t *testing.T) {
	ctx := context.Background()
	pool := openGated("file:"+filepath.Join(t.TempDir(), "g.db"), newGate())
	defer pool.Close()
	pool.SetMaxOpenConns(1)
	if _, err := pool.ExecContext(ctx, "CREATE TABLE t (n INTEGER)"); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := pool.ExecContext(ctx, "INSERT INTO t (n) VALUES (?)", i); err != nil {
			t.Fatal(err)
		}
	}
	tx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	const q = "SELECT n FROM t WHERE n >= ? ORDER BY n"
	outer, err := tx.QueryContext(ctx, q, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for outer.Next() {
		var n int
		if err := outer.Scan(&n); err != nil {
			t.Fatal(err)
		}
		got = append(got, n)
		// The same query while outer's rows are open.
		var first int
		if err := tx.QueryRowContext(ctx, q, 2).Scan(&first); err != nil || first != 2 {
			t.Fatalf("inner query: %d, %v; want 2", first, err)
		}
	}
	if err := outer.Err(); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0] != 0 || got[2] != 2 {
		t.Fatalf("outer rows %v, want [0 1 2]", got)
	}
	outer.Close()
	// And the cached statement again, with other arguments.
	var n int
	if err := tx.QueryRowContext(ctx, q, 1).Scan(&n); err != nil || n != 1 {
		t.Fatalf("reused statement: %d, %v; want 1", n, err)
	}
}
