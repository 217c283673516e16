package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/pricebook/pricebook/internal/catalog"
)

const addonColumns = `id, business_id, name, description, price, currency, tax_category, image_id, created_at, updated_at`

func scanAddon(sc scanner) (*catalog.Addon, error) {
	var a catalog.Addon
	var created, updated int64
	if err := sc.Scan(&a.ID, &a.BusinessID, &a.Name, &a.Description, &a.Price, &a.Currency, &a.TaxCategory,
		&a.ImageID, &created, &updated); err != nil {
		return nil, err
	}
	a.CreatedAt, a.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &a, nil
}

// CreateAddon validates a and stores it in the tenant, filling its
// server-side fields.
func (s *Store) CreateAddon(ctx context.Context, tn catalog.Tenant, a *catalog.Addon) error {
	var pr catalog.Problems
	a.Validate(&pr)
	if err := pr.Err(); err != nil {
		return err
	}
	now := s.now()
	a.ID, a.BusinessID, a.CreatedAt, a.UpdatedAt = s.NewID("adn_"), tn.BusinessID, now, now
	return wrap("CreateAddon", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		_, err := t.exec(ctx, `INSERT INTO addons (id, business_id, mode, name, description, price, currency, tax_category,
			image_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, tn.BusinessID, string(tn.Mode), a.Name, a.Description, a.Price, a.Currency, a.TaxCategory,
			a.ImageID, micros(now), micros(now))
		return err
	}))
}

// GetAddon returns an addon of the tenant.
func (s *Store) GetAddon(ctx context.Context, tn catalog.Tenant, id string) (*catalog.Addon, error) {
	a, err := scanAddon(s.db.queryRow(ctx, "SELECT "+addonColumns+" FROM addons WHERE id = ? AND business_id = ? AND mode = ?",
		id, tn.BusinessID, string(tn.Mode)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.NotFound("Addon", id)
	}
	return a, wrap("GetAddon", err)
}

// ListAddons returns one page of the tenant's addons, newest first.
func (s *Store) ListAddons(ctx context.Context, tn catalog.Tenant, page catalog.Page) ([]*catalog.Addon, error) {
	return queryAll(ctx, s, scanAddon, "SELECT "+addonColumns+` FROM addons WHERE business_id = ? AND mode = ?
		ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, tn.BusinessID, string(tn.Mode), page.Size, page.Offset())
}

// UpdateAddon applies a partial update, validating the merged addon, and
// returns the addon as stored.
func (s *Store) UpdateAddon(ctx context.Context, tn catalog.Tenant, id string, u *catalog.AddonPatch) (*catalog.Addon, error) {
	var a *catalog.Addon
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		var err error
		a, err = scanAddon(t.queryRow(ctx, s.forUpdate("SELECT "+addonColumns+" FROM addons WHERE id = ? AND business_id = ? AND mode = ?"),
			id, tn.BusinessID, string(tn.Mode)))
		if errors.Is(err, sql.ErrNoRows) {
			return catalog.NotFound("Addon", id)
		}
		if err != nil {
			return err
		}
		u.Apply(a)
		var pr catalog.Problems
		a.Validate(&pr)
		if err := pr.Err(); err != nil {
			return err
		}
		a.UpdatedAt = s.now()
		_, err = t.exec(ctx, `UPDATE addons SET name = ?, description = ?, price = ?, currency = ?, tax_category = ?,
			image_id = ?, updated_at = ? WHERE id = ?`,
			a.Name, a.Description, a.Price, a.Currency, a.TaxCategory, a.ImageID, micros(a.UpdatedAt), id)
		return err
	})
	return a, wrap("UpdateAddon", err)
}

// forUpdate locks the selected row on PostgreSQL; SQLite's single writer
// already serialises every write transaction.
func (s *Store) forUpdate(query string) string {
	if s.engine == Postgres {
		return query + " FOR UPDATE"
	}
	return query
}

// queryAll runs a read on the read pool and scans every row.
func queryAll[T any](ctx context.Context, s *Store, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := s.db.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
