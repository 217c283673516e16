package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/pricebook/pricebook/internal/catalog"
)

// GetDiscount returns a live discount of the tenant; deleted ones are gone.
func (s *Store) GetDiscount(ctx context.Context, tn catalog.Tenant, id string) (*catalog.Discount, error) {
	d, err := s.findDiscount(ctx, tn, "d.id = ?", id)
	return d, wrap("GetDiscount", err)
}

// GetDiscountByCode returns the tenant's live discount with code (matched
// case-insensitively, as codes are stored uppercased) if it can be
// redeemed now: an expired, exhausted or not yet started one is
// KindInvalid with the documented reason.
func (s *Store) GetDiscountByCode(ctx context.Context, tn catalog.Tenant, code string) (*catalog.Discount, error) {
	d, err := s.findDiscount(ctx, tn, "d.code = ?", catalog.NormalizeCode(code))
	if err != nil {
		return nil, wrap("GetDiscountByCode", err)
	}
	if err := d.Redeemable(s.nowIn(ctx, tn)); err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Store) findDiscount(ctx context.Context, tn catalog.Tenant, where, arg string) (*catalog.Discount, error) {
	var d *catalog.Discount
	err := s.db.read(ctx, func(ctx context.Context, t *tx) error {
		var err error
		d, err = scanDiscount(t.queryRow(ctx, "SELECT "+discountColumns+" FROM discounts d WHERE "+where+
			" AND d.business_id = ? AND d.mode = ? AND d.deleted_at IS NULL", arg, tn.BusinessID, string(tn.Mode)))
		if errors.Is(err, sql.ErrNoRows) {
			return catalog.NotFound("Discount", arg)
		}
		if err != nil {
			return err
		}
		return s.loadRestrictions(ctx, t, []*catalog.Discount{d})
	})
	return d, err
}

// RedeemDiscount records one use of the tenant's discount with code, if it
// can be redeemed now. The row lock (the single writer on SQLite) makes
// concurrent redemptions respect usage_limit exactly.
func (s *Store) RedeemDiscount(ctx context.Context, tn catalog.Tenant, code string) (*catalog.Discount, error) {
	var d *catalog.Discount
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		var err error
		if d, err = s.lockDiscount(ctx, t, tn, "d.code = ?", catalog.NormalizeCode(code)); err != nil {
			return err
		}
		if err := d.Redeemable(s.nowIn(ctx, tn)); err != nil {
			return err
		}
		d.TimesUsed++
		return s.execJournal(ctx, t, tn, catalog.Change{Type: "discount.updated", Kind: "discount", ID: d.ID, Object: d},
			"UPDATE discounts SET times_used = ? WHERE id = ?", d.TimesUsed, d.ID)
	})
	if err != nil {
		return nil, wrap("RedeemDiscount", err)
	}
	return d, nil
}

// ListDiscounts returns one page of the tenant's live discounts, newest
// first.
func (s *Store) ListDiscounts(ctx context.Context, tn catalog.Tenant, f catalog.DiscountFilter) (catalog.List[*catalog.Discount], error) {
	l := listQuery{args: []any{tn.BusinessID, string(tn.Mode)}}
	if f.Code != "" {
		l.cond("d.code LIKE ? ESCAPE '!'", "%"+likeEscaper.Replace(catalog.NormalizeCode(f.Code))+"%")
	}
	if f.Type != "" {
		l.cond("d.type = ?", f.Type)
	}
	if f.Active != nil {
		// Redeemable now: started, not expired, not used up; the same
		// rule as catalog.Discount.Redeemable.
		now := micros(s.nowIn(ctx, tn))
		active := "((d.starts_at IS NULL OR d.starts_at <= ?) AND (d.expires_at IS NULL OR d.expires_at > ?) AND (d.usage_limit IS NULL OR d.times_used < d.usage_limit))"
		if !*f.Active {
			active = "NOT " + active
		}
		l.cond(active, now, now)
	}
	if f.ProductID != "" {
		// A discount without restrictions applies to every product.
		l.cond(`(NOT EXISTS (SELECT 1 FROM discount_products dp WHERE dp.discount_id = d.id)
			OR EXISTS (SELECT 1 FROM discount_products dp WHERE dp.discount_id = d.id AND dp.product_id = ?))`, f.ProductID)
	}
	var out catalog.List[*catalog.Discount]
	err := s.db.read(ctx, func(ctx context.Context, t *tx) error {
		var err error
		out, err = readList(ctx, t, &l, listOf{
			selectFrom: "SELECT " + discountColumns + " FROM discounts d WHERE d.business_id = ? AND d.mode = ? AND d.deleted_at IS NULL",
			countFrom:  "SELECT COUNT(*) FROM discounts d WHERE d.business_id = ? AND d.mode = ? AND d.deleted_at IS NULL",
			created:    "d.created_at", id: "d.id"}, f.Page, scanDiscount)
		if err != nil {
			return err
		}
		return s.loadRestrictions(ctx, t, out.Items)
	})
	return out, wrap("ListDiscounts", err)
}

// likeEscaper escapes LIKE wildcards with '!', the ESCAPE character.
var likeEscaper = strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")

// loadRestrictions fills RestrictedTo of each discount, in stored order.
func (s *Store) loadRestrictions(ctx context.Context, t *tx, list []*catalog.Discount) error {
	if len(list) == 0 {
		return nil
	}
	byID := make(map[string]*catalog.Discount, len(list))
	args := make([]any, 0, len(list))
	for _, d := range list {
		byID[d.ID] = d
		d.RestrictedTo = []string{}
		args = append(args, d.ID)
	}
	rows, err := t.query(ctx, "SELECT discount_id, product_id FROM discount_products WHERE discount_id IN (?"+
		strings.Repeat(", ?", len(list)-1)+") ORDER BY discount_id, position", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var did, pid string
		if err := rows.Scan(&did, &pid); err != nil {
			return err
		}
		byID[did].RestrictedTo = append(byID[did].RestrictedTo, pid)
	}
	return rows.Err()
}
