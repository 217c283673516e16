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
	now := s.nowIn(ctx, tn)
	a.ID, a.BusinessID, a.CreatedAt, a.UpdatedAt = s.NewID("adn_"), tn.BusinessID, now, now
	created, err := s.prerendered(ctx, tn, catalog.Change{Type: "addon.created", Kind: "addon", ID: a.ID, Object: a})
	if err != nil {
		return wrap("CreateAddon", err)
	}
	return wrap("CreateAddon", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		return s.execJournal(ctx, t, tn, created,
			`INSERT INTO addons (id, business_id, mode, name, description, price, currency, tax_category,
			image_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, tn.BusinessID, string(tn.Mode), a.Name, a.Description, a.Price, a.Currency, a.TaxCategory,
			a.ImageID, micros(now), micros(now))
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
func (s *Store) ListAddons(ctx context.Context, tn catalog.Tenant, f catalog.AddonFilter) (catalog.List[*catalog.Addon], error) {
	l := listQuery{args: []any{tn.BusinessID, string(tn.Mode)}}
	return list(ctx, s, &l, listOf{selectFrom: "SELECT " + addonColumns + " FROM addons WHERE business_id = ? AND mode = ?",
		countFrom: "SELECT COUNT(*) FROM addons WHERE business_id = ? AND mode = ?", created: "created_at", id: "id"}, f.Page, scanAddon)
}

// UpdateAddon applies a partial update, validating the merged addon, and
// returns the addon as stored.
func (s *Store) UpdateAddon(ctx context.Context, tn catalog.Tenant, id string, u *catalog.AddonPatch) (*catalog.Addon, error) {
	var a *catalog.Addon
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		var err error
		a, err = scanAddon(t.queryRow(ctx, s.lockClause("SELECT "+addonColumns+" FROM addons WHERE id = ? AND business_id = ? AND mode = ?", "FOR UPDATE"),
			id, tn.BusinessID, string(tn.Mode)))
		if errors.Is(err, sql.ErrNoRows) {
			return catalog.NotFound("Addon", id)
		}
		if err != nil {
			return err
		}
		image := a.ImageID
		u.Apply(a)
		var pr catalog.Problems
		a.Validate(&pr)
		if err := s.swapImage(ctx, t, tn, &pr, "addon", id, image, a.ImageID); err != nil {
			return err
		}
		if err := pr.Err(); err != nil {
			return err
		}
		a.UpdatedAt = s.nowIn(ctx, tn)
		return s.execJournal(ctx, t, tn, catalog.Change{Type: "addon.updated", Kind: "addon", ID: id, Object: a},
			`UPDATE addons SET name = ?, description = ?, price = ?, currency = ?, tax_category = ?,
			image_id = ?, updated_at = ? WHERE id = ?`,
			a.Name, a.Description, a.Price, a.Currency, a.TaxCategory, a.ImageID, micros(a.UpdatedAt), id)
	})
	return a, wrap("UpdateAddon", err)
}
