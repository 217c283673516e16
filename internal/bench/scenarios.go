package bench

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// Scenario is one kind of request measured on its own.
type Scenario struct {
	Name   string
	Status int // expected status
	Header http.Header
	Next   Next
	Target string
	Check  func(ScenarioRun) bool
	// Warmup, when longer than the run's, is this scenario's warm-up.
	Warmup time.Duration
	// Prime, if set, runs once before the warm-up, unmeasured.
	Prime func(ctx context.Context, base string, hdr http.Header) error
}

// Fixtures are the objects scenarios work on, prepared before the run.
type Fixtures struct {
	Products    []string // existing products, for reads
	PoolKey     string   // the collection scenarios' business
	Free        []string // its products in no collection, each used once
	Collections []string // collections for new groups
	Groups      [][2]string
	DataSource  string // ChartMogul data source, "" when the face is absent
	PlanCursor  string // a cursor into the plan list
	Key         string
	Seeded      int // products seeded before the run
	// All is every seeded product of Key's business; Tenants are the
	// mixed scenario's other businesses (nil when it does not run).
	All     []string
	Tenants []Tenant
}

// Tenant is one business of the mixed scenario: its key and products.
type Tenant struct {
	Key      string
	Products []string
}

var prices = []string{
	`{"type":"one_time_price","currency":"USD","price":%d,"discount":0,"purchasing_power_parity":false}`,
	`{"type":"recurring_price","currency":"EUR","price":%d,"discount":0,"purchasing_power_parity":false,"payment_frequency_count":1,"payment_frequency_interval":"Month","subscription_period_count":1,"subscription_period_interval":"Year","trial_period_days":0}`,
	`{"type":"usage_based_price","currency":"GBP","fixed_price":%d,"discount":0,"purchasing_power_parity":false,"payment_frequency_count":1,"payment_frequency_interval":"Month","subscription_period_count":1,"subscription_period_interval":"Month"}`,
}

func ratioAtLeast(r float64) func(ScenarioRun) bool {
	return func(s ScenarioRun) bool { return s.RPSRatio >= r && s.P99Ratio <= 3 && s.Pricebook.Errors == 0 }
}

// Scenarios returns the standard scenario list over f, for conns
// connections.
func Scenarios(f *Fixtures, conns int) []Scenario {
	var free, groups, items atomic.Int64
	pick := func(seq int64) string { return f.Products[int(seq*7919)%len(f.Products)] }
	pool := http.Header{"Authorization": {"Bearer " + f.PoolKey}}
	list := []Scenario{
		{Name: "create_product", Status: 200, Target: "≥60% of baseline POST, p99 ≤3×", Check: ratioAtLeast(0.6),
			Next: func(_ int, seq int64) Request {
				body := fmt.Sprintf(`{"name":"Bench %d","description":"A benchmark product","tax_category":"saas","metadata":{"seq":%d},"price":%s}`,
					seq, seq, fmt.Sprintf(prices[seq%3], 100+seq%1000))
				return Request{Method: "POST", Path: "/products", Body: []byte(body)}
			}},
		{Name: "get_product", Status: 200, Target: "≥70% of baseline GET, p99 ≤3×", Check: ratioAtLeast(0.7),
			Next: func(_ int, seq int64) Request { return Request{Method: "GET", Path: "/products/" + pick(seq)} }},
		{Name: "list_products_10", Status: 200, Target: "p99 ≤3×", Check: ratioAtLeast(0),
			Next: func(int, int64) Request { return Request{Method: "GET", Path: "/products?page_size=10"} }},
		{Name: "list_products_100", Status: 200, Target: "≥40% of baseline, p99 ≤3×", Check: ratioAtLeast(0.4),
			Next: func(int, int64) Request { return Request{Method: "GET", Path: "/products?page_size=100"} }},
		walkScenario(f.Seeded/100, conns),
		{Name: "create_group", Status: 200, Header: pool, Target: "p99 ≤3×", Check: ratioAtLeast(0),
			Next: func(int, int64) Request {
				// Round robin over the collections: many collections
				// edited at once, not 64 clients queueing for one.
				n := groups.Add(1)
				c := f.Collections[int(n)%len(f.Collections)]
				return Request{Method: "POST", Path: "/product-collections/" + c + "/groups",
					Body: []byte(fmt.Sprintf(`{"group_name":"g%d","status":true,"products":[]}`, n))}
			}},
		{Name: "add_items", Status: 200, Header: pool, Target: "p99 ≤3×", Check: ratioAtLeast(0),
			Next: func(int, int64) Request {
				n := items.Add(1)
				g := f.Groups[int(n)%len(f.Groups)]
				p := f.Free[int(free.Add(1))%len(f.Free)]
				return Request{Method: "POST", Path: "/product-collections/" + g[0] + "/groups/" + g[1] + "/items",
					Body: []byte(`{"products":[{"product_id":"` + p + `","status":true}]}`)}
			}},
	}
	if len(f.Tenants) > 0 {
		list = append(list, mixedScenario(f))
	}
	if f.DataSource != "" {
		basic := http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(f.Key+":"))}}
		list = append(list,
			Scenario{Name: "cm_create_plan", Status: 201, Header: basic, Target: "p99 ≤3×", Check: ratioAtLeast(0),
				Next: func(_ int, seq int64) Request {
					b, _ := json.Marshal(map[string]any{"data_source_uuid": f.DataSource, "name": fmt.Sprintf("Plan %d", seq),
						"interval_count": 1, "interval_unit": "month"})
					return Request{Method: "POST", Path: "/v1/plans", Body: b}
				}},
			Scenario{Name: "cm_list_plans_cursor", Status: 200, Header: basic, Target: "p99 ≤3×", Check: ratioAtLeast(0),
				Next: func(int, int64) Request {
					return Request{Method: "GET", Path: "/v1/plans?per_page=50&cursor=" + f.PlanCursor}
				}},
		)
	}
	return list
}

