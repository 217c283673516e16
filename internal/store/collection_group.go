package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/pricebook/pricebook/internal/catalog"
)

// lockCollection loads a collection of the tenant for a change, locking
// its row on PostgreSQL so that changes to one collection run one at a
// time (SQLite's single writer already serialises them). An archived
// collection is KindGone unless allowArchived.
func (s *Store) lockCollection(ctx context.Context, t *tx, tn catalog.Tenant, id string, allowArchived bool) (*catalog.Collection, error) {
	q := "SELECT " + collectionColumns + " FROM product_collections c WHERE c.id = ? AND c.business_id = ? AND c.mode = ?"
	q = s.lockClause(q, "FOR UPDATE")
	c, err := scanCollection(t.queryRow(ctx, q, id, tn.BusinessID, string(tn.Mode)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.NotFound("Product collection", id)
	}
	if err != nil {
		return nil, err
	}
	if c.Archived && !allowArchived {
		return nil, catalog.Errorf(catalog.KindGone, catalog.CollectionArchived, "Product collection %s is archived", id)
	}
	return c, nil
}

// insertGroup adds a group at position with its memberships.
func (s *Store) insertGroup(ctx context.Context, t *tx, collectionID string, g catalog.GroupInput, position int) (string, error) {
	id := catalog.NewUUID()
	if _, err := t.exec(ctx, "INSERT INTO collection_groups (id, collection_id, name, status, position) VALUES (?, ?, ?, ?, ?)",
		id, collectionID, g.Name, g.Status, position); err != nil {
		return "", err
	}
	_, err := s.insertItems(ctx, t, collectionID, id, g.Products, 0)
	return id, err
}

func (s *Store) insertItems(ctx context.Context, t *tx, collectionID, groupID string, items []catalog.ItemInput, first int) ([]string, error) {
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = catalog.NewUUID()
		if _, err := t.exec(ctx, `INSERT INTO collection_items (id, collection_id, group_id, product_id, status, position, active)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, ids[i], collectionID, groupID, it.ProductID, it.Status, first+i, true); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// CreateGroup adds a group with its memberships to a collection and
// returns the new group.
func (s *Store) CreateGroup(ctx context.Context, tn catalog.Tenant, collectionID string, g catalog.GroupInput) (*catalog.CollectionGroup, error) {
	var pr catalog.Problems
	catalog.ValidateGroup(&pr, "", g)
	if err := pr.Err(); err != nil {
		return nil, err
	}
	ids := productIDs(g.Products)
	var groupID string
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		c, err := s.lockCollection(ctx, t, tn, collectionID, false)
		if err != nil {
			return err
		}
		var n, next int
		if err := t.queryRow(ctx, "SELECT COUNT(*), COALESCE(MAX(position), -1) + 1 FROM collection_groups WHERE collection_id = ?",
			collectionID).Scan(&n, &next); err != nil {
			return err
		}
		if n >= catalog.MaxGroupsPerCollection {
			return catalog.Errorf(catalog.KindInvalid, catalog.Invalid, "a collection has at most %d groups", catalog.MaxGroupsPerCollection)
		}
		if err := s.checkMembers(ctx, t, tn, collectionID, ids); err != nil {
			return err
		}
		if groupID, err = s.insertGroup(ctx, t, collectionID, g, next); err != nil {
			return err
		}
		return s.touchCollection(ctx, t, tn, c, "group.created")
	})
	if err := s.membershipError(ctx, tn, collectionID, ids, err); err != nil {
		return nil, wrap("CreateGroup", err)
	}
	// Only the new group is answered: loading the whole collection would
	// cost more the bigger it grows.
	var groups []catalog.CollectionGroup
	err = s.db.read(ctx, func(ctx context.Context, t *tx) error {
		var err error
		groups, err = s.loadGroupsWhere(ctx, t, "id = ?", "i.group_id = ?", groupID)
		return err
	})
	if err != nil {
		return nil, wrap("CreateGroup", err)
	}
	if len(groups) == 0 {
		return nil, catalog.NotFound("Group", groupID)
	}
	return &groups[0], nil
}

func productIDs(items []catalog.ItemInput) []string {
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.ProductID
	}
	return ids
}

// checkGroup returns KindNotFound when the group is not in the collection.
func (s *Store) checkGroup(ctx context.Context, t *tx, collectionID, groupID string) error {
	var one int
	err := t.queryRow(ctx, "SELECT 1 FROM collection_groups WHERE id = ? AND collection_id = ?", groupID, collectionID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return catalog.NotFound("Group", groupID)
	}
	return err
}

// groupItemIDs returns a group's membership ids in order, or KindNotFound
// when the group is not in the collection.
func (s *Store) groupItemIDs(ctx context.Context, t *tx, collectionID, groupID string) ([]string, error) {
	if err := s.checkGroup(ctx, t, collectionID, groupID); err != nil {
		return nil, err
	}
	return column(ctx, t, "SELECT id FROM collection_items WHERE group_id = ? ORDER BY position, id", groupID)
}

// UpdateGroup renames (null clears), reorders or enables a group.
func (s *Store) UpdateGroup(ctx context.Context, tn catalog.Tenant, collectionID, groupID string, u *catalog.GroupPatch) error {
	var pr catalog.Problems
	if name, ok := u.Name.Value(); ok {
		catalog.CheckText(&pr, "group_name", name, 1, catalog.MaxNameLen)
	}
	if err := pr.Err(); err != nil {
		return err
	}
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		c, err := s.lockCollection(ctx, t, tn, collectionID, false)
		if err != nil {
			return err
		}
		items, err := s.groupItemIDs(ctx, t, collectionID, groupID)
		if err != nil {
			return err
		}
		if u.Name.Set {
			var name *string
			if v, ok := u.Name.Value(); ok {
				name = &v
			}
			if _, err := t.exec(ctx, "UPDATE collection_groups SET name = ? WHERE id = ?", name, groupID); err != nil {
				return err
			}
		}
		if u.Status != nil {
			if _, err := t.exec(ctx, "UPDATE collection_groups SET status = ? WHERE id = ?", *u.Status, groupID); err != nil {
				return err
			}
		}
		if u.ProductOrder != nil {
			catalog.CheckPermutation(&pr, "product_order", *u.ProductOrder, items)
			if err := pr.Err(); err != nil {
				return err
			}
			for i, id := range *u.ProductOrder {
				if _, err := t.exec(ctx, "UPDATE collection_items SET position = ? WHERE id = ?", i, id); err != nil {
					return err
				}
			}
		}
		return s.touchCollection(ctx, t, tn, c, "group.updated")
	})
	return wrap("UpdateGroup", s.membershipError(ctx, tn, collectionID, nil, err))
}

// touchCollection records a change inside collection c, locked by the
// use case (detail says which), as a product_collection.updated event.
// The event's collection is the locked row as updated here with its
// groups as the use case left them, so the renderer reads no row twice
// (it read the whole collection back on the SQLite writer for every
// group and item change).
func (s *Store) touchCollection(ctx context.Context, t *tx, tn catalog.Tenant, c *catalog.Collection, detail string) error {
	at := micros(s.nowIn(ctx, tn))
	if _, err := t.exec(ctx, "UPDATE product_collections SET updated_at = ? WHERE id = ?", at, c.ID); err != nil {
		return err
	}
	c.UpdatedAt = fromMicros(at)
	var err error
	if c.Groups, err = s.loadActiveGroups(ctx, t, c.ID); err != nil {
		return err
	}
	return s.journal(ctx, t, tn, catalog.Change{Type: "product_collection.updated", Kind: "product_collection", ID: c.ID, Detail: detail, Object: c})
}

// mustKeepProducts fails unless the collection keeps a product after
// removing `removing` memberships.
func (s *Store) mustKeepProducts(ctx context.Context, t *tx, collectionID string, removing int) error {
	var n int
	if err := t.queryRow(ctx, "SELECT COUNT(*) FROM collection_items WHERE collection_id = ?", collectionID).Scan(&n); err != nil {
		return err
	}
	if removing > 0 && n-removing < 1 {
		return catalog.Errorf(catalog.KindInvalid, catalog.CollectionEmpty,
			"A product collection must keep at least one product; archive the collection instead")
	}
	return nil
}

// DeleteGroup removes a group and its memberships.
func (s *Store) DeleteGroup(ctx context.Context, tn catalog.Tenant, collectionID, groupID string) error {
	return wrap("DeleteGroup", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		c, err := s.lockCollection(ctx, t, tn, collectionID, false)
		if err != nil {
			return err
		}
		items, err := s.groupItemIDs(ctx, t, collectionID, groupID)
		if err != nil {
			return err
		}
		if err := s.mustKeepProducts(ctx, t, collectionID, len(items)); err != nil {
			return err
		}
		if _, err := t.exec(ctx, "DELETE FROM collection_items WHERE group_id = ?", groupID); err != nil {
			return err
		}
		if _, err := t.exec(ctx, "DELETE FROM collection_groups WHERE id = ?", groupID); err != nil {
			return err
		}
		return s.touchCollection(ctx, t, tn, c, "group.deleted")
	}))
}

// AddItems adds memberships at the end of a group and returns them.
func (s *Store) AddItems(ctx context.Context, tn catalog.Tenant, collectionID, groupID string, items []catalog.ItemInput) ([]catalog.CollectionItem, error) {
	var pr catalog.Problems
	if len(items) == 0 {
		pr.Add("products", "at least one product is required")
	}
	catalog.ValidateItems(&pr, "products", items)
	if err := pr.Err(); err != nil {
		return nil, err
	}
	ids := productIDs(items)
	var added []string
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		c, err := s.lockCollection(ctx, t, tn, collectionID, false)
		if err != nil {
			return err
		}
		if err := s.checkGroup(ctx, t, collectionID, groupID); err != nil {
			return err
		}
		if err := s.checkMembers(ctx, t, tn, collectionID, ids); err != nil {
			return err
		}
		var next int
		if err := t.queryRow(ctx, "SELECT COALESCE(MAX(position), -1) + 1 FROM collection_items WHERE group_id = ?", groupID).Scan(&next); err != nil {
			return err
		}
		added, err = s.insertItems(ctx, t, collectionID, groupID, items, next)
		if err != nil {
			return err
		}
		return s.touchCollection(ctx, t, tn, c, "items.added")
	})
	if err := s.membershipError(ctx, tn, collectionID, ids, err); err != nil {
		return nil, wrap("AddItems", err)
	}
	// Only the new items are loaded (by id: their cost must not grow with
	// the group), in the group's order.
	args := make([]any, len(added))
	for i, id := range added {
		args[i] = id
	}
	var out []catalog.CollectionItem
	err = s.db.read(ctx, func(ctx context.Context, t *tx) error {
		items, err := s.loadItems(ctx, t, "i.id IN ("+placeholders(len(added))+")", false, args...)
		for _, it := range items {
			out = append(out, it.CollectionItem)
		}
		return err
	})
	return out, wrap("AddItems", err)
}

// findItem checks that an item is in the group of the collection.
func (s *Store) findItem(ctx context.Context, t *tx, collectionID, groupID, itemID string) error {
	var one int
	err := t.queryRow(ctx, "SELECT 1 FROM collection_items WHERE id = ? AND group_id = ? AND collection_id = ?",
		itemID, groupID, collectionID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return catalog.NotFound("Item", itemID)
	}
	return err
}

// UpdateItem enables or disables a membership.
func (s *Store) UpdateItem(ctx context.Context, tn catalog.Tenant, collectionID, groupID, itemID string, status bool) error {
	return wrap("UpdateItem", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		c, err := s.lockCollection(ctx, t, tn, collectionID, false)
		if err != nil {
			return err
		}
		if err := s.findItem(ctx, t, collectionID, groupID, itemID); err != nil {
			return err
		}
		if _, err := t.exec(ctx, "UPDATE collection_items SET status = ? WHERE id = ?", status, itemID); err != nil {
			return err
		}
		return s.touchCollection(ctx, t, tn, c, "item.updated")
	}))
}

// DeleteItem removes a membership, unless it is the collection's last.
func (s *Store) DeleteItem(ctx context.Context, tn catalog.Tenant, collectionID, groupID, itemID string) error {
	return wrap("DeleteItem", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		c, err := s.lockCollection(ctx, t, tn, collectionID, false)
		if err != nil {
			return err
		}
		if err := s.findItem(ctx, t, collectionID, groupID, itemID); err != nil {
			return err
		}
		if err := s.mustKeepProducts(ctx, t, collectionID, 1); err != nil {
			return err
		}
		if _, err := t.exec(ctx, "DELETE FROM collection_items WHERE id = ?", itemID); err != nil {
			return err
		}
		return s.touchCollection(ctx, t, tn, c, "item.deleted")
	}))
}
