package bench

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// PgxBaseline measures what PostgreSQL itself gives over the same
// connection count: a bare pgx insert of a product-sized row, and a point
// select by key, in a scratch table dropped afterwards. It is the storage
// ceiling the PostgreSQL figures are read against.
func PgxBaseline(ctx context.Context, dsn string, conns int, d time.Duration) (insert, sel Result, err error) {
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return insert, sel, err
	}
	defer pool.Close()
	table := fmt.Sprintf("bench_baseline_%d", time.Now().UnixNano())
	if _, err := pool.Exec(ctx, "CREATE TABLE "+table+" (id TEXT PRIMARY KEY, created_at BIGINT NOT NULL, doc TEXT NOT NULL)"); err != nil {
		return insert, sel, err
	}
	defer pool.Exec(context.WithoutCancel(ctx), "DROP TABLE "+table)
	doc := strings.Repeat("x", 700) // about a stored product document
	var n atomic.Int64
	insert = timed(ctx, conns, d, func(int) error {
		i := n.Add(1)
		_, err := pool.Exec(ctx, "INSERT INTO "+table+" (id, created_at, doc) VALUES ($1, $2, $3)", fmt.Sprintf("pdt_%021d", i), i, doc)
		return err
	})
	rows := max(1, n.Load())
	var m atomic.Int64
	sel = timed(ctx, conns, d, func(int) error {
		var got string
		return pool.QueryRow(ctx, "SELECT doc FROM "+table+" WHERE id = $1", fmt.Sprintf("pdt_%021d", 1+m.Add(7919)%rows)).Scan(&got)
	})
	return insert, sel, nil
}

// PGDurability reads the server settings that decide whether a commit is
// on disk when it is answered: fsync, synchronous_commit and
// full_page_writes. A benchmark of durable writes needs all three on.
func PGDurability(ctx context.Context, dsn string) (map[string]string, error) {
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	out := map[string]string{}
	for _, name := range []string{"fsync", "synchronous_commit", "full_page_writes"} {
		var v string
		if err := pool.QueryRow(ctx, "SELECT current_setting($1)", name).Scan(&v); err != nil {
			return nil, err
		}
		out[name] = v
	}
	return out, nil
}
