package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// tenantTables are the tables with rows of one partition, as
// (business_id, mode) names them.
var tenantTables = []string{"products", "brands", "product_collections", "addons", "meters", "entitlements", "credit_entitlements",
	"discounts", "localized_prices", "short_links", "data_sources", "plans", "plan_groups", "events", "webhook_endpoints",
	"webhook_deliveries", "uploads", "idempotency_keys", "fault_rules", "test_clocks"}

func partitionRows(t *testing.T, raw *sql.DB, engine store.Engine, tn catalog.Tenant) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range tenantTables {
		q := fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE business_id = ? AND mode = ?", table)
		if engine == store.Postgres {
			q = fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE business_id = $1 AND mode = $2", table)
		}
		var n int
		if err := raw.QueryRow(q, tn.BusinessID, string(tn.Mode)).Scan(&n); err != nil {
			t.Fatal(table, err)
		}
		out[table] = n
	}
	return out
}

// fill gives the partition one or more rows in most tables.
func fill(t *testing.T, st *store.Store, tn catalog.Tenant, at time.Time) {
	t.Helper()
	ctx := context.Background()
	p := oneTime("p", 100)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.CreateProduct(ctx, tn, p))
	a := seat()
	must(st.CreateAddon(ctx, tn, a))
	_, err := st.CreateImageUpload(ctx, tn, "addon", a.ID, false)
	must(err)
	must(st.CreateMeter(ctx, tn, calls()))
	must(st.CreateDiscount(ctx, tn, &catalog.Discount{Code: "RESET", Type: catalog.DiscountPercentage, Amount: 100, RestrictedTo: []string{p.ID}}))
	must(st.CreateCollection(ctx, tn, &catalog.Collection{Name: "c"}, []catalog.GroupInput{group(nil, p.ID)}))
	must(st.CreateDataSource(ctx, tn, &catalog.DataSource{Name: "Billing"}))
	must(st.CreateWebhookEndpoint(ctx, tn, &catalog.WebhookEndpoint{URL: "https://example.com/hook"}))
	_, _, err = st.BeginIdempotent(ctx, tn, "k", "fp")
	must(err)
	must(st.CreateFaultRule(ctx, tn, &catalog.FaultRule{Path: "/products", Fault: "status=500"}))
	_, err = st.SetClock(ctx, tn, at)
	must(err)
}

// TestReset: a reset empties its partition, every table of it, and
// leaves other partitions as they were, while one of them writes.
func TestReset(t *testing.T) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			st, raw, _ := storetest.OpenRaw(t, engine)
			ctx := context.Background()
			tn, other := storetest.Tenant(t, st), storetest.Tenant(t, st)
			at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
			fill(t, st, tn, at)
			fill(t, st, other, at)
			before := partitionRows(t, raw, engine, tn)
			for _, table := range []string{"products", "addons", "uploads", "discounts", "product_collections", "data_sources",
				"webhook_endpoints", "events", "idempotency_keys", "fault_rules", "test_clocks"} {
				if before[table] == 0 {
					t.Fatalf("fill left %s empty", table)
				}
			}

			theirs := partitionRows(t, raw, engine, other)
			var wg sync.WaitGroup
			stop := make(chan struct{})
			writes := 0
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					if err := st.CreateProduct(ctx, other, oneTime("w", 1)); err != nil {
						t.Error(err)
						return
					}
					writes++
				}
			}()
			time.Sleep(20 * time.Millisecond)
			counts, blobs, err := st.Reset(ctx, tn)
			close(stop)
			wg.Wait()
			if err != nil {
				t.Fatal(err)
			}
			if counts["products"] != 1 || counts["uploads"] != 1 || len(blobs) != 1 {
				t.Errorf("counts %v, blobs %v", counts, blobs)
			}
			for table, n := range partitionRows(t, raw, engine, tn) {
				if want := map[string]int{"brands": 1}[table]; n != want {
					t.Errorf("after reset %s has %d rows of the partition, want %d", table, n, want)
				}
			}
			after := partitionRows(t, raw, engine, other)
			for table, n := range theirs {
				if table == "products" || table == "events" {
					n += writes // one event per create
				}
				if after[table] != n {
					t.Errorf("the other partition's %s: %d rows, want %d (%d writes during the reset)", table, after[table], n, writes)
				}
			}
			if writes == 0 {
				t.Error("the other partition wrote nothing during the reset")
			}
			if c, err := st.Clock(ctx, tn); err != nil || c.Test {
				t.Errorf("clock after reset: %+v %v", c, err)
			}
			if c, err := st.Clock(ctx, other); err != nil || !c.Test || !c.Now.Equal(at) {
				t.Errorf("the other partition's clock: %+v %v", c, err)
			}
			if _, _, err := st.Reset(ctx, catalog.Tenant{BusinessID: tn.BusinessID, Mode: catalog.ModeLive}); kindOf(err) != catalog.KindForbidden {
				t.Errorf("live-mode reset: %v", err)
			}
		})
	}
}
