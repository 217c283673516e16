package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"
)

// ack is a write the server acknowledged with a 2xx.
type ack struct {
	kind, id, name string
	amount         int64
}

type ledger struct {
	mu   sync.Mutex
	acks []ack
}

func (l *ledger) add(a ack) {
	l.mu.Lock()
	l.acks = append(l.acks, a)
	l.mu.Unlock()
}

func (l *ledger) collections() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, a := range l.acks {
		if a.kind == "collection" {
			out = append(out, a.id)
		}
	}
	return out
}

func priceOf(i int, amount int64) map[string]any {
	switch i % 3 {
	case 0:
		return map[string]any{"type": "one_time_price", "currency": "USD", "price": amount}
	case 1:
		return map[string]any{"type": "recurring_price", "currency": "EUR", "price": amount,
			"payment_frequency_count": 1, "payment_frequency_interval": "Month",
			"subscription_period_count": 1, "subscription_period_interval": "Year"}
	}
	return map[string]any{"type": "usage_based_price", "currency": "GBP", "fixed_price": amount,
		"payment_frequency_count": 1, "payment_frequency_interval": "Month",
		"subscription_period_count": 1, "subscription_period_interval": "Month"}
}

// load writes products, collections, groups and ChartMogul plans until
// ctx ends, recording every acknowledged write.
func load(ctx context.Context, base, key, dataSource string, worker int, l *ledger) {
	basic := "Basic " + basicAuth(key)
	for i := 0; ctx.Err() == nil; i++ {
		if i%5 == 4 {
			var p struct {
				UUID string `json:"uuid"`
			}
			name := fmt.Sprintf("plan-%d-%d-%d", worker, i, rand.IntN(1e9))
			status, err := callAuth(ctx, base, basic, "POST", "/v1/plans", map[string]any{"data_source_uuid": dataSource,
				"name": name, "interval_count": 1, "interval_unit": "month"}, &p)
			if err == nil && status == 201 {
				l.add(ack{kind: "plan", id: p.UUID, name: name})
			}
			continue
		}
		name := fmt.Sprintf("w%d-%d-%d", worker, i, rand.IntN(1e9))
		amount := int64(rand.IntN(100000))
		var p struct {
			ProductID string `json:"product_id"`
		}
		status, err := call(ctx, base, key, "POST", "/products", map[string]any{
			"name": name, "tax_category": "saas", "price": priceOf(i, amount)}, &p)
		if err != nil || status != 200 {
			continue
		}
		l.add(ack{kind: "product", id: p.ProductID, name: name, amount: amount})
		switch i % 4 {
		case 1: // a new collection around the new product
			var c struct {
				ID string `json:"id"`
			}
			status, err := call(ctx, base, key, "POST", "/product-collections", map[string]any{
				"name": "c-" + name, "groups": []any{map[string]any{"group_name": "g", "products": []any{map[string]any{"product_id": p.ProductID}}}}}, &c)
			if err == nil && status == 200 {
				l.add(ack{kind: "collection", id: c.ID, name: "c-" + name})
			}
		case 3: // a new group in an existing collection
			if cs := l.collections(); len(cs) > 0 {
				cid := cs[rand.IntN(len(cs))]
				var g struct {
					GroupID string `json:"group_id"`
				}
				status, err := call(ctx, base, key, "POST", "/product-collections/"+cid+"/groups", map[string]any{
					"group_name": name, "products": []any{map[string]any{"product_id": p.ProductID}}}, &g)
				if err == nil && status == 200 {
					l.add(ack{kind: "group", id: cid + "/" + g.GroupID, name: name})
				}
			}
		}
	}
}

