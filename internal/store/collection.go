package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/pricebook/pricebook/internal/catalog"
)

const collectionColumns = `c.id, c.business_id, c.brand_id, c.name, c.description, c.image_id,
	c.effective_at_on_downgrade, c.effective_at_on_upgrade, c.on_payment_failure,
	c.proration_billing_mode_on_downgrade, c.proration_billing_mode_on_upgrade,
	c.archived, c.created_at, c.updated_at`

func scanCollection(sc scanner, extra ...any) (*catalog.Collection, error) {
	var c catalog.Collection
	var created, updated int64
	dest := append([]any{&c.ID, &c.BusinessID, &c.BrandID, &c.Name, &c.Description, &c.ImageID,
		&c.EffectiveAtOnDowngrade, &c.EffectiveAtOnUpgrade, &c.OnPaymentFailure,
		&c.ProrationOnDowngrade, &c.ProrationOnUpgrade, &c.Archived, &created, &updated}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &c, nil
}

// CreateCollection validates c and its groups and stores them in one
// transaction. Every product must be an active product of the tenant that
// is in no other collection.
func (s *Store) CreateCollection(ctx context.Context, tn catalog.Tenant, c *catalog.Collection, groups []catalog.GroupInput) error {
	var pr catalog.Problems
	c.Validate(&pr, groups)
	if err := pr.Err(); err != nil {
		return err
	}
	now := s.nowIn(ctx, tn)
	c.ID = s.NewID("pdc_")
	c.BusinessID = tn.BusinessID
	if c.BrandID == "" {
		c.BrandID = tn.BusinessID
	}
	c.CreatedAt, c.UpdatedAt = now, now
	var ids []string
	for _, g := range groups {
		for _, it := range g.Products {
			ids = append(ids, it.ProductID)
		}
	}
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		if err := s.checkBrand(ctx, t, tn, c.BrandID); err != nil {
			return err
		}
		if err := s.checkMembers(ctx, t, tn, "", ids); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `INSERT INTO product_collections (id, business_id, mode, brand_id, name, description, image_id,
			effective_at_on_downgrade, effective_at_on_upgrade, on_payment_failure,
			proration_billing_mode_on_downgrade, proration_billing_mode_on_upgrade, archived, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, tn.BusinessID, string(tn.Mode), c.BrandID, c.Name, c.Description, c.ImageID,
			c.EffectiveAtOnDowngrade, c.EffectiveAtOnUpgrade, c.OnPaymentFailure,
			c.ProrationOnDowngrade, c.ProrationOnUpgrade, false, micros(now), micros(now)); err != nil {
			return err
		}
		for i, g := range groups {
			if _, err := s.insertGroup(ctx, t, c.ID, g, i); err != nil {
				return err
			}
		}
		return s.journal(ctx, t, tn, catalog.Change{Type: "product_collection.created", Kind: "product_collection", ID: c.ID})
	})
	return wrap("CreateCollection", s.membershipError(ctx, tn, c.ID, ids, err))
}

// checkBrand checks that brandID is an active brand of the tenant.
func (s *Store) checkBrand(ctx context.Context, t *tx, tn catalog.Tenant, brandID string) error {
	var archived sql.NullInt64
	q := "SELECT archived_at FROM brands WHERE business_id = ? AND mode = ? AND id = ?"
	q = s.lockClause(q, "FOR SHARE")
	err := t.queryRow(ctx, q, tn.BusinessID, string(tn.Mode), brandID).Scan(&archived)
	if errors.Is(err, sql.ErrNoRows) {
		return catalog.Errorf(catalog.KindInvalid, catalog.Invalid, "brand_id: brand %s does not exist", brandID)
	}
	if err != nil {
		return err
	}
	if archived.Valid {
		return catalog.Errorf(catalog.KindInvalid, catalog.BrandArchived, "brand_id: brand %s is archived", brandID)
	}
	return nil
}

// checkMembers checks that every product exists in the tenant, is not
// archived and belongs to no active collection. The unique index on
// memberships enforces the last rule under concurrency; this check only
// gives the common case a precise message.
func (s *Store) checkMembers(ctx context.Context, t *tx, tn catalog.Tenant, self string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	type state struct {
		archived   bool
		collection string
	}
	found := make(map[string]state, len(ids))
	for start := 0; start < len(ids); start += 200 {
		chunk := ids[start:min(start+200, len(ids))]
		args := []any{tn.BusinessID, string(tn.Mode)}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := t.query(ctx, `SELECT p.id, p.archived, COALESCE(ci.collection_id, '') FROM products p
			LEFT JOIN collection_items ci ON ci.product_id = p.id AND ci.active = TRUE
			WHERE p.business_id = ? AND p.mode = ? AND p.id IN (?`+strings.Repeat(", ?", len(chunk)-1)+`)`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			var st state
			if err := rows.Scan(&id, &st.archived, &st.collection); err != nil {
				rows.Close()
				return err
			}
			found[id] = st
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	var missing []string
	for _, id := range ids {
		st, ok := found[id]
		switch {
		case !ok:
			missing = append(missing, id)
		case st.archived:
			return catalog.Errorf(catalog.KindInvalid, catalog.ProductArchived, "products: product %s is archived", id)
		case st.collection != "":
			return inCollection(id, st.collection)
		}
	}
	if len(missing) > 0 {
		return catalog.Errorf(catalog.KindInvalid, catalog.Invalid, "products: products do not exist: %s", strings.Join(missing, ", "))
	}
	return nil
}

func inCollection(product, collection string) error {
	return catalog.Errorf(catalog.KindInvalid, catalog.ProductInOtherCollection,
		"products: product %s already belongs to product collection %s; remove it from there first", product, collection)
}

// membershipError turns a unique violation raised by a write into the
// domain error: a product that a concurrent request put into another
// collection first, or a group name taken.
func (s *Store) membershipError(ctx context.Context, tn catalog.Tenant, self string, ids []string, err error) error {
	kind, name := violation(err)
	if kind != violationUnique {
		return err
	}
	if strings.Contains(name, "collection_groups") {
		return catalog.Errorf(catalog.KindInvalid, catalog.GroupNameTaken, "group_name: a group with this name already exists in product collection %s", self)
	}
	if strings.Contains(name, "collection_items") {
		for _, id := range ids {
			var owner string
			if s.db.queryRow(ctx, `SELECT ci.collection_id FROM collection_items ci JOIN products p ON p.id = ci.product_id
				WHERE ci.product_id = ? AND ci.active = TRUE AND p.business_id = ? AND p.mode = ?`,
				id, tn.BusinessID, string(tn.Mode)).Scan(&owner) == nil && owner != self {
				return inCollection(id, owner)
			}
		}
		return catalog.Errorf(catalog.KindInvalid, catalog.ProductInOtherCollection, "products: a product already belongs to another product collection")
	}
	return err
}

// GetCollection returns a collection with its groups and memberships,
// each membership carrying its product as it is now.
func (s *Store) GetCollection(ctx context.Context, tn catalog.Tenant, id string) (*catalog.Collection, error) {
	var c *catalog.Collection
	err := s.db.read(ctx, func(ctx context.Context, t *tx) error {
		var err error
		c, err = scanCollection(t.queryRow(ctx, "SELECT "+collectionColumns+` FROM product_collections c
			WHERE c.id = ? AND c.business_id = ? AND c.mode = ?`, id, tn.BusinessID, string(tn.Mode)))
		if errors.Is(err, sql.ErrNoRows) {
			return catalog.NotFound("Product collection", id)
		}
		if err != nil {
			return err
		}
		c.Groups, err = s.loadGroups(ctx, t, id)
		return err
	})
	return c, wrap("GetCollection", err)
}

func (s *Store) loadGroups(ctx context.Context, t *tx, collectionID string) ([]catalog.CollectionGroup, error) {
	return s.loadGroupsWhere(ctx, t, "collection_id = ?", "i.collection_id = ?", collectionID)
}

// loadGroupsWhere is loadGroupsFrom for memberships of any collection.
func (s *Store) loadGroupsWhere(ctx context.Context, t *tx, groupCond, itemCond, arg string) ([]catalog.CollectionGroup, error) {
	return s.loadGroupsFrom(ctx, t, groupCond, itemCond, arg, false)
}

// loadGroupsFrom loads the groups matching groupCond (on
// collection_groups) in order, with their memberships matching itemCond (on
// collection_items i) and products; both conditions take arg. active says
// the memberships are all active (loadItems).
func (s *Store) loadGroupsFrom(ctx context.Context, t *tx, groupCond, itemCond, arg string, active bool) ([]catalog.CollectionGroup, error) {
	rows, err := t.query(ctx, "SELECT id, name, status FROM collection_groups WHERE "+groupCond+" ORDER BY position, id", arg)
	if err != nil {
		return nil, err
	}
	groups := []catalog.CollectionGroup{}
	index := map[string]int{}
	for rows.Next() {
		var g catalog.CollectionGroup
		if err := rows.Scan(&g.ID, &g.Name, &g.Status); err != nil {
			rows.Close()
			return nil, err
		}
		g.Items = []catalog.CollectionItem{}
		index[g.ID] = len(groups)
		groups = append(groups, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	items, err := s.loadItems(ctx, t, itemCond, active, arg)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		g := &groups[index[it.groupID]]
		g.Items = append(g.Items, it.CollectionItem)
	}
	return groups, nil
}

type groupItem struct {
	catalog.CollectionItem
	groupID string
}

// loadItems loads the memberships matching cond (on collection_items i)
// in group order, each with its product as it is now. When active, every
// membership matched is active, so each product's collection is the
// membership's own and the join that finds it is left out.
func (s *Store) loadItems(ctx context.Context, t *tx, cond string, active bool, args ...any) ([]groupItem, error) {
	from := `SELECT i.id, i.group_id, i.status, ` + productColumns + `
		FROM collection_items i JOIN products p ON p.id = i.product_id
		LEFT JOIN collection_items ci ON ci.product_id = p.id AND ci.active = TRUE`
	if active {
		from = `SELECT i.id, i.group_id, i.status, p.id, p.business_id, p.brand_id, p.archived, p.created_at, p.updated_at, p.doc, i.collection_id
		FROM collection_items i JOIN products p ON p.id = i.product_id`
	}
	rows, err := t.query(ctx, from+` WHERE `+cond+` ORDER BY i.group_id, i.position, i.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []groupItem
	for rows.Next() {
		var it groupItem
		var p catalog.Product
		var created, updated int64
		var doc string
		if err := rows.Scan(&it.ID, &it.groupID, &it.Status, &p.ID, &p.BusinessID, &p.BrandID, &p.Archived,
			&created, &updated, &doc, &p.CollectionID); err != nil {
			return nil, err
		}
		prod, err := s.decoded.decode(&p, created, updated, doc)
		if err != nil {
			return nil, err
		}
		it.ProductID, it.Product = prod.ID, prod
		out = append(out, it)
	}
	return out, rows.Err()
}

// loadActiveGroups loads the groups of an active (unarchived) collection
// as loadGroups does, for its journal event inside the writing
// transaction. Every membership of an active collection is active, so
// each product's collection is this one and the join that finds it is
// left out.
func (s *Store) loadActiveGroups(ctx context.Context, t *tx, collectionID string) ([]catalog.CollectionGroup, error) {
	return s.loadGroupsFrom(ctx, t, "collection_id = ?", "i.collection_id = ?", collectionID, true)
}