// Select keeps the scenarios named in a comma-separated list ("" = all).
func Select(all []Scenario, names string) []Scenario {
	if names == "" || names == "all" {
		return all
	}
	var out []Scenario
	for _, s := range all {
		if strings.Contains(","+names+",", ","+s.Name+",") {
			out = append(out, s)
		}
	}
	return out
}

// walkScenario gives each of the conns connections an iterator of its
// own, walking pages of 100 in order from its own starting depth, spread
// over the catalog's pages, as the SDKs' auto-pagination asks for them:
// the next page once the previous one is answered. Prime asks for every
// iterator's first page, which only OFFSET can find, before the
// measurement, which then sees the walk itself.
func walkScenario(pages, conns int) Scenario {
	pages = max(1, pages)
	next := make([]int, conns) // each connection's next page
	for i := range next {
		next[i] = i * pages / conns
	}
	page := func(conn int) Request {
		p := next[conn]
		next[conn] = (p + 1) % pages
		return Request{Method: "GET", Path: fmt.Sprintf("/products?page_size=100&page_number=%d", p)}
	}
	return Scenario{Name: "walk_products_100", Status: 200, Check: ratioAtLeast(0),
		Target: "deep pages cost the same (compare list_products_100)",
		Next:   func(conn int, _ int64) Request { return page(conn) },
		Prime: func(ctx context.Context, base string, hdr http.Header) error {
			for conn := range next {
				if _, err := responseSize(base, hdr, page(conn)); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// mixedWrites is one request in this many of the mixed scenario: a create.
const mixedWrites = 10

// mixedScenario is what a shared catalog server sees: gets of products
// picked at random over the whole catalog of several businesses, and one
// request in ten a create, by those businesses in turn. A write retires
// only what it changed in the read cache, so the others' cached answers
// stay.
func mixedScenario(f *Fixtures) Scenario {
	tenants := append([]Tenant{{Key: f.Key, Products: f.All}}, f.Tenants...)
	auth := make([]http.Header, len(tenants))
	for i, t := range tenants {
		auth[i] = http.Header{"Authorization": {"Bearer " + t.Key}}
	}
	return Scenario{Name: "mixed", Status: 200, Check: ratioAtLeast(0.6),
		Target: fmt.Sprintf("≥60%% of baseline, p99 ≤3× (random gets over %d businesses, 1 in %d a create)", len(tenants), mixedWrites),
		Next: func(_ int, seq int64) Request {
			r := splitmix(uint64(seq))
			t := int(r % uint64(len(tenants)))
			if seq%mixedWrites == 0 {
				body := fmt.Sprintf(`{"name":"Mixed %d","description":"A benchmark product","tax_category":"saas","metadata":{"seq":%d},"price":%s}`,
					seq, seq, fmt.Sprintf(prices[seq%3], 100+seq%1000))
				return Request{Method: "POST", Path: "/products", Body: []byte(body), Header: auth[t]}
			}
			ps := tenants[t].Products
			return Request{Method: "GET", Path: "/products/" + ps[int((r>>16)%uint64(len(ps)))], Header: auth[t]}
		}}
}

// splitmix spreads consecutive numbers over the whole range (SplitMix64),
// so the mixed scenario's picks are random but the same in every run.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
