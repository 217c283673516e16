package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/pricebook/pricebook/internal/catalogfile"
)

// TestCatalogInterruptAndResume: an apply cut off halfway (a credit
// entitlement created but its answer lost, as when the client is killed;
// then a server error on the ChartMogul side) leaves a partial catalog; the next apply completes it
// without duplicates.
func TestCatalogInterruptAndResume(t *testing.T) {
	engines(t, func(t *testing.T, db string) {
		s, key := catalogServer(t, db)
		for _, rule := range []map[string]any{
			// Creates that carry an Idempotency-Key are retried by Go's
			// transport on a dropped connection (and replayed): the
			// credit entitlement's create carries none.
			{"method": "POST", "path": "/credit-entitlements", "fault": "after-commit; drop", "count": 1},
			{"method": "POST", "path": "/v1/plans", "fault": "status=503", "count": 1},
		} {
			if st, err := call(context.Background(), s.base, key, "POST", "/_pricebook/v1/faults", rule, nil); err != nil || st/100 != 2 {
				t.Fatalf("fault rule: %d %v", st, err)
			}
			if _, stderr, code := catalogCLI(t, s, key, "apply", fullCatalog); code != 1 {
				t.Fatalf("apply through %v: exit %d\n%s", rule, code, stderr)
			}
		}
		mustCatalog(t, s, key, 0, "apply", fullCatalog)
		mustCatalog(t, s, key, 0, "plan", fullCatalog)
		for path, want := range map[string]int{"/products": 5, "/product-collections": 1, "/discounts": 1, "/meters": 2, "/credit-entitlements": 1} {
			if n := listCount(t, s, key, path); n != want {
				t.Errorf("%s lists %d, want %d", path, n, want)
			}
		}
		if n := len(cmList(t, s, key, "/v1/plans", "plans")); n != 3 {
			t.Errorf("%d plans, want 3", n)
		}
		if n := len(cmList(t, s, key, "/v1/data_sources", "data_sources")); n != 1 {
			t.Errorf("%d data sources, want 1", n)
		}
	})
}

// TestCatalogRacingApplies: applies of one file racing on an empty
// partition end in the same state as one apply: nothing twice.
func TestCatalogRacingApplies(t *testing.T) {
	engines(t, func(t *testing.T, db string) {
		s, key := catalogServer(t, db)
		f := loadFile(t, fullCatalog)
		srv := catalogfile.Server{DodoURL: s.base, DodoKey: key}
		var wg sync.WaitGroup
		errs := make([]error, 3)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = catalogfile.Apply(context.Background(), srv, f, catalogfile.Options{})
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Errorf("a racing apply: %v", err)
			}
		}
		p, err := catalogfile.MakePlan(context.Background(), srv, f, catalogfile.Options{Prune: true})
		if err != nil || p.Pending() {
			t.Fatalf("plan --prune after the race: %v\n%s", err, p.Text())
		}
		for path, want := range map[string]int{"/products": 5, "/products?archived=true": 0, "/addons": 1, "/meters": 2, "/entitlements": 2,
			"/credit-entitlements": 1, "/discounts": 1, "/product-collections": 1} {
			if n := listCount(t, s, key, path); n != want {
				t.Errorf("%s lists %d, want %d", path, n, want)
			}
		}
		if n := len(cmList(t, s, key, "/v1/plan_groups", "plan_groups")); n != 3 {
			t.Errorf("%d plan groups, want 3", n)
		}
		if n := len(cmList(t, s, key, "/v1/data_sources", "data_sources")); n != 1 {
			t.Errorf("%d data sources, want 1", n)
		}
	})
}

// cutTransport answers the nth request it sends (counting from 1) with an
// error after the server has answered it: the write is committed, the
// client never learns it, as when apply is killed at that moment.
type cutTransport struct {
	mu   sync.Mutex
	cut  int
	sent int
}

func (c *cutTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.sent++
	cut := c.sent == c.cut
	c.mu.Unlock()
	res, err := http.DefaultTransport.RoundTrip(r)
	if cut && err == nil {
		res.Body.Close()
		return nil, errors.New("killed")
	}
	return res, err
}

// TestCatalogKilledAtEveryStep: an apply killed after any one of its
// requests (every third of a whole apply's, each on a fresh partition),
// then applied again, ends in the state of one apply: plan --prune is
// empty and nothing exists twice.
func TestCatalogKilledAtEveryStep(t *testing.T) {
	engines(t, func(t *testing.T, db string) {
		s := start(t, db, "--open-test-keys")
		f := loadFile(t, fullCatalog)
		ctx := context.Background()
		count := &cutTransport{}
		key := "pb_test_" + fmt.Sprintf("%032d", 0)
		if _, err := catalogfile.Apply(ctx, catalogfile.Server{DodoURL: s.base, DodoKey: key, HTTP: &http.Client{Transport: count}}, f, catalogfile.Options{}); err != nil {
			t.Fatal(err)
		}
		total := count.sent
		for cut := 1; cut <= total; cut += 3 {
			key := "pb_test_" + fmt.Sprintf("%032d", cut)
			tr := &cutTransport{cut: cut}
			srv := catalogfile.Server{DodoURL: s.base, DodoKey: key, HTTP: &http.Client{Transport: tr}}
			if _, err := catalogfile.Apply(ctx, srv, f, catalogfile.Options{}); err == nil {
				t.Errorf("cut at %d of %d: the apply did not fail", cut, total)
			}
			srv.HTTP = nil
			if _, err := catalogfile.Apply(ctx, srv, f, catalogfile.Options{}); err != nil {
				t.Fatalf("cut at %d: the next apply: %v", cut, err)
			}
			p, err := catalogfile.MakePlan(ctx, srv, f, catalogfile.Options{Prune: true})
			if err != nil || p.Pending() {
				t.Fatalf("cut at %d: plan --prune: %v\n%s", cut, err, p.Text())
			}
			for path, want := range map[string]int{"/products": 5, "/products?archived=true": 0, "/discounts": 1, "/product-collections": 1,
				"/entitlements": 2, "/meters": 2, "/addons": 1, "/credit-entitlements": 1} {
				if n := listCount(t, s, key, path); n != want {
					t.Errorf("cut at %d: %s lists %d, want %d", cut, path, n, want)
				}
			}
			if n := len(cmList(t, s, key, "/v1/plan_groups", "plan_groups")); n != 3 {
				t.Errorf("cut at %d: %d plan groups, want 3", cut, n)
			}
		}
	})
}
