package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/pricebook/pricebook/internal/catalog"
)

const creditColumns = `id, business_id, name, description, precision_digits, unit, expires_after_days, rollover_enabled,
	rollover_percentage, rollover_timeframe_count, rollover_timeframe_interval, max_rollover_count, overage_enabled,
	overage_behavior, overage_limit, currency, price_per_unit, deleted, created_at, updated_at`

func scanCredit(sc scanner) (*catalog.CreditEntitlement, error) {
	var c catalog.CreditEntitlement
	var created, updated int64
	if err := sc.Scan(&c.ID, &c.BusinessID, &c.Name, &c.Description, &c.Precision, &c.Unit, &c.ExpiresAfterDays,
		&c.RolloverEnabled, &c.RolloverPercentage, &c.RolloverTimeframeCount, &c.RolloverTimeframeInterval,
		&c.MaxRolloverCount, &c.OverageEnabled, &c.OverageBehavior, &c.OverageLimit, &c.Currency, &c.PricePerUnit,
		&c.Deleted, &created, &updated); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &c, nil
}

// CreateCreditEntitlement validates c and stores it in the tenant, filling
// its server-side fields. A name already used in the tenant, even by a
// deleted credit entitlement, is refused; the unique index decides races.
func (s *Store) CreateCreditEntitlement(ctx context.Context, tn catalog.Tenant, c *catalog.CreditEntitlement) error {
	if c.OverageBehavior == "" {
		c.OverageBehavior = catalog.DefaultOverageBehavior
	}
	var pr catalog.Problems
	c.Validate(&pr)
	if err := pr.Err(); err != nil {
		return err
	}
	now := s.nowIn(ctx, tn)
	c.ID, c.BusinessID, c.Deleted, c.CreatedAt, c.UpdatedAt = s.NewID("cde_"), tn.BusinessID, false, now, now
	created, err := s.prerendered(ctx, tn, catalog.Change{Type: "credit_entitlement.created", Kind: "credit_entitlement", ID: c.ID, Object: c})
	if err != nil {
		return wrap("CreateCreditEntitlement", err)
	}
	err = s.db.write(ctx, func(ctx context.Context, t *tx) error {
		if err := nameFree(ctx, t, tn, c.Name, ""); err != nil {
			return err
		}
		return s.execJournal(ctx, t, tn, created,
			`INSERT INTO credit_entitlements (id, business_id, mode, name, description, precision_digits, unit,
			expires_after_days, rollover_enabled, rollover_percentage, rollover_timeframe_count, rollover_timeframe_interval,
			max_rollover_count, overage_enabled, overage_behavior, overage_limit, currency, price_per_unit, deleted,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, tn.BusinessID, string(tn.Mode), c.Name, c.Description, c.Precision, c.Unit, c.ExpiresAfterDays,
			c.RolloverEnabled, c.RolloverPercentage, c.RolloverTimeframeCount, c.RolloverTimeframeInterval,
			c.MaxRolloverCount, c.OverageEnabled, c.OverageBehavior, c.OverageLimit, c.Currency, c.PricePerUnit, false,
			micros(now), micros(now))
	})
	return wrap("CreateCreditEntitlement", creditNameError(c.Name, err))
}

// nameFree refuses a name another credit entitlement of the tenant has.
// It only words the common case; the unique index enforces the rule.
func nameFree(ctx context.Context, t *tx, tn catalog.Tenant, name, self string) error {
	var id string
	err := t.queryRow(ctx, "SELECT id FROM credit_entitlements WHERE business_id = ? AND mode = ? AND name = ?",
		tn.BusinessID, string(tn.Mode), name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && id == self) {
		return nil
	}
	if err != nil {
		return err
	}
	return nameTaken(name)
}

func nameTaken(name string) error {
	return catalog.Errorf(catalog.KindInvalid, catalog.CreditEntitlementNameTaken,
		"name: a credit entitlement named %q already exists (deleted ones keep their names; undelete it instead)", name)
}

// creditNameError turns a unique violation of the name index, raised when
// a concurrent request took the name first, into the domain error.
func creditNameError(name string, err error) error {
	if kind, index := violation(err); kind == violationUnique && strings.Contains(index, "name") {
		return nameTaken(name)
	}
	return err
}

const creditByID = " FROM credit_entitlements WHERE id = ? AND business_id = ? AND mode = ?"

// GetCreditEntitlement returns a credit entitlement of the tenant; a
// deleted one is not found.
func (s *Store) GetCreditEntitlement(ctx context.Context, tn catalog.Tenant, id string) (*catalog.CreditEntitlement, error) {
	c, err := scanCredit(s.db.queryRow(ctx, "SELECT "+creditColumns+creditByID+" AND deleted = ?", id, tn.BusinessID, string(tn.Mode), false))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.NotFound("Credit entitlement", id)
	}
	return c, wrap("GetCreditEntitlement", err)
}

// ListCreditEntitlements returns one page of the tenant's active credit
// entitlements, or of its deleted ones only, newest first.
func (s *Store) ListCreditEntitlements(ctx context.Context, tn catalog.Tenant, f catalog.CreditFilter) (catalog.List[*catalog.CreditEntitlement], error) {
	l := listQuery{args: []any{tn.BusinessID, string(tn.Mode)}}
	l.cond("deleted = ?", f.Deleted)
	return list(ctx, s, &l, listOf{selectFrom: "SELECT " + creditColumns + " FROM credit_entitlements WHERE business_id = ? AND mode = ?",
		countFrom: "SELECT COUNT(*) FROM credit_entitlements WHERE business_id = ? AND mode = ?", created: "created_at", id: "id"}, f.Page, scanCredit)
}

// lockCredit loads a credit entitlement of the tenant for a change,
// deleted or not; an unknown one is KindNotFound.
func (s *Store) lockCredit(ctx context.Context, t *tx, tn catalog.Tenant, id string) (*catalog.CreditEntitlement, error) {
	c, err := scanCredit(t.queryRow(ctx, s.lockClause("SELECT "+creditColumns+creditByID, "FOR UPDATE"), id, tn.BusinessID, string(tn.Mode)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.NotFound("Credit entitlement", id)
	}
	return c, err
}

// UpdateCreditEntitlement applies a partial update to an active credit
// entitlement and validates the merged result; precision never changes.
func (s *Store) UpdateCreditEntitlement(ctx context.Context, tn catalog.Tenant, id string, u *catalog.CreditEntitlementPatch) error {
	var name string
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		c, err := s.lockCredit(ctx, t, tn, id)
		if err != nil {
			return err
		}
		if c.Deleted {
			return catalog.Errorf(catalog.KindNotFound, catalog.Missing, "Credit entitlement %s is deleted; undelete it before updating", id)
		}
		var pr catalog.Problems
		u.Apply(c, &pr)
		c.Validate(&pr)
		if err := pr.Err(); err != nil {
			return err
		}
		name = c.Name
		if err := nameFree(ctx, t, tn, c.Name, id); err != nil {
			return err
		}
		c.UpdatedAt = s.nowIn(ctx, tn)
		return s.execJournal(ctx, t, tn, catalog.Change{Type: "credit_entitlement.updated", Kind: "credit_entitlement", ID: id, Object: c},
			`UPDATE credit_entitlements SET name = ?, description = ?, unit = ?, expires_after_days = ?,
			rollover_enabled = ?, rollover_percentage = ?, rollover_timeframe_count = ?, rollover_timeframe_interval = ?,
			max_rollover_count = ?, overage_enabled = ?, overage_behavior = ?, overage_limit = ?, currency = ?,
			price_per_unit = ?, updated_at = ? WHERE id = ?`,
			c.Name, c.Description, c.Unit, c.ExpiresAfterDays, c.RolloverEnabled, c.RolloverPercentage,
			c.RolloverTimeframeCount, c.RolloverTimeframeInterval, c.MaxRolloverCount, c.OverageEnabled,
			c.OverageBehavior, c.OverageLimit, c.Currency, c.PricePerUnit, micros(c.UpdatedAt), id)
	})
	return wrap("UpdateCreditEntitlement", creditNameError(name, err))
}

// DeleteCreditEntitlement soft-deletes a credit entitlement; deleting a
// deleted one is KindGone.
func (s *Store) DeleteCreditEntitlement(ctx context.Context, tn catalog.Tenant, id string) error {
	return wrap("DeleteCreditEntitlement", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		c, err := s.lockCredit(ctx, t, tn, id)
		if err != nil {
			return err
		}
		if c.Deleted {
			return catalog.Errorf(catalog.KindGone, catalog.CreditEntitlementDeleted, "Credit entitlement %s is already deleted", id)
		}
		c.Deleted, c.UpdatedAt = true, s.nowIn(ctx, tn)
		now := micros(c.UpdatedAt)
		return s.execJournal(ctx, t, tn, catalog.Change{Type: "credit_entitlement.deleted", Kind: "credit_entitlement", ID: id, Object: c},
			"UPDATE credit_entitlements SET deleted = ?, deleted_at = ?, updated_at = ? WHERE id = ?", true, now, now, id)
	}))
}

// UndeleteCreditEntitlement restores a deleted credit entitlement with
// every setting it had. An unknown id is KindNotFound and an active one
// KindConflict (CREDIT_ENTITLEMENT_NOT_DELETED).
func (s *Store) UndeleteCreditEntitlement(ctx context.Context, tn catalog.Tenant, id string) error {
	return wrap("UndeleteCreditEntitlement", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		c, err := s.lockCredit(ctx, t, tn, id)
		if err != nil {
			return err
		}
		if !c.Deleted {
			return catalog.Errorf(catalog.KindConflict, catalog.CreditEntitlementNotDeleted, "Credit entitlement %s is not deleted", id)
		}
		c.Deleted, c.UpdatedAt = false, s.nowIn(ctx, tn)
		return s.execJournal(ctx, t, tn, catalog.Change{Type: "credit_entitlement.undeleted", Kind: "credit_entitlement", ID: id, Object: c},
			"UPDATE credit_entitlements SET deleted = ?, deleted_at = NULL, updated_at = ? WHERE id = ?", false, micros(c.UpdatedAt), id)
	}))
}
