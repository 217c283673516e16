package chartmogul_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// race fires n identical requests at once and counts the statuses.
func race(h *harness, n int, method, path, body string) map[int]int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	start := make(chan struct{})
	counts := map[int]int{}
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r := h.do(method, path, h.keys["a"], body)
			mu.Lock()
			counts[r.status]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	return counts
}

// TestConcurrentCreates: the unique indexes, not a check before the
// insert, decide which of many concurrent creates wins.
func TestConcurrentCreates(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		k := h.keys["a"]
		const n = 20
		for round := 0; round < 3; round++ {
			name := fmt.Sprint("Racy-", round)
			if c := race(h, n, "POST", "/v1/data_sources", `{"name":"`+name+`"}`); c[201] != 1 || c[422] != n-1 {
				t.Fatalf("data source name race: %v", c)
			}
			if got := uuids(t, h.do("GET", "/v1/data_sources?name="+name, k, ""), "data_sources"); len(got) != 1 {
				t.Fatalf("data sources named %q: %v", name, got)
			}
			ds := uuids(t, h.do("GET", "/v1/data_sources?name="+name, k, ""), "data_sources")[0]
			body := `{"data_source_uuid":"` + ds + `","name":"P","interval_count":1,"interval_unit":"month","external_id":"same"}`
			if c := race(h, n, "POST", "/v1/plans", body); c[201] != 1 || c[422] != n-1 {
				t.Fatalf("external id race: %v", c)
			}
			if got := uuids(t, h.do("GET", "/v1/plans?external_id=same&data_source_uuid="+ds, k, ""), "plans"); len(got) != 1 {
				t.Fatalf("plans with external id: %v", got)
			}
		}
	})
}

// TestConcurrentMembership: concurrent replacements of one group's plans
// and deletes of its plans never fail with a server error, and the count
// always matches the listed members.
func TestConcurrentMembership(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		k := h.keys["a"]
		ds := h.dataSource(k, "One")
		var plans []string
		for i := 0; i < 6; i++ {
			plans = append(plans, h.plan(k, ds, fmt.Sprint("p", i), ""))
		}
		g := h.create("/v1/plan_groups", k, `{"name":"G","plans":["`+plans[0]+`"]}`)
		var wg sync.WaitGroup
		statuses := make(chan int, 40)
		for i := 0; i < 20; i++ {
			wg.Add(2)
			go func() {
				defer wg.Done()
				body := fmt.Sprintf(`{"plans":["%s","%s","%s"]}`, plans[i%6], plans[(i+1)%6], plans[(i+2)%6])
				statuses <- h.do("PATCH", "/v1/plan_groups/"+g, k, body).status
			}()
			go func() {
				defer wg.Done()
				if i%5 == 0 {
					statuses <- h.do("DELETE", "/v1/plans/"+plans[i%6], k, "").status
				} else {
					statuses <- h.do("GET", "/v1/plan_groups/"+g+"/plans", k, "").status
				}
			}()
		}
		wg.Wait()
		close(statuses)
		for s := range statuses {
			if s >= 500 {
				t.Fatalf("server error %d", s)
			}
		}
		count := h.do("GET", "/v1/plan_groups/"+g, k, "").json(t)["plans_count"].(float64)
		if members := uuids(t, h.do("GET", "/v1/plan_groups/"+g+"/plans", k, ""), "plans"); int(count) != len(members) {
			t.Fatalf("plans_count %v, members %v", count, members)
		}
	})
}

// TestConcurrentCascade: deleting data sources while groups holding their
// plans are written and deleted never ends in a server error (on PostgreSQL, both lock
// plans in the same order), and no group keeps a deleted plan.
func TestConcurrentCascade(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		k := h.keys["a"]
		for round := 0; round < 4; round++ {
			ds := h.dataSource(k, fmt.Sprint("Source-", round))
			var ids []string
			for i := 0; i < 8; i++ {
				ids = append(ids, `"`+h.plan(k, ds, fmt.Sprint("p", i), "")+`"`)
			}
			list := "[" + strings.Join(ids, ",") + "]"
			g := h.create("/v1/plan_groups", k, `{"name":"G","plans":`+list+`}`)
			doomed := h.create("/v1/plan_groups", k, `{"name":"Doomed","plans":`+list+`}`)
			var wg sync.WaitGroup
			statuses := make(chan int, 12)
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses <- h.do("DELETE", "/v1/plan_groups/"+doomed, k, "").status
			}()
			for i := 0; i < 10; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if i%2 == 0 {
						statuses <- h.do("POST", "/v1/plan_groups", k, `{"name":"H","plans":`+list+`}`).status
					} else {
						statuses <- h.do("PATCH", "/v1/plan_groups/"+g, k, `{"plans":`+list+`}`).status
					}
				}()
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses <- h.do("DELETE", "/v1/data_sources/"+ds, k, "").status
			}()
			wg.Wait()
			close(statuses)
			for s := range statuses {
				if s >= 500 {
					t.Fatalf("server error %d", s)
				}
			}
			if c := h.do("GET", "/v1/plan_groups/"+g, k, "").json(t)["plans_count"]; c != 0.0 {
				t.Fatalf("group keeps deleted plans: %v", c)
			}
		}
	})
}
