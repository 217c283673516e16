package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
)

// seedBatch is how many rows one multi-row INSERT carries.
const seedBatch = 500

// SeedProducts bulk-inserts n products for the tenant, built by gen, for
// benchmarks and scale tests. Each is prepared as CreateProduct prepares
// it (newProductRow) but inserted without reference checks, many to a
// statement and many statements to a transaction. Products are created
// oldest first, a microsecond apart.
func (s *Store) SeedProducts(ctx context.Context, tn catalog.Tenant, n int, gen func(i int) *catalog.Product) error {
	base := s.now()
	for start := 0; start < n; start += 20 * seedBatch {
		end := min(start+20*seedBatch, n)
		err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
			for b := start; b < end; b += seedBatch {
				rows := min(seedBatch, end-b)
				args := make([]any, 0, rows*9)
				for i := b; i < b+rows; i++ {
					row, err := s.newProductRow(tn, gen(i), base.Add(time.Duration(i)*time.Microsecond))
					if err != nil {
						return fmt.Errorf("store: seed product %d: %w", i, err)
					}
					args = append(args, row...)
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