// TestCrashSafety kills the server with SIGKILL under a concurrent write
// load, several times, and checks after each restart that every
// acknowledged write is there, complete, with its event, and that the
// invariants hold; at the end, that every event was delivered to the
// webhook endpoint subscribed to all of them, by webhook-id, however the
// kills cut the deliveries. PRICEBOOK_CRASH_KILLS sets the number of
// kills (default 2).
func TestCrashSafety(t *testing.T) {
	kills := 2
	if v, err := strconv.Atoi(os.Getenv("PRICEBOOK_CRASH_KILLS")); err == nil && v > 0 {
		kills = v
	}
	engines(t, func(t *testing.T, db string) {
		cli(t, "migrate", "--db", db)
		key := cli(t, "keys", "create", "--db", db, "--mode", "test", "--new-business")
		l := &ledger{}
		var ds struct {
			UUID string `json:"uuid"`
		}
		recv := newDeliveryCounter(t)
		// A short attempt timeout, so that River rescues the attempts the
		// kills cut off within seconds (about 16 s plus its 30 s round).
		serve := func() *server { return start(t, db, "--webhook-timeout", "1s") }
		first := serve()
		if status, err := call(context.Background(), first.base, key, "POST", "/webhooks", map[string]any{"url": recv.url}, nil); err != nil || status != 200 {
			t.Fatalf("webhook: %d %v", status, err)
		}
		if status, err := callAuth(context.Background(), first.base, "Basic "+basicAuth(key), "POST", "/v1/data_sources", map[string]any{"name": "Crash"}, &ds); err != nil || status != 201 {
			t.Fatalf("data source: %d %v", status, err)
		}
		first.kill()
		for round := 0; round < kills; round++ {
			s := serve()
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			for w := 0; w < 8; w++ {
				wg.Add(1)
				go func(w int) { defer wg.Done(); load(ctx, s.base, key, ds.UUID, w, l) }(w)
			}
			time.Sleep(time.Duration(300+rand.IntN(900)) * time.Millisecond)
			s.kill()
			cancel()
			wg.Wait()
			verify(t, serve(), key, l)
		}
		if len(l.acks) < 20 {
			t.Errorf("only %d writes were acknowledged; the load did not run", len(l.acks))
		}
		last := serve()
		ids := eventIDs(t, last, key)
		deadline := time.Now().Add(120 * time.Second)
		for missing := recv.missing(ids); len(missing) > 0; missing = recv.missing(ids) {
			if time.Now().After(deadline) {
				t.Fatalf("%d of %d events never delivered, such as %v:\n%s", len(missing), len(ids), missing[:min(5, len(missing))], last.logs)
			}
			time.Sleep(200 * time.Millisecond)
		}
		last.kill()
		t.Logf("%d acknowledged writes survived %d kills; all %d events delivered (%d deliveries)", len(l.acks), kills, len(ids), recv.total())
	})
}

// deliveryCounter is a webhook receiver outside the server: it survives
// the kills and counts what arrived by webhook-id.
type deliveryCounter struct {
	url string
	mu  sync.Mutex
	ids map[string]int
}

func newDeliveryCounter(t *testing.T) *deliveryCounter {
	c := &deliveryCounter{ids: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.ids[r.Header.Get("webhook-id")]++
		c.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	c.url = srv.URL
	return c
}

func (c *deliveryCounter) missing(ids []string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, id := range ids {
		if c.ids[id] == 0 {
			out = append(out, id)
		}
	}
	return out
}

func (c *deliveryCounter) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, k := range c.ids {
		n += k
	}
	return n
}

// eventIDs lists every event of key's partition, newest first.
func eventIDs(t *testing.T, s *server, key string) []string {
	t.Helper()
	var ids []string
	cursor := ""
	for {
		var page struct {
			Data []struct {
				ID string `json:"id"`
			}
			NextCursor *string `json:"next_cursor"`
		}
		path := "/_pricebook/v1/events?limit=200"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		if status, err := call(context.Background(), s.base, key, "GET", path, nil, &page); err != nil || status != 200 {
			t.Fatalf("events: %d %v", status, err)
		}
		for _, e := range page.Data {
			ids = append(ids, e.ID)
		}
		if page.NextCursor == nil {
			return ids
		}
		cursor = *page.NextCursor
	}
}

type productView struct {
	ProductID           string         `json:"product_id"`
	Name                string         `json:"name"`
	Price               map[string]any `json:"price"`
	ProductCollectionID *string        `json:"product_collection_id"`
}

