package store

import (
	"context"
	"strings"

	"github.com/pricebook/pricebook/internal/catalog"
)

// searchWindow is how many products, in list order, one search page
// reads at most: a name search filters rows no index orders by name, so
// each page looks at a bounded stretch of the list and says where the
// next one resumes, and every page costs the same on any catalog.
const searchWindow = 500

// SearchProducts returns one keyset page of the tenant's products, newest
// first, for the dashboard: each filter is served by an index ending in
// (created_at, id) and the page seeks past the previous one's last row.
// With a Query, the page holds the matches among the next searchWindow
// products only; resume, when not nil, is where the search goes on (the
// next page's After) although fewer than a page matched.
func (s *Store) SearchProducts(ctx context.Context, tn catalog.Tenant, f catalog.ProductSearch) (out catalog.List[*catalog.Product], resume *catalog.Keyset, err error) {
	var l listQuery
	l.args = []any{tn.BusinessID, string(tn.Mode)}
	l.cond("x.archived = ?", f.Archived)
	if f.BrandID != "" {
		l.cond("x.brand_id = ?", f.BrandID)
	}
	if f.Recurring != nil {
		l.cond("x.is_recurring = ?", *f.Recurring)
	}
	if f.CollectionID != "" {
		l.cond("EXISTS (SELECT 1 FROM collection_items c WHERE c.product_id = x.id AND c.active = TRUE AND c.collection_id = ?)", f.CollectionID)
	}
	if p := f.Page.After; p != nil {
		l.cond("(x.created_at, x.id) < (?, ?)", micros(p.CreatedAt), p.ID)
	}
	where := "x.business_id = ? AND x.mode = ?" + l.where.String()
	order := " ORDER BY x.created_at DESC, x.id DESC"
	if f.Query == "" {
		q := "SELECT " + productColumns + productFrom + "WHERE " + strings.ReplaceAll(where+order, "x.", "p.") + " LIMIT ?"
		out, err = s.listProducts(ctx, q, append(l.args, f.Page.Size+1), catalog.Page{Size: f.Page.Size})
		return out, nil, wrap("SearchProducts", err)
	}
	name := "json_extract(p.doc, '$.name') LIKE ? ESCAPE '\\'"
	if s.engine == Postgres {
		name = "(p.doc::jsonb ->> 'name') ILIKE ? ESCAPE '\\'"
	}
	esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(f.Query)
	window := "SELECT x.id, x.created_at FROM products x WHERE " + where + order + " LIMIT ?"
	err = s.db.read(ctx, func(ctx context.Context, t *tx) error {
		q := "SELECT " + productColumns + " FROM (" + window + ") w JOIN products p ON p.id = w.id" +
			" LEFT JOIN collection_items ci ON ci.product_id = p.id AND ci.active = TRUE WHERE (p.id = ? OR " + name + ")" +
			" ORDER BY p.created_at DESC, p.id DESC LIMIT ?"
		rows, err := t.query(ctx, q, append(l.args, searchWindow, f.Query, "%"+esc+"%", f.Page.Size+1)...)
		if err != nil {
			return err
		}
		out, err = scanPage(rows, catalog.Page{Size: f.Page.Size}, s.scanProduct)
		rows.Close()
		if err != nil || out.More {
			return err
		}
		// Fewer than a page matched: the window's last row, if it was
		// full, is where the search resumes.
		var n int
		var at int64
		var id string
		err = t.queryRow(ctx, "SELECT COUNT(*), COALESCE(MIN(w.created_at), 0) FROM ("+window+") w", append(l.args, searchWindow)...).Scan(&n, &at)
		if err != nil || n < searchWindow {
			return err
		}
		if err := t.queryRow(ctx, "SELECT MIN(w.id) FROM ("+window+") w WHERE w.created_at = ?", append(l.args, searchWindow, at)...).Scan(&id); err != nil {
			return err
		}
		resume = &catalog.Keyset{CreatedAt: fromMicros(at), ID: id}
		out.More = true
		return nil
	})
	return out, resume, wrap("SearchProducts", err)
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
