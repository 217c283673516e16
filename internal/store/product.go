package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
)

// productColumns are the columns scanProduct reads, in order, from
// productFrom: the product and the collection it belongs to, if any.
const (
	productColumns = `p.id, p.business_id, p.brand_id, p.archived, p.created_at, p.updated_at, p.doc, COALESCE(ci.collection_id, '')`
	productFrom    = ` FROM products p LEFT JOIN collection_items ci ON ci.product_id = p.id AND ci.active = TRUE `
)

// CreateProduct validates p, checks its references in the tenant and
// stores it. It fills the server-side fields of p.
func (s *Store) CreateProduct(ctx context.Context, tn catalog.Tenant, p *catalog.Product) error {
	p.ID = "" // the store names it
	args, err := s.newProductRow(tn, p, s.nowIn(ctx, tn))
	if err != nil {
		return err
	}
	created := catalog.Change{Type: "product.created", Kind: "product", ID: p.ID, Object: p}
	if !hasRefs(p) { // a product that refers to nothing renders without a read
		if created, err = s.prerendered(ctx, tn, created); err != nil {
			return err
		}
	}
	return s.db.write(ctx, func(ctx context.Context, t *tx) error {
		if !hasRefs(p) {
			// The common case: the brand check and the insert in one
			// statement, which inserts only while the brand is there and
			// enabled (on PostgreSQL the brand row stays share-locked until
			// the commit, so an archive cannot slip between them). When it
			// inserts nothing, the checks below word the error.
			q := `INSERT INTO products (id, business_id, mode, brand_id, is_recurring, archived, created_at, updated_at, doc)
				SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? FROM brands b
				WHERE b.business_id = ? AND b.mode = ? AND b.id = ? AND b.archived_at IS NULL`
			n, err := rowsAffected(t.exec(ctx, s.lockClause(q, "FOR SHARE OF b"), append(args, tn.BusinessID, string(tn.Mode), p.BrandID)...))
			if err != nil {
				return err
			}
			if n == 1 {
				return s.journal(ctx, t, tn, created)
			}
		}
		if err := s.checkProductRefs(ctx, t, tn, p, nil); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `INSERT INTO products (id, business_id, mode, brand_id, is_recurring, archived, created_at, updated_at, doc)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...); err != nil {
			return err
		}
		return s.journal(ctx, t, tn, created)
	})
}

// newProductRow validates a new product, fills its server-side fields as
// created at the given time and returns its row's values for
// "INSERT INTO products (id, business_id, mode, brand_id, is_recurring,
// archived, created_at, updated_at, doc)": the one way a product is
// created, bulk loads included.
func (s *Store) newProductRow(tn catalog.Tenant, p *catalog.Product, at time.Time) ([]any, error) {
	var pr catalog.Problems
	p.Validate(&pr)
	if err := pr.Err(); err != nil {
		return nil, err
	}
	p.Price.Normalize()
	if p.ID == "" { // bulk loads may name their products
		p.ID = s.NewID("pdt_")
	}
	p.BusinessID = tn.BusinessID
	if p.BrandID == "" {
		p.BrandID = tn.BusinessID
	}
	p.CreatedAt, p.UpdatedAt = at, at
	if p.Metadata == nil {
		p.Metadata = catalog.Metadata{}
	}
	doc, err := json.Marshal(productDocOf(p))
	if err != nil {
		return nil, err
	}
	return []any{p.ID, tn.BusinessID, string(tn.Mode), p.BrandID, p.Price.IsRecurring(), false, micros(at), micros(at), string(doc)}, nil
}

// hasRefs reports whether p refers to anything but its brand.
func hasRefs(p *catalog.Product) bool {
	return len(p.Addons) > 0 || len(p.Price.Meters) > 0 || len(p.CreditEntitlements) > 0 || len(p.Entitlements) > 0
}

// GetProduct returns a product of the tenant, archived or not.
func (s *Store) GetProduct(ctx context.Context, tn catalog.Tenant, id string) (*catalog.Product, error) {
	row := s.db.queryRow(ctx, "SELECT "+productColumns+productFrom+"WHERE p.id = ? AND p.business_id = ? AND p.mode = ?",
		id, tn.BusinessID, string(tn.Mode))
	p, err := s.scanProduct(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.NotFound("Product", id)
	}
	return p, wrap("GetProduct", err)
}

// scanProduct reads a product row through the decoded cache into a
// product of the caller's own.
func (s *Store) scanProduct(sc scanner) (*catalog.Product, error) {
	var p catalog.Product
	var created, updated int64
	var doc string
	if err := sc.Scan(&p.ID, &p.BusinessID, &p.BrandID, &p.Archived, &created, &updated, &doc, &p.CollectionID); err != nil {
		return nil, err
	}
	return s.decoded.decode(&p, created, updated, doc)
}

// decodeProduct completes p from its stored document and times.
func decodeProduct(p *catalog.Product, created, updated int64, doc string) (*catalog.Product, error) {
	var d productDoc
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return nil, fmt.Errorf("store: product %s: %w", p.ID, err)
	}
	d.applyTo(p)
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	if p.Metadata == nil {
		p.Metadata = catalog.Metadata{}
	}
	return p, nil
}

// ListProducts returns one page of the tenant's products, newest first.
// Products alone are read by offset pages deep into large catalogs, so
// their list has two tricks of its own: OFFSET skips rows in the index
// only (a deferred join), and a sequential walk continues from where the
// previous page ended while nothing was written since (pagecursor.go).
func (s *Store) ListProducts(ctx context.Context, tn catalog.Tenant, f catalog.ProductFilter) (catalog.List[*catalog.Product], error) {
	// The filter, written for the products table under alias "x".
	where := "x.business_id = ? AND x.mode = ? AND x.archived = ?"
	args := []any{tn.BusinessID, string(tn.Mode), f.Archived}
	if f.BrandID != "" {
		where += " AND x.brand_id = ?"
		args = append(args, f.BrandID)
	}
	if f.Recurring != nil {
		where += " AND x.is_recurring = ?"
		args = append(args, *f.Recurring)
	}
	filter := [4]any{tn, f.Archived, f.BrandID, f.Recurring != nil && *f.Recurring}
	if f.Recurring == nil {
		filter[3] = nil
	}
	page := f.Page
	version, stable := s.stableVersion()
	end, continued := s.pages.before("products", filter, page.Size, page.Number, version)
	continued = continued && stable
	var q string
	if continued {
		// Continue from where the previous page ended, which is exactly
		// OFFSET's page while nothing was written since. The bare
		// "created_at <= ?" lets both engines seek the index; the rest drops
		// the rows already served at that same instant.
		q = "SELECT " + productColumns + productFrom + "WHERE " + strings.ReplaceAll(where, "x.", "p.") +
			" AND p.created_at <= ? AND (p.created_at < ? OR p.id < ?) ORDER BY p.created_at DESC, p.id DESC LIMIT ?"
		args = append(args, end.createdAt, end.createdAt, end.id, page.Size+1)
	} else {
		q = productsByOffset(where)
		args = append(args, page.Size+1, page.Offset())
	}
	out, err := s.listProducts(ctx, q, args, page)
	if err != nil {
		return out, err
	}
	if stable && !s.versionIs(version) {
		// A write committed while the page was read: its rows may belong
		// to either side of it, so neither the continuation nor its end
		// can be trusted. Read the page by offset, as it is now.
		stable = false
		if continued {
			args = append(args[:len(args)-4], page.Size+1, page.Offset())
			if out, err = s.listProducts(ctx, productsByOffset(where), args, page); err != nil {
				return out, err
			}
		}
	}
	if n := len(out.Items); n > 0 && stable {
		last := out.Items[n-1]
		s.pages.remember("products", filter, page.Size, page.Number, pageEnd{micros(last.CreatedAt), last.ID, version})
	}
	return out, nil
}

// productsByOffset is the product list query skipping rows by OFFSET in
// the index alone (a deferred join), then fetching the page's rows by key:
// OFFSET never reads the rows it skips.
func productsByOffset(where string) string {
	return "SELECT " + productColumns + " FROM (SELECT x.id, x.created_at FROM products x WHERE " + where +
		" ORDER BY x.created_at DESC, x.id DESC LIMIT ? OFFSET ?) pg JOIN products p ON p.id = pg.id" +
		" LEFT JOIN collection_items ci ON ci.product_id = p.id AND ci.active = TRUE ORDER BY pg.created_at DESC, pg.id DESC"
}

func (s *Store) listProducts(ctx context.Context, query string, args []any, page catalog.Page) (catalog.List[*catalog.Product], error) {
	rows, err := s.db.query(ctx, query, args...)
	if err != nil {
		return catalog.List[*catalog.Product]{}, err
	}
	defer rows.Close()
	return scanPage(rows, page, s.scanProduct)
}

// lockProduct loads a product of the tenant for update inside t.
func (s *Store) lockProduct(ctx context.Context, t *tx, tn catalog.Tenant, id string) (*catalog.Product, error) {
	q := "SELECT " + productColumns + productFrom + "WHERE p.id = ? AND p.business_id = ? AND p.mode = ?"
	q = s.lockClause(q, "FOR UPDATE OF p")
	p, err := s.scanProduct(t.queryRow(ctx, q, id, tn.BusinessID, string(tn.Mode)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.NotFound("Product", id)
	}
	return p, err
}

// UpdateProduct applies a partial update, validating the merged product.
func (s *Store) UpdateProduct(ctx context.Context, tn catalog.Tenant, id string, u *catalog.ProductPatch) error {
	return wrap("UpdateProduct", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		p, err := s.lockProduct(ctx, t, tn, id)
		if err != nil {
			return err
		}
		if p.Archived {
			return catalog.Errorf(catalog.KindGone, catalog.ProductArchived, "Product %s is archived; unarchive it before updating", id)
		}
		held, image := referencesOf(p), p.ImageID
		var files []catalog.FileRef
		if p.DigitalDelivery != nil {
			files = p.DigitalDelivery.Files
		}
		u.Apply(p)
		var pr catalog.Problems
		p.Validate(&pr)
		if err := s.swapImage(ctx, t, tn, &pr, "product", id, image, p.ImageID); err != nil {
			return err
		}
		if d := u.DigitalDelivery; d != nil && d.Files != nil {
			if err := s.setProductFiles(ctx, t, tn, &pr, p, files, *d.Files); err != nil {
				return err
			}
		}
		if err := pr.Err(); err != nil {
			return err
		}
		p.Price.Normalize()
		if err := s.checkProductRefs(ctx, t, tn, p, held); err != nil {
			return err
		}
		doc, err := json.Marshal(productDocOf(p))
		if err != nil {
			return err
		}
		p.UpdatedAt = s.nowIn(ctx, tn)
		if _, err = t.exec(ctx, "UPDATE products SET brand_id = ?, is_recurring = ?, updated_at = ?, doc = ? WHERE id = ?",
			p.BrandID, p.Price.IsRecurring(), micros(p.UpdatedAt), string(doc), id); err != nil {
			return err
		}
		if err := s.journal(ctx, t, tn, catalog.Change{Type: "product.updated", Kind: "product", ID: id, Object: p}); err != nil {
			return err
		}
		if u.PricingMode.Set || u.Price != nil { // nothing else decides whether a localized price applies
			return s.archiveStaleLocalizedPrices(ctx, t, tn, p)
		}
		return nil
	}))
}

// ArchiveProduct archives a product; archiving an archived one is KindGone.
func (s *Store) ArchiveProduct(ctx context.Context, tn catalog.Tenant, id string) error {
	return wrap("ArchiveProduct", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		p, err := s.lockProduct(ctx, t, tn, id)
		if err != nil {
			return err
		}
		if p.Archived {
			return catalog.Errorf(catalog.KindGone, catalog.ProductArchived, "Product %s is already archived", id)
		}
		return s.setProductArchived(ctx, t, tn, p, true)
	}))
}

// setProductArchived archives or unarchives p and records it.
func (s *Store) setProductArchived(ctx context.Context, t *tx, tn catalog.Tenant, p *catalog.Product, archived bool) error {
	p.Archived, p.UpdatedAt = archived, s.nowIn(ctx, tn)
	if _, err := t.exec(ctx, "UPDATE products SET archived = ?, updated_at = ? WHERE id = ?", archived, micros(p.UpdatedAt), p.ID); err != nil {
		return err
	}
	typ := "product.unarchived"
	if archived {
		typ = "product.archived"
	}
	return s.journal(ctx, t, tn, catalog.Change{Type: typ, Kind: "product", ID: p.ID, Object: p})
}

// UnarchiveProduct restores an archived product; an active one is left as is.
func (s *Store) UnarchiveProduct(ctx context.Context, tn catalog.Tenant, id string) error {
	return wrap("UnarchiveProduct", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		p, err := s.lockProduct(ctx, t, tn, id)
		if err != nil || !p.Archived {
			return err
		}
		return s.setProductArchived(ctx, t, tn, p, false)
	}))
}