type collectionView struct {
	ID     string `json:"id"`
	Groups []struct {
		GroupID  string `json:"group_id"`
		Products []struct {
			ProductID string `json:"product_id"`
		} `json:"products"`
	} `json:"groups"`
}

func verify(t *testing.T, s *server, key string, l *ledger) {
	t.Helper()
	defer s.kill()
	ctx := context.Background()
	l.mu.Lock()
	acks := append([]ack(nil), l.acks...)
	l.mu.Unlock()
	// Every acknowledged write's event survived with it. Read newest first:
	// an ascending read waits below the oldest transaction still running,
	// and on PostgreSQL the killed server's transactions may still be
	// running until the database notices the dead connections.
	created := map[string]bool{}
	var after string
	for {
		var page struct {
			Data []struct {
				Type     string `json:"type"`
				ObjectID string `json:"object_id"`
			}
			NextCursor *string `json:"next_cursor"`
		}
		path := "/_pricebook/v1/events?limit=200"
		if after != "" {
			path += "&cursor=" + after
		}
		if status, err := call(ctx, s.base, key, "GET", path, nil, &page); err != nil || status != 200 {
			t.Fatalf("events after restart: %d %v", status, err)
		}
		for _, e := range page.Data {
			if e.Type == "product.created" || e.Type == "plan.created" || e.Type == "product_collection.created" {
				created[e.ObjectID] = true
			}
		}
		if len(page.Data) == 0 || page.NextCursor == nil {
			break
		}
		after = *page.NextCursor
	}
	for _, a := range acks {
		if a.kind != "group" && !created[a.id] {
			t.Fatalf("acknowledged %s %s has no creation event", a.kind, a.id)
		}
	}
	for _, a := range acks {
		switch a.kind {
		case "product":
			var p productView
			status, err := call(ctx, s.base, key, "GET", "/products/"+a.id, nil, &p)
			if err != nil || status != 200 {
				t.Fatalf("acknowledged product %s lost: %d %v", a.id, status, err)
			}
			amount, _ := p.Price["price"].(float64)
			if p.Price["type"] == "usage_based_price" {
				amount, _ = p.Price["fixed_price"].(float64)
			}
			if p.Name != a.name || int64(amount) != a.amount {
				t.Fatalf("product %s incomplete: %+v, want name %s amount %d", a.id, p, a.name, a.amount)
			}
		case "plan":
			var p struct {
				Name string `json:"name"`
			}
			status, err := callAuth(ctx, s.base, "Basic "+basicAuth(key), "GET", "/v1/plans/"+a.id, nil, &p)
			if err != nil || status != 200 || p.Name != a.name {
				t.Fatalf("acknowledged plan %s lost or incomplete: %d %v %+v", a.id, status, err, p)
			}
		case "collection", "group":
			cid := a.id
			if a.kind == "group" {
				cid = a.id[:len("pdc_")+21]
			}
			var c collectionView
			status, err := call(ctx, s.base, key, "GET", "/product-collections/"+cid, nil, &c)
			if err != nil || status != 200 {
				t.Fatalf("acknowledged collection %s lost: %d %v", cid, status, err)
			}
			members := 0
			for _, g := range c.Groups {
				members += len(g.Products)
				// Every member names this collection as its own.
				for _, m := range g.Products {
					var p productView
					call(ctx, s.base, key, "GET", "/products/"+m.ProductID, nil, &p)
					if p.ProductCollectionID == nil || *p.ProductCollectionID != cid {
						t.Fatalf("product %s is in %s but says %v", m.ProductID, cid, p.ProductCollectionID)
					}
				}
			}
			if members == 0 {
				t.Fatalf("collection %s has no product", cid)
			}
			if a.kind == "group" {
				found := false
				for _, g := range c.Groups {
					found = found || cid+"/"+g.GroupID == a.id
				}
				if !found {
					t.Fatalf("acknowledged group %s lost", a.id)
				}
			}
		}
	}
}
