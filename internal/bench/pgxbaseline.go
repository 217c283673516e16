package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
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

// PgxHandler is the bare baseline with storage: a net/http server that
// does nothing but decode, run one bare pgx statement and encode. POST
// /products decodes the JSON body and inserts it as a product row; GET
// /products/any reads one of the rows inserted back by key, the rows in
// turn, and answers it as JSON. It is what HTTP, JSON and PostgreSQL
// alone give on this machine, Pricebook's ceiling on PostgreSQL; close
// releases its scratch table.
func PgxHandler(ctx context.Context, dsn string) (h http.Handler, closeFn func(), err error) {
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	table := fmt.Sprintf("bench_http_baseline_%d", time.Now().UnixNano())
	if _, err := pool.Exec(ctx, "CREATE TABLE "+table+" (id TEXT PRIMARY KEY, created_at BIGINT NOT NULL, doc TEXT NOT NULL)"); err != nil {
		pool.Close()
		return nil, nil, err
	}
	closeFn = func() {
		pool.Exec(context.WithoutCancel(ctx), "DROP TABLE "+table)
		pool.Close()
	}
	var n, m atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("POST /products", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var v map[string]any
		if err := json.Unmarshal(body, &v); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		i := n.Add(1)
		id := fmt.Sprintf("pdt_%021d", i)
		if _, err := pool.Exec(r.Context(), "INSERT INTO "+table+" (id, created_at, doc) VALUES ($1, $2, $3)", id, i, body); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		v["product_id"] = id
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	})
	mux.HandleFunc("GET /products/any", func(w http.ResponseWriter, r *http.Request) {
		id := fmt.Sprintf("pdt_%021d", 1+m.Add(7919)%max(1, n.Load()))
		var doc string
		if err := pool.QueryRow(r.Context(), "SELECT doc FROM "+table+" WHERE id = $1", id).Scan(&doc); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(doc), &v); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		v["product_id"] = id
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	})
	return mux, closeFn, nil
}

// PgxHTTPBaseline runs exe's PgxHandler (bench-baseline --pgx) and drives
// it as create_product and get_product drive Pricebook: create's bodies,
// then reads of the rows they inserted.
func PgxHTTPBaseline(ctx context.Context, exe, dsn string, conns int, d time.Duration, create Next) (insert, sel Result, err error) {
	p, err := Start(exe, []string{"bench-baseline", "--addr", "127.0.0.1:0", "--pgx", dsn}, "")
	if err != nil {
		return insert, sel, err
	}
	defer p.Stop()
	get := func(int, int64) Request { return Request{Method: "GET", Path: "/products/any"} }
	Drive(ctx, p.Base, nil, conns, time.Second, 200, create)
	insert = Drive(ctx, p.Base, nil, conns, d, 200, create)
	Drive(ctx, p.Base, nil, conns, time.Second, 200, get)
	sel = Drive(ctx, p.Base, nil, conns, d, 200, get)
	return insert, sel, nil
}
