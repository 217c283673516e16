package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeSeed: serve --seed applies the file to the partition of the
// key it fixes (made at start, an issued key from then on), the APIs show
// the catalog at once, and a restart with the same seed changes nothing.
func TestServeSeed(t *testing.T) {
	engines(t, func(t *testing.T, db string) {
		const key = "pb_test_SeedE2E000000001_serveSeedTest0000000000000000001"
		data, _ := os.ReadFile(fullCatalog)
		seed := filepath.Join(t.TempDir(), "catalog.yaml")
		os.WriteFile(seed, append([]byte("key: "+key+"\n"), data...), 0o644)
		s := start(t, db, "--seed", seed)
		if n := listCount(t, s, key, "/products"); n != 5 {
			t.Errorf("%d products seeded, want 5", n)
		}
		if n := len(cmList(t, s, key, "/v1/plans", "plans")); n != 3 {
			t.Errorf("%d plans seeded, want 3", n)
		}
		// An issued key like any other: it works once its verification
		// is no longer cached (a second), without --open-test-keys.
		time.Sleep(1100 * time.Millisecond)
		if n := listCount(t, s, key, "/products"); n != 5 {
			t.Errorf("a second on: %d products, want 5", n)
		}
		events := eventCount(t, s, key)
		s.stop(t)
		s = start(t, db, "--seed", seed)
		if n := eventCount(t, s, key); n != events {
			t.Errorf("a restart with the same seed recorded %d events", n-events)
		}
		mustCatalog(t, s, key, 0, "plan", fullCatalog)
	})
}

// TestReadmeQuickStart: the README's example file, seeded as its quick
// start says, is what the APIs show, and catalog plan finds no drift.
func TestReadmeQuickStart(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	text = text[strings.Index(text, "## Catalog as code"):]
	text = text[strings.Index(text, "```yaml\n")+len("```yaml\n"):]
	example := text[:strings.Index(text, "```")]
	seed := filepath.Join(t.TempDir(), "catalog.yaml")
	os.WriteFile(seed, []byte(example), 0o644)
	f := loadFile(t, seed)
	s := start(t, filepath.Join(t.TempDir(), "pricebook.db"), "--seed", seed)
	if n := listCount(t, s, f.Key, "/products"); n != 2 {
		t.Errorf("%d products, want 2", n)
	}
	if pl := cmList(t, s, f.Key, "/v1/plans", "plans"); len(pl) != 1 || pl[0]["external_id"] != "pro-monthly" {
		t.Errorf("plans: %v", pl)
	}
	mustCatalog(t, s, f.Key, 0, "plan", seed)
}

// TestCatalogDriftInCI: catalog plan with a read-only key (what a CI job
// needs) exits 0 while the server is the file, 2 once someone changed it
// through the API (a price, and a brand archived for good); apply brings
// it back, a new brand for the archived one.
func TestCatalogDriftInCI(t *testing.T) {
	engines(t, func(t *testing.T, db string) {
		s, key := catalogServer(t, db)
		mustCatalog(t, s, key, 0, "apply", fullCatalog)
		var brands struct {
			Items []struct {
				BrandID    string `json:"brand_id"`
				BusinessID string `json:"business_id"`
				Name       *string
			}
		}
		call(context.Background(), s.base, key, "GET", "/brands", nil, &brands)
		var acme, business string
		for _, b := range brands.Items {
			business = b.BusinessID
			if b.Name != nil && *b.Name == "Acme Labs" {
				acme = b.BrandID
			}
		}
		ro := cli(t, "keys", "create", "--mode", "test", "--read-only", "--business", business, "--db", db)
		mustCatalog(t, s, ro, 0, "plan", fullCatalog)

		var list struct {
			Items []struct {
				ProductID string `json:"product_id"`
				Name      string
			}
		}
		call(context.Background(), s.base, key, "GET", "/products", nil, &list)
		for _, p := range list.Items {
			if p.Name == "The book" {
				body := map[string]any{"price": map[string]any{"type": "one_time_price", "currency": "USD", "price": 999}}
				if st, err := call(context.Background(), s.base, key, "PATCH", "/products/"+p.ProductID, body, nil); err != nil || st != 200 {
					t.Fatalf("patch: %d %v", st, err)
				}
			}
		}
		if st, err := call(context.Background(), s.base, key, "POST", "/brands/"+acme+"/archive", map[string]any{"move_products_to": business}, nil); err != nil || st != 200 {
			t.Fatalf("archive brand: %d %v", st, err)
		}
		out := mustCatalog(t, s, ro, 2, "plan", fullCatalog)
		for _, want := range []string{"~ update product ebook", "price.price: 999 -> 2500", "+ create brand acme-labs", `brand: "primary" -> "acme-labs"`} {
			if !strings.Contains(out, want) {
				t.Errorf("the plan lacks %q:\n%s", want, out)
			}
		}
		mustCatalog(t, s, key, 0, "apply", fullCatalog)
		mustCatalog(t, s, ro, 0, "plan", fullCatalog)
	})
}
