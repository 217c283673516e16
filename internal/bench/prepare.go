package bench

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// collections is how many collections the collection scenarios share:
// create_group adds groups to them in turn; at most 100 are allowed in
// one, which leaves room for 99,000 new groups.
const collections = 1000

// Prepare creates, over HTTP, the collections, groups and ChartMogul
// objects the scenarios use. products are the catalog's product ids, the
// first half of which the read scenarios pick from. The collection
// scenarios work in a business of their own (poolKey), whose pool
// products go into collections once each, so that the catalog the reads
// see stays the size asked for; poolKey "" leaves them out.
func Prepare(ctx context.Context, base, key string, products []string, poolKey string, pool []string) (*Fixtures, error) {
	f := &Fixtures{Key: key, Products: products[:max(1, len(products)/2)], All: products, Seeded: len(products), PoolKey: poolKey, Free: pool}
	auth := "Bearer " + poolKey
	for i := 0; poolKey != "" && i < collections; i++ {
		p := f.Free[len(f.Free)-1]
		f.Free = f.Free[:len(f.Free)-1]
		var c struct {
			ID     string `json:"id"`
			Groups []struct {
				GroupID string `json:"group_id"`
			} `json:"groups"`
		}
		body := fmt.Sprintf(`{"name":"Bench %d","groups":[{"group_name":"base","products":[{"product_id":%q}]}]}`, i, p)
		if err := do(ctx, "POST", base+"/product-collections", auth, body, 200, &c); err != nil {
			return nil, err
		}
		f.Collections = append(f.Collections, c.ID)
		f.Groups = append(f.Groups, [2]string{c.ID, c.Groups[0].GroupID})
	}
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(key+":"))
	var ds struct {
		UUID string `json:"uuid"`
	}
	if err := do(ctx, "POST", base+"/v1/data_sources", basic, `{"name":"Bench"}`, 201, &ds); err != nil {
		if strings.Contains(err.Error(), "404") {
			return f, nil // no ChartMogul face in this build
		}
		return nil, err
	}
	f.DataSource = ds.UUID
	for i := 0; i < 1000; i++ {
		body := fmt.Sprintf(`{"data_source_uuid":%q,"name":"Seed plan %d","interval_count":1,"interval_unit":"month"}`, ds.UUID, i)
		if err := do(ctx, "POST", base+"/v1/plans", basic, body, 201, nil); err != nil {
			return nil, err
		}
	}
	var page struct {
		Cursor string `json:"cursor"`
	}
	if err := do(ctx, "GET", base+"/v1/plans?per_page=200", basic, "", 200, &page); err != nil {
		return nil, err
	}
	f.PlanCursor = page.Cursor
	return f, nil
}

func do(ctx context.Context, method, url, auth, body string, want int, out any) error {
	req, _ := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	req.Header.Set("Authorization", auth)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		var e map[string]any
		json.NewDecoder(resp.Body).Decode(&e)
		return fmt.Errorf("%s %s: %d %v", method, url, resp.StatusCode, e)
	}
	if out != nil {
		return json.NewDecoder(resp.Body).Decode(out)
	}
	return nil
}
