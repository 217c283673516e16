package store

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/pricebook/pricebook/internal/catalog"
)

// seedBatch is how many rows one multi-row INSERT carries.
const seedBatch = 500

// SeedProducts bulk-inserts n products for the tenant, built by gen, for
// benchmarks and scale tests. It bypasses the per-request path (no
// reference checks, large transactions) but stores exactly what
// CreateProduct would. Products are created oldest first.
func (s *Store) SeedProducts(ctx context.Context, tn catalog.Tenant, n int, gen func(i int) *catalog.Product) error {
	base := s.now()
	for start := 0; start < n; start += 20 * seedBatch {
		end := min(start+20*seedBatch, n)
		err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
			for b := start; b < end; b += seedBatch {
				rows := min(seedBatch, end-b)
				args := make([]any, 0, rows*9)
				for i := b; i < b+rows; i++ {
					p := gen(i)
					p.Price.Normalize()
					if p.Metadata == nil {
						p.Metadata = catalog.Metadata{}
					}
					if p.BrandID == "" {
						p.BrandID = tn.BusinessID
					}
					doc, err := json.Marshal(p)
					if err != nil {
						return err
					}
					if p.ID == "" {
						p.ID = s.NewID("pdt_")
					}
					at := micros(base) + int64(i)
					args = append(args, p.ID, tn.BusinessID, string(tn.Mode), p.BrandID, p.Price.IsRecurring(), false, at, at, string(doc))
				}
				q := "INSERT INTO products (id, business_id, mode, brand_id, is_recurring, archived, created_at, updated_at, doc) VALUES " +
					strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?),", rows), ",")
				if _, err := t.exec(ctx, q, args...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return wrap("SeedProducts", err)
		}
	}
	if s.engine == Postgres {
		// Fresh statistics, or the planner takes a table it believes empty
		// for a small one and sorts it whole for every list page
		// (measured: 14 req/s for 10-row pages until autovacuum caught up).
		if _, err := s.db.writeStatement(ctx, "ANALYZE products"); err != nil {
			return wrap("SeedProducts", err)
		}
	}
	return nil
}
