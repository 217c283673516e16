package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/pricebook/pricebook/internal/catalog"
)

// Localized prices: a product's rules, one active rule per currency
// (by_currency) or per country (by_country), which partial unique indexes
// keep under concurrency. Every use case takes its product's row first
// (shared on PostgreSQL, so creates race only at the index, while a
// product update, which locks the row for update, waits), then the rule's:
// the order UpdateProduct takes them in.

const localizedPriceColumns = `l.id, l.business_id, l.product_id, l.pricing_mode, l.currency, l.country_code, l.amount,
	l.archived_at IS NOT NULL, l.created_at, l.updated_at`

func scanLocalizedPrice(sc scanner) (*catalog.LocalizedPrice, error) {
	var lp catalog.LocalizedPrice
	var country sql.NullString
	var created, updated int64
	if err := sc.Scan(&lp.ID, &lp.BusinessID, &lp.ProductID, &lp.Mode, &lp.Currency, &country, &lp.Amount,
		&lp.Archived, &created, &updated); err != nil {
		return nil, err
	}
	if country.Valid {
		lp.CountryCode = &country.String
	}
	lp.CreatedAt, lp.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &lp, nil
}

// productForRules reads the tenant's product inside t, share-locking its
// row on PostgreSQL until the commit.
func (s *Store) productForRules(ctx context.Context, t *tx, tn catalog.Tenant, id string) (*catalog.Product, error) {
	q := s.lockClause("SELECT "+productColumns+productFrom+"WHERE p.id = ? AND p.business_id = ? AND p.mode = ?", "FOR SHARE OF p")
	p, err := s.scanProduct(t.queryRow(ctx, q, id, tn.BusinessID, string(tn.Mode)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.NotFound("Product", id)
	}
	return p, err
}

// CreateLocalizedPrice adds a rule to a product of the tenant, in the
// product's pricing mode, and returns it.
func (s *Store) CreateLocalizedPrice(ctx context.Context, tn catalog.Tenant, productID string, in *catalog.LocalizedPriceInput) (*catalog.LocalizedPrice, error) {
	var pr catalog.Problems
	if in.Validate(&pr); pr.Err() != nil {
		return nil, pr.Err() // nothing to look up for a malformed rule
	}
	var lp *catalog.LocalizedPrice
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		p, err := s.productForRules(ctx, t, tn, productID)
		if err != nil {
			return err
		}
		if p.Archived {
			return catalog.Errorf(catalog.KindGone, catalog.ProductArchived, "Product %s is archived; unarchive it before adding localized prices", productID)
		}
		if lp, err = catalog.NewLocalizedPrice(p, in); err != nil {
			return err
		}
		now := s.nowIn(ctx, tn)
		lp.ID, lp.BusinessID, lp.CreatedAt, lp.UpdatedAt = s.NewID("lcp_"), tn.BusinessID, now, now
		return s.execJournal(ctx, t, tn, catalog.Change{Type: "localized_price.created", Kind: "localized_price", ID: lp.ID, Object: lp},
			`INSERT INTO localized_prices (id, business_id, mode, product_id, pricing_mode, currency, country_code, amount, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, lp.ID, tn.BusinessID, string(tn.Mode), productID, lp.Mode, lp.Currency, lp.CountryCode,
			lp.Amount, micros(now), micros(now))
	})
	if err != nil {
		return nil, wrap("CreateLocalizedPrice", localizedPriceError(lp, productID, err))
	}
	return lp, nil
}

// localizedPriceError turns a clash at the unique indexes into the
// documented conflict.
func localizedPriceError(lp *catalog.LocalizedPrice, productID string, err error) error {
	kind, name := violation(err)
	if kind != violationUnique || !strings.Contains(name, "localized_prices") || lp == nil {
		return err
	}
	if lp.CountryCode != nil {
		return catalog.Errorf(catalog.KindConflict, catalog.LocalizedPriceTaken,
			"country_code: product %s already has an active localized price for %s", productID, *lp.CountryCode)
	}
	return catalog.Errorf(catalog.KindConflict, catalog.LocalizedPriceTaken,
		"currency: product %s already has an active localized price in %s", productID, lp.Currency)
}

// GetLocalizedPrice returns an active rule of a product of the tenant;
// an archived one is not found.
func (s *Store) GetLocalizedPrice(ctx context.Context, tn catalog.Tenant, productID, id string) (*catalog.LocalizedPrice, error) {
	lp, err := scanLocalizedPrice(s.db.queryRow(ctx, "SELECT "+localizedPriceColumns+` FROM localized_prices l
		WHERE l.id = ? AND l.product_id = ? AND l.business_id = ? AND l.mode = ? AND l.archived_at IS NULL`,
		id, productID, tn.BusinessID, string(tn.Mode)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.NotFound("Localized price", id)
	}
	return lp, wrap("GetLocalizedPrice", err)
}

// ListLocalizedPrices returns the active rules of a product of the
// tenant, newest first, unpaged; an unknown product is not found.
func (s *Store) ListLocalizedPrices(ctx context.Context, tn catalog.Tenant, productID string) (catalog.List[*catalog.LocalizedPrice], error) {
	var out catalog.List[*catalog.LocalizedPrice]
	err := s.db.read(ctx, func(ctx context.Context, t *tx) error {
		var n int
		if err := t.queryRow(ctx, "SELECT COUNT(*) FROM products WHERE id = ? AND business_id = ? AND mode = ?",
			productID, tn.BusinessID, string(tn.Mode)).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return catalog.NotFound("Product", productID)
		}
		rows, err := t.query(ctx, "SELECT "+localizedPriceColumns+` FROM localized_prices l
			WHERE l.product_id = ? AND l.business_id = ? AND l.mode = ? AND l.archived_at IS NULL
			ORDER BY l.created_at DESC, l.id DESC`, productID, tn.BusinessID, string(tn.Mode))
		if err != nil {
			return err
		}
		defer rows.Close()
		out, err = scanPage(rows, catalog.Page{Size: catalog.AllRows}, scanLocalizedPrice)
		return err
	})
	return out, wrap("ListLocalizedPrices", err)
}

// lockLocalizedPrice loads an active rule of the product inside t, locking
// its row on PostgreSQL.
func (s *Store) lockLocalizedPrice(ctx context.Context, t *tx, tn catalog.Tenant, productID, id string, archived bool) (*catalog.LocalizedPrice, error) {
	q := "SELECT " + localizedPriceColumns + " FROM localized_prices l WHERE l.id = ? AND l.product_id = ? AND l.business_id = ? AND l.mode = ?"
	if !archived {
		q += " AND l.archived_at IS NULL"
	}
	lp, err := scanLocalizedPrice(t.queryRow(ctx, s.lockClause(q, "FOR UPDATE"), id, productID, tn.BusinessID, string(tn.Mode)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.NotFound("Localized price", id)
	}
	return lp, err
}

// UpdateLocalizedPrice changes an active rule's amount and returns the
// rule. A patch that changes nothing writes nothing.
func (s *Store) UpdateLocalizedPrice(ctx context.Context, tn catalog.Tenant, productID, id string, u *catalog.LocalizedPricePatch) (*catalog.LocalizedPrice, error) {
	var pr catalog.Problems
	if u.Validate(&pr); pr.Err() != nil {
		return nil, pr.Err()
	}
	var lp *catalog.LocalizedPrice
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		p, err := s.productForRules(ctx, t, tn, productID)
		if err != nil {
			return err
		}
		if lp, err = s.lockLocalizedPrice(ctx, t, tn, productID, id, false); err != nil {
			return err
		}
		if p.Archived {
			return catalog.Errorf(catalog.KindGone, catalog.ProductArchived, "Product %s is archived; unarchive it before updating its localized prices", productID)
		}
		if u.Amount == nil || *u.Amount == lp.Amount {
			return nil
		}
		lp.Amount, lp.UpdatedAt = *u.Amount, s.nowIn(ctx, tn)
		return s.execJournal(ctx, t, tn, catalog.Change{Type: "localized_price.updated", Kind: "localized_price", ID: id, Object: lp},
			"UPDATE localized_prices SET amount = ?, updated_at = ? WHERE id = ?", lp.Amount, micros(lp.UpdatedAt), id)
	})
	if err != nil {
		return nil, wrap("UpdateLocalizedPrice", err)
	}
	return lp, nil
}

// ArchiveLocalizedPrice archives a rule of a product of the tenant;
// archiving an archived rule changes nothing and is no error.
func (s *Store) ArchiveLocalizedPrice(ctx context.Context, tn catalog.Tenant, productID, id string) error {
	return wrap("ArchiveLocalizedPrice", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		if _, err := s.productForRules(ctx, t, tn, productID); err != nil {
			return err
		}
		lp, err := s.lockLocalizedPrice(ctx, t, tn, productID, id, true)
		if err != nil || lp.Archived {
			return err
		}
		return s.archiveLocalizedPrice(ctx, t, tn, lp)
	}))
}

func (s *Store) archiveLocalizedPrice(ctx context.Context, t *tx, tn catalog.Tenant, lp *catalog.LocalizedPrice) error {
	lp.Archived, lp.UpdatedAt = true, s.nowIn(ctx, tn)
	now := micros(lp.UpdatedAt)
	return s.execJournal(ctx, t, tn, catalog.Change{Type: "localized_price.archived", Kind: "localized_price", ID: lp.ID, Object: lp},
		"UPDATE localized_prices SET archived_at = ?, updated_at = ? WHERE id = ?", now, now, lp.ID)
}

// archiveStaleLocalizedPrices archives, inside the product update t, the
// product's active rules that no longer apply to it (another pricing
// mode, none, a pay-what-you-want price, a by_currency rule in the new
// base currency), recording each. The product's row is locked already.
func (s *Store) archiveStaleLocalizedPrices(ctx context.Context, t *tx, tn catalog.Tenant, p *catalog.Product) error {
	q := "SELECT " + localizedPriceColumns + ` FROM localized_prices l
		WHERE l.product_id = ? AND l.business_id = ? AND l.mode = ? AND l.archived_at IS NULL ORDER BY l.created_at, l.id`
	rows, err := t.query(ctx, s.lockClause(q, "FOR UPDATE"), p.ID, tn.BusinessID, string(tn.Mode))
	if err != nil {
		return err
	}
	var stale []*catalog.LocalizedPrice
	for rows.Next() {
		lp, err := scanLocalizedPrice(rows)
		if err != nil {
			rows.Close()
			return err
		}
		if !lp.StillApplies(p) {
			stale = append(stale, lp)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, lp := range stale {
		if err := s.archiveLocalizedPrice(ctx, t, tn, lp); err != nil {
			return err
		}
	}
	return nil
}
