package store

import (
	"context"

	"github.com/pricebook/pricebook/internal/catalog"
)

// ListCollections returns one page of the tenant's collections, newest
// first, each with its number of memberships.
func (s *Store) ListCollections(ctx context.Context, tn catalog.Tenant, f catalog.CollectionFilter) (catalog.List[*catalog.Collection], error) {
	l := listQuery{args: []any{tn.BusinessID, string(tn.Mode)}}
	l.cond("c.archived = ?", f.Archived)
	if f.BrandID != "" {
		l.cond("c.brand_id = ?", f.BrandID)
	}
	return list(ctx, s, &l, listOf{
		selectFrom: "SELECT " + collectionColumns + `, (SELECT COUNT(*) FROM collection_items i WHERE i.collection_id = c.id)
		FROM product_collections c WHERE c.business_id = ? AND c.mode = ?`,
		countFrom: "SELECT COUNT(*) FROM product_collections c WHERE c.business_id = ? AND c.mode = ?",
		created:   "c.created_at", id: "c.id"}, f.Page, func(sc scanner) (*catalog.Collection, error) {
		var n int
		c, err := scanCollection(sc, &n)
		if c != nil {
			c.ProductsCount = n
		}
		return c, err
	})
}

// UpdateCollection applies a partial update; group_order must list every
// group of the collection exactly once.
func (s *Store) UpdateCollection(ctx context.Context, tn catalog.Tenant, id string, u *catalog.CollectionPatch) error {
	return wrap("UpdateCollection", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		c, err := s.lockCollection(ctx, t, tn, id, false)
		if err != nil {
			return err
		}
		image := c.ImageID
		u.Apply(c)
		var pr catalog.Problems
		c.ValidatePatched(&pr)
		if err := s.swapImage(ctx, t, tn, &pr, "product_collection", id, image, c.ImageID); err != nil {
			return err
		}
		var groups []string
		if u.GroupOrder != nil {
			if groups, err = column(ctx, t, "SELECT id FROM collection_groups WHERE collection_id = ? ORDER BY position, id", id); err != nil {
				return err
			}
			catalog.CheckPermutation(&pr, "group_order", *u.GroupOrder, groups)
		}
		if err := pr.Err(); err != nil {
			return err
		}
		if u.BrandID != nil {
			if err := s.checkBrand(ctx, t, tn, c.BrandID); err != nil {
				return err
			}
		}
		if u.GroupOrder != nil {
			for i, gid := range *u.GroupOrder {
				if _, err := t.exec(ctx, "UPDATE collection_groups SET position = ? WHERE id = ?", i, gid); err != nil {
					return err
				}
			}
		}
		return s.execJournal(ctx, t, tn, catalog.Change{Type: "product_collection.updated", Kind: "product_collection", ID: id},
			`UPDATE product_collections SET brand_id = ?, name = ?, description = ?, image_id = ?,
			effective_at_on_downgrade = ?, effective_at_on_upgrade = ?, on_payment_failure = ?,
			proration_billing_mode_on_downgrade = ?, proration_billing_mode_on_upgrade = ?, updated_at = ?
			WHERE id = ?`, c.BrandID, c.Name, c.Description, c.ImageID, c.EffectiveAtOnDowngrade, c.EffectiveAtOnUpgrade,
			c.OnPaymentFailure, c.ProrationOnDowngrade, c.ProrationOnUpgrade, micros(s.nowIn(ctx, tn)), id)
	}))
}

// ArchiveCollection archives a collection. Its products stay members but
// are unlinked: while archived they may join other collections.
func (s *Store) ArchiveCollection(ctx context.Context, tn catalog.Tenant, id string) error {
	return wrap("ArchiveCollection", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		c, err := s.lockCollection(ctx, t, tn, id, true)
		if err != nil {
			return err
		}
		if c.Archived {
			return catalog.Errorf(catalog.KindGone, catalog.CollectionArchived, "Product collection %s is already archived", id)
		}
		if _, err := t.exec(ctx, "UPDATE collection_items SET active = ? WHERE collection_id = ?", false, id); err != nil {
			return err
		}
		return s.execJournal(ctx, t, tn, catalog.Change{Type: "product_collection.archived", Kind: "product_collection", ID: id},
			"UPDATE product_collections SET archived = ?, updated_at = ? WHERE id = ?", true, micros(s.nowIn(ctx, tn)), id)
	}))
}

// UnarchiveCollection restores an archived collection. Memberships whose
// product is archived, or has joined another collection meanwhile, are
// dropped and reported; if none would remain the collection stays archived.
func (s *Store) UnarchiveCollection(ctx context.Context, tn catalog.Tenant, id string) ([]string, error) {
	excluded := []string{}
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		c, err := s.lockCollection(ctx, t, tn, id, true)
		if err != nil || !c.Archived {
			return err
		}
		rows, err := t.query(ctx, `SELECT i.id, i.product_id, p.archived,
			EXISTS (SELECT 1 FROM collection_items o WHERE o.product_id = i.product_id AND o.active = TRUE)
			FROM collection_items i JOIN products p ON p.id = i.product_id WHERE i.collection_id = ?`, id)
		if err != nil {
			return err
		}
		var drop []string
		kept := 0
		for rows.Next() {
			var itemID, productID string
			var archived, taken bool
			if err := rows.Scan(&itemID, &productID, &archived, &taken); err != nil {
				rows.Close()
				return err
			}
			if archived || taken {
				drop = append(drop, itemID)
				excluded = append(excluded, productID)
			} else {
				kept++
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if kept == 0 {
			return catalog.Errorf(catalog.KindInvalid, catalog.CollectionEmpty,
				"Every product of product collection %s is archived or now in another collection; unarchive or free one first", id)
		}
		for _, itemID := range drop {
			if _, err := t.exec(ctx, "DELETE FROM collection_items WHERE id = ?", itemID); err != nil {
				return err
			}
		}
		if _, err := t.exec(ctx, "UPDATE collection_items SET active = ? WHERE collection_id = ?", true, id); err != nil {
			return err
		}
		return s.execJournal(ctx, t, tn, catalog.Change{Type: "product_collection.unarchived", Kind: "product_collection", ID: id},
			"UPDATE product_collections SET archived = ?, updated_at = ? WHERE id = ?", false, micros(s.nowIn(ctx, tn)), id)
	})
	if err := s.membershipError(ctx, tn, id, nil, err); err != nil {
		return nil, wrap("UnarchiveCollection", err)
	}
	return excluded, nil
}
