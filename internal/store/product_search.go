package store

import (
	"context"
	"strings"

	"github.com/pricebook/pricebook/internal/catalog"
)

// SearchProducts returns one keyset page of the tenant's products, newest
// first, for the dashboard: each filter is served by an index ending in
// (created_at, id), the page seeks past the previous one's last row, and a
// name search filters the rows the index walk reads (a rare name reads
// more of them; an id is looked up by key).
func (s *Store) SearchProducts(ctx context.Context, tn catalog.Tenant, f catalog.ProductSearch) (catalog.List[*catalog.Product], error) {
	var l listQuery
	l.cond("p.archived = ?", f.Archived)
	if f.BrandID != "" {
		l.cond("p.brand_id = ?", f.BrandID)
	}
	if f.Recurring != nil {
		l.cond("p.is_recurring = ?", *f.Recurring)
	}
	if f.CollectionID != "" {
		l.cond("ci.collection_id = ?", f.CollectionID)
	}
	if q := f.Query; q != "" {
		name := "json_extract(p.doc, '$.name') LIKE ? ESCAPE '\\'"
		if s.engine == Postgres {
			name = "(p.doc::jsonb ->> 'name') ILIKE ? ESCAPE '\\'"
		}
		esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q)
		l.cond("(p.id = ? OR "+name+")", q, "%"+esc+"%")
	}
	page := f.Page
	page.Number, page.WithTotal = 0, false
	from := listOf{selectFrom: "SELECT " + productColumns + productFrom + "WHERE p.business_id = ? AND p.mode = ?",
		created: "p.created_at", id: "p.id"}
	l.args = append([]any{tn.BusinessID, string(tn.Mode)}, l.args...)
	out, err := list(ctx, s, &l, from, page, s.scanProduct)
	return out, wrap("SearchProducts", err)
}

// countCap is where the dashboard's counts stop counting: past it they
// say "at least", so the overview costs the same on any catalog.
const countCap = 10000

// Counts returns how many objects of each kind the tenant has (active
// ones, where a kind archives), each counted up to countCap+1: a count
// above countCap means "more than countCap".
func (s *Store) Counts(ctx context.Context, tn catalog.Tenant) (map[string]int, error) {
	tables := []struct{ kind, table, where string }{
		{"products", "products", " AND archived = FALSE"},
		{"collections", "product_collections", " AND archived = FALSE"},
		{"addons", "addons", ""},
		{"discounts", "discounts", " AND deleted_at IS NULL"},
		{"meters", "meters", " AND archived = FALSE"},
		{"entitlements", "entitlements", " AND deleted = FALSE"},
		{"credit_entitlements", "credit_entitlements", " AND deleted = FALSE"},
		{"webhook_endpoints", "webhook_endpoints", " AND deleted_at IS NULL"},
	}
	out := make(map[string]int, len(tables))
	err := s.db.read(ctx, func(ctx context.Context, t *tx) error {
		for _, tb := range tables {
			var n int
			q := "SELECT COUNT(*) FROM (SELECT 1 FROM " + tb.table + " WHERE business_id = ? AND mode = ?" + tb.where + " LIMIT ?) c"
			if err := t.queryRow(ctx, q, tn.BusinessID, string(tn.Mode), countCap+1).Scan(&n); err != nil {
				return err
			}
			out[tb.kind] = n
		}
		return nil
	})
	return out, wrap("Counts", err)
}

// CountCap is the largest count Counts reports exactly.
const CountCap = countCap
