package dodo_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pricebook/pricebook/internal/api/dodo"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// TestProductPagesAreOffsets checks the list contract that page_number is
// an offset: page N of size S is rows N*S .. N*S+S-1 of the list as it is
// when the page is read, from any server, for any client, cached or not.
// After every kind of product write, pages of every filter are read in
// order, backwards and out of order, through the handler stack with its
// read cache on, and compared with the slice of the whole list a plain
// query returns.
// On PostgreSQL a second server over the same database serves every other
// page. (An outside probe found remembered page ends reused after writes:
// a walk listed 30 of 40 products.)
func TestProductPagesAreOffsets(t *testing.T) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			st, raw, dsn := storetest.OpenRaw(t, engine)
			h := newHarness(t, st)
			servers := []*harness{h}
			if engine == store.Postgres {
				other := storetest.OpenDSN(t, dsn, store.Options{})
				servers = append(servers, &harness{t: t, st: other, keys: h.keys,
					h: dodo.New(deps(other))})
			}
			key := h.keys["a"]
			brand := h.newBrand(key, `{"name":"Second"}`)
			rec := `{"name":"R","tax_category":"saas","price":{"type":"recurring_price","currency":"USD","price":100,"payment_frequency_count":1,"payment_frequency_interval":"Month","subscription_period_count":1,"subscription_period_interval":"Year"}}`
			var ids []string
			for i := range 30 {
				body := oneTimeBody
				if i%3 == 0 {
					body = rec
				}
				ids = append(ids, h.create(key, body))
			}
			business := h.do("GET", "/products/"+ids[0], key, "").json(t)["business_id"].(string)

			type filter struct{ query, where string }
			filters := []filter{
				{"", "archived = FALSE"},
				{"&archived=true", "archived = TRUE"},
				{"&recurring=true", "archived = FALSE AND is_recurring = TRUE"},
				{"&recurring=false", "archived = FALSE AND is_recurring = FALSE"},
				{"&brand_id=" + brand, "archived = FALSE AND brand_id = '" + brand + "'"},
			}
			served := 0
			check := func(after string) {
				t.Helper()
				for _, f := range filters {
					for _, size := range []int{3, 10} {
						want := offsetIDs(t, raw, engine, business, f.where)
						pages := (len(want) + size - 1) / size
						// First the probe's order (pages after the write
						// before the pages ahead of them), then walks.
						order := []int{2, 3, 1}
						for n := 0; n <= pages; n++ {
							order = append(order, n)
						}
						for n := pages; n >= 0; n-- {
							order = append(order, n)
						}
						for _, n := range order {
							server := servers[served%len(servers)]
							served++
							r := server.do("GET", fmt.Sprintf("/products?page_size=%d&page_number=%d%s", size, n, f.query), key, "")
							var out struct {
								Items []struct {
									ProductID string `json:"product_id"`
								}
							}
							if err := json.Unmarshal(r.body, &out); err != nil || r.status != 200 {
								t.Fatalf("%s: page %d: %d %s", after, n, r.status, r.body)
							}
							got := []string{}
							for _, it := range out.Items {
								got = append(got, it.ProductID)
							}
							exp := want[min(n*size, len(want)):min(n*size+size, len(want))]
							if !slices.Equal(got, exp) {
								t.Fatalf("after %s, filter %q, size %d: page %d = %v, the plain query gives %v", after, f.query, size, n, got, exp)
							}
						}
					}
				}
			}
			check("creates")
			for i := range 10 {
				ids = append(ids, h.create(key, oneTimeBody))
				if i == 4 {
					check("creates between walks")
				}
			}
			check("more creates")
			write := func(method, path, body string) {
				t.Helper()
				if r := h.do(method, path, key, body); r.status != 200 {
					t.Fatalf("%s %s: %d %s", method, path, r.status, r.body)
				}
			}
			write("PATCH", "/products/"+ids[5], `{"name":"renamed"}`)
			check("an update")
			write("PATCH", "/products/"+ids[7], `{"brand_id":"`+brand+`"}`)
			write("PATCH", "/products/"+ids[20], `{"brand_id":"`+brand+`"}`)
			check("a brand change")
			write("DELETE", "/products/"+ids[11], "")
			write("DELETE", "/products/"+ids[30], "")
			check("archives")
			write("POST", "/products/"+ids[11]+"/unarchive", "")
			check("an unarchive")
			write("PATCH", "/products/"+ids[9], strings.Replace(rec, `"name":"R",`, "", 1))
			check("a price type change")
		})
	}
}

// offsetIDs is the reference: the tenant's product ids in list order by a
// plain query.
func offsetIDs(t *testing.T, raw *sql.DB, engine store.Engine, business, where string) []string {
	t.Helper()
	q := "SELECT id FROM products WHERE business_id = ? AND mode = 'test' AND " + where + " ORDER BY created_at DESC, id DESC"
	if engine == store.Postgres {
		q = strings.Replace(q, "?", "$1", 1)
	} else {
		q = strings.NewReplacer("TRUE", "1", "FALSE", "0").Replace(q)
	}
	rows, err := raw.Query(q, business)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	if len(ids) == 0 && where == "archived = FALSE" {
		t.Fatal("reference query found nothing: " + strconv.Quote(q))
	}
	return ids
}
