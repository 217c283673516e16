package store

import (
	"context"

	"github.com/pricebook/pricebook/internal/catalog"
)

// ArchiveBrand archives a brand for good, moving every product and product
// collection it holds (archived ones included, so nothing is left on an
// archived brand) to the brand moveTo, all in one transaction. moveTo may
// be "" only when there is nothing to move.
func (s *Store) ArchiveBrand(ctx context.Context, tn catalog.Tenant, id, moveTo string) (catalog.BrandArchive, error) {
	res := catalog.BrandArchive{BrandID: id, MovedTo: moveTo}
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		if err := s.lockBrandContents(ctx, t, tn, id); err != nil {
			return err
		}
		ids := []string{id}
		if moveTo != "" && moveTo != id {
			ids = append(ids, moveTo)
		}
		locked, err := s.lockBrands(ctx, t, tn, ids...)
		if err != nil {
			return err
		}
		b := locked[id]
		switch {
		case b == nil:
			return catalog.NotFound("Brand", id)
		case b.Primary:
			return errPrimaryBrand(id)
		case b.ArchivedAt != nil:
			return catalog.Errorf(catalog.KindConflict, catalog.BrandAlreadyArchived, "Brand %s is already archived", id)
		}
		now := s.nowIn(ctx, tn)
		res.ArchivedAt = now
		if moveTo == "" {
			if err := s.checkNothingToMove(ctx, t, tn, id); err != nil {
				return err
			}
		} else if err := s.moveBrandContents(ctx, t, tn, locked, &res); err != nil {
			return err
		}
		b.ArchivedAt, b.UpdatedAt = &now, now
		return s.execJournal(ctx, t, tn, catalog.Change{Type: "brand.archived", Kind: "brand", ID: id, Object: b},
			"UPDATE brands SET archived_at = ?, updated_at = ? WHERE business_id = ? AND mode = ? AND id = ?",
			micros(now), micros(now), tn.BusinessID, string(tn.Mode), id)
	})
	return res, wrap("ArchiveBrand", err)
}

// moveBrandContents moves the products and collections of res.BrandID to
// res.MovedTo, which must be another active brand among locked.
func (s *Store) moveBrandContents(ctx context.Context, t *tx, tn catalog.Tenant, locked map[string]*catalog.Brand, res *catalog.BrandArchive) error {
	switch target := locked[res.MovedTo]; {
	case res.MovedTo == res.BrandID:
		return catalog.Errorf(catalog.KindInvalid, catalog.Invalid, "move_products_to: a brand cannot take over its own products")
	case target == nil:
		return catalog.Errorf(catalog.KindInvalid, catalog.Invalid, "move_products_to: brand %s does not exist", res.MovedTo)
	case target.ArchivedAt != nil:
		return catalog.Errorf(catalog.KindInvalid, catalog.BrandArchived, "move_products_to: brand %s is archived", res.MovedTo)
	}
	now := micros(res.ArchivedAt)
	for _, m := range []struct {
		table, kind string
		n           *int
	}{{"products", "product", &res.ProductsMoved}, {"product_collections", "product_collection", &res.CollectionsMoved}} {
		moved, err := column(ctx, t, "UPDATE "+m.table+" SET brand_id = ?, updated_at = ? WHERE business_id = ? AND mode = ? AND brand_id = ? RETURNING id",
			res.MovedTo, now, tn.BusinessID, string(tn.Mode), res.BrandID)
		if err != nil {
			return err
		}
		*m.n = len(moved)
		for _, id := range moved {
			if err := s.journal(ctx, t, tn, catalog.Change{Type: m.kind + ".updated", Kind: m.kind, ID: id}); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkNothingToMove fails unless the brand holds no product and no
// collection, archived or not: only then may an archive name no target.
func (s *Store) checkNothingToMove(ctx context.Context, t *tx, tn catalog.Tenant, id string) error {
	var products, collections int
	if err := t.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM products WHERE business_id = ? AND mode = ? AND brand_id = ?),
		(SELECT COUNT(*) FROM product_collections WHERE business_id = ? AND mode = ? AND brand_id = ?)`,
		tn.BusinessID, string(tn.Mode), id, tn.BusinessID, string(tn.Mode), id).Scan(&products, &collections); err != nil {
		return err
	}
	if products+collections > 0 {
		return catalog.Errorf(catalog.KindInvalid, catalog.Invalid,
			"move_products_to: is required, brand %s still holds %d products and %d product collections", id, products, collections)
	}
	return nil
}

// lockBrandContents locks, on PostgreSQL, the products and collections of
// a brand before the brand rows are locked. Product and collection writes
// lock their own row first and a brand after it (the foreign-key check of
// a new brand_id), so taking the rows in the same order cannot deadlock.
// Rows that join the brand later are still moved: each UPDATE reads the
// latest committed state.
func (s *Store) lockBrandContents(ctx context.Context, t *tx, tn catalog.Tenant, id string) error {
	if s.engine != Postgres {
		return nil
	}
	for _, table := range []string{"products", "product_collections"} {
		if _, err := column(ctx, t, "SELECT id FROM "+table+" WHERE business_id = ? AND mode = ? AND brand_id = ? FOR UPDATE",
			tn.BusinessID, string(tn.Mode), id); err != nil {
			return err
		}
	}
	return nil
}
