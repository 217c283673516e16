package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/pricebook/pricebook/internal/pgtest"
)

// TestTwoServersOnePostgres runs two servers over one PostgreSQL database
// and sends conflicting requests through both at once: the database must
// pick exactly one winner, and a write acknowledged by one server must be
// readable from the other at once.
func TestTwoServersOnePostgres(t *testing.T) {
	db := pgtest.DSN(t)
	cli(t, "migrate", "--db", db)
	key := cli(t, "keys", "create", "--db", db, "--mode", "test", "--new-business")
	servers := []*server{start(t, db), start(t, db)}
	ctx := context.Background()
	product := func(s *server) string {
		var p struct {
			ProductID string `json:"product_id"`
		}
		status, err := call(ctx, s.base, key, "POST", "/products", map[string]any{"name": "p", "tax_category": "saas",
			"price": map[string]any{"type": "one_time_price", "currency": "USD", "price": 100}}, &p)
		if err != nil || status != 200 {
			t.Fatalf("create product: %d %v", status, err)
		}
		return p.ProductID
	}

	// Read-your-writes across servers.
	for i := 0; i < 20; i++ {
		id := product(servers[i%2])
		if status, _ := call(ctx, servers[(i+1)%2].base, key, "GET", "/products/"+id, nil, nil); status != 200 {
			t.Fatalf("product written through one server is not readable through the other: %d", status)
		}
	}

	// race sends n requests alternately through both servers at once.
	race := func(n int, req func(s *server, i int) int) []int {
		out := make([]int, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) { defer wg.Done(); out[i] = req(servers[i%2], i) }(i)
		}
		wg.Wait()
		return out
	}
	wins := func(statuses []int, lose int) int {
		n := 0
		for _, s := range statuses {
			switch s {
			case 200:
				n++
			case lose:
			default:
				t.Errorf("unexpected status %d", s)
			}
		}
		return n
	}

	// The same product into many collections.
	target := product(servers[0])
	extra := make([]string, 16)
	for i := range extra {
		extra[i] = product(servers[1])
	}
	st := race(16, func(s *server, i int) int {
		status, _ := call(ctx, s.base, key, "POST", "/product-collections", map[string]any{"name": fmt.Sprint("c", i),
			"groups": []any{map[string]any{"products": []any{map[string]any{"product_id": extra[i]}, map[string]any{"product_id": target}}}}}, nil)
		return status
	})
	if w := wins(st, 422); w != 1 {
		t.Errorf("%d collections got the same product", w)
	}

	// The same group name in one collection.
	var c struct {
		ID string `json:"id"`
	}
	call(ctx, servers[0].base, key, "POST", "/product-collections", map[string]any{"name": "named",
		"groups": []any{map[string]any{"products": []any{map[string]any{"product_id": product(servers[0])}}}}}, &c)
	st = race(16, func(s *server, i int) int {
		status, _ := call(ctx, s.base, key, "POST", "/product-collections/"+c.ID+"/groups", map[string]any{"group_name": "Annual", "products": []any{}}, nil)
		return status
	})
	if w := wins(st, 422); w != 1 {
		t.Errorf("%d groups got the same name", w)
	}

	// The same ChartMogul plan external_id in one data source.
	basic := "Basic " + basicAuth(key)
	var ds struct {
		UUID string `json:"uuid"`
	}
	if status, err := callAuth(ctx, servers[0].base, basic, "POST", "/v1/data_sources", map[string]any{"name": "Main"}, &ds); err != nil || status != 201 {
		t.Fatalf("data source: %d %v", status, err)
	}
	st = race(16, func(s *server, i int) int {
		status, _ := callAuth(ctx, s.base, basic, "POST", "/v1/plans", map[string]any{"data_source_uuid": ds.UUID,
			"name": fmt.Sprint("Gold ", i), "interval_count": 1, "interval_unit": "month", "external_id": "gold"}, nil)
		if status == 201 {
			return 200
		}
		return status
	})
	if w := wins(st, 422); w != 1 {
		t.Errorf("%d plans got the same external_id", w)
	}

	// The same idempotency key: executed once.
	before := countProducts(t, servers[0], key)
	st = race(16, func(s *server, i int) int {
		req, _ := http.NewRequest("POST", s.base+"/products", strings.NewReader(`{"name":"idem","tax_category":"saas","price":{"type":"one_time_price","currency":"USD","price":1}}`))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", "same-key")
		resp, err := client.Do(req)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	})
	wins(st, 409)
	if after := countProducts(t, servers[1], key); after != before+1 {
		t.Errorf("same idempotency key through two servers created %d products", after-before)
	}
}

func countProducts(t *testing.T, s *server, key string) int {
	n := 0
	for page := 0; ; page++ {
		var out struct {
			Items []any `json:"items"`
		}
		call(context.Background(), s.base, key, "GET", fmt.Sprintf("/products?page_size=100&page_number=%d", page), nil, &out)
		if len(out.Items) == 0 {
			return n
		}
		n += len(out.Items)
	}
}
