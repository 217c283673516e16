package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/pricebook/pricebook/internal/catalog"
)

// discountDoc is the stored form of the fields no query filters on.
type discountDoc struct {
	Name                 *string                  `json:"name"`
	CurrencyOptions      []catalog.CurrencyOption `json:"currency_options"`
	CustomerEligibility  string                   `json:"customer_eligibility"`
	PerCustomerLimit     *int64                   `json:"per_customer_usage_limit"`
	SubscriptionCycles   *int64                   `json:"subscription_cycles"`
	PreserveOnPlanChange bool                     `json:"preserve_on_plan_change"`
	Metadata             catalog.Metadata         `json:"metadata"`
}

const discountColumns = `d.id, d.business_id, d.code, d.type, d.amount, d.times_used, d.usage_limit,
	d.starts_at, d.expires_at, d.created_at, d.updated_at, d.doc`

func scanDiscount(sc scanner) (*catalog.Discount, error) {
	var d catalog.Discount
	var starts, expires sql.NullInt64
	var created, updated int64
	var doc string
	if err := sc.Scan(&d.ID, &d.BusinessID, &d.Code, &d.Type, &d.Amount, &d.TimesUsed, &d.UsageLimit,
		&starts, &expires, &created, &updated, &doc); err != nil {
		return nil, err
	}
	var x discountDoc
	if err := json.Unmarshal([]byte(doc), &x); err != nil {
		return nil, fmt.Errorf("store: discount %s: %w", d.ID, err)
	}
	d.Name, d.CurrencyOptions, d.CustomerEligibility = x.Name, x.CurrencyOptions, x.CustomerEligibility
	d.PerCustomerLimit, d.SubscriptionCycles = x.PerCustomerLimit, x.SubscriptionCycles
	d.PreserveOnPlanChange, d.Metadata = x.PreserveOnPlanChange, x.Metadata
	d.StartsAt, d.ExpiresAt = optTime(starts), optTime(expires)
	d.CreatedAt, d.UpdatedAt = fromMicros(created), fromMicros(updated)
	d.Normalize()
	return &d, nil
}

func discountDocOf(d *catalog.Discount) (string, error) {
	doc, err := json.Marshal(discountDoc{Name: d.Name, CurrencyOptions: d.CurrencyOptions, CustomerEligibility: d.CustomerEligibility,
		PerCustomerLimit: d.PerCustomerLimit, SubscriptionCycles: d.SubscriptionCycles,
		PreserveOnPlanChange: d.PreserveOnPlanChange, Metadata: d.Metadata})
	return string(doc), err
}

// CreateDiscount validates d and stores it with its product restrictions.
// An empty code gets a random one. Codes are unique among the tenant's
// live discounts, which a unique index enforces under concurrency.
func (s *Store) CreateDiscount(ctx context.Context, tn catalog.Tenant, d *catalog.Discount) error {
	generated := d.Code == ""
	if generated {
		d.Code = catalog.RandomCode()
	}
	d.Normalize()
	var pr catalog.Problems
	d.Validate(&pr)
	if err := pr.Err(); err != nil {
		return err
	}
	now := s.nowIn(ctx, tn)
	d.ID, d.BusinessID, d.TimesUsed = s.NewID("dsc_"), tn.BusinessID, 0
	d.CreatedAt, d.UpdatedAt = now, now
	doc, err := discountDocOf(d)
	if err != nil {
		return wrap("CreateDiscount", err)
	}
	for attempt := 0; ; attempt++ {
		err = s.db.write(ctx, func(ctx context.Context, t *tx) error {
			if err := s.checkRestrictions(ctx, t, tn, d.RestrictedTo); err != nil {
				return err
			}
			if _, err := t.exec(ctx, `INSERT INTO discounts (id, business_id, mode, code, type, amount, times_used, usage_limit,
				starts_at, expires_at, created_at, updated_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				d.ID, tn.BusinessID, string(tn.Mode), d.Code, d.Type, d.Amount, 0, d.UsageLimit,
				optMicros(d.StartsAt), optMicros(d.ExpiresAt), micros(now), micros(now), doc); err != nil {
				return err
			}
			if err := s.insertRestrictions(ctx, t, d); err != nil {
				return err
			}
			return s.journal(ctx, t, tn, catalog.Change{Type: "discount.created", Kind: "discount", ID: d.ID, Object: d})
		})
		// A generated code that collides (about 2^-82 per pair) is
		// simply drawn again.
		if generated && attempt < 3 && codeTaken(err) {
			d.Code = catalog.RandomCode()
			continue
		}
		return wrap("CreateDiscount", discountError(d.Code, err))
	}
}

func codeTaken(err error) bool {
	kind, name := violation(err)
	return kind == violationUnique && strings.Contains(name, "code")
}

// discountError turns a code collision into the documented error.
func discountError(code string, err error) error {
	if codeTaken(err) {
		return catalog.Errorf(catalog.KindInvalid, catalog.DiscountCodeTaken, "code: a discount with code %s already exists", code)
	}
	return err
}

// checkRestrictions checks that every product exists in the tenant.
// Archived products are accepted: a restriction outlives an archive.
func (s *Store) checkRestrictions(ctx context.Context, t *tx, tn catalog.Tenant, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	args := []any{tn.BusinessID, string(tn.Mode)}
	for _, id := range ids {
		args = append(args, id)
	}
	found, err := column(ctx, t, "SELECT id FROM products WHERE business_id = ? AND mode = ? AND id IN (?"+
		strings.Repeat(", ?", len(ids)-1)+")", args...)
	if err != nil {
		return err
	}
	have := make(map[string]bool, len(found))
	for _, id := range found {
		have[id] = true
	}
	var missing []string
	for _, id := range ids {
		if !have[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return catalog.Errorf(catalog.KindInvalid, catalog.Invalid, "restricted_to: products do not exist: %s", strings.Join(missing, ", "))
	}
	return nil
}

func (s *Store) insertRestrictions(ctx context.Context, t *tx, d *catalog.Discount) error {
	for i, id := range d.RestrictedTo {
		if _, err := t.exec(ctx, "INSERT INTO discount_products (discount_id, product_id, position) VALUES (?, ?, ?)", d.ID, id, i); err != nil {
			return err
		}
	}
	return nil
}

// UpdateDiscount applies a partial update to a live discount, validating
// the merged result, and returns it.
func (s *Store) UpdateDiscount(ctx context.Context, tn catalog.Tenant, id string, u *catalog.DiscountPatch) (*catalog.Discount, error) {
	var d *catalog.Discount
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		var err error
		if d, err = s.lockDiscount(ctx, t, tn, "d.id = ?", id); err != nil {
			return err
		}
		u.Apply(d)
		var pr catalog.Problems
		d.Validate(&pr)
		if err := pr.Err(); err != nil {
			return err
		}
		if u.RestrictedTo != nil {
			if err := s.checkRestrictions(ctx, t, tn, d.RestrictedTo); err != nil {
				return err
			}
			if _, err := t.exec(ctx, "DELETE FROM discount_products WHERE discount_id = ?", id); err != nil {
				return err
			}
			if err := s.insertRestrictions(ctx, t, d); err != nil {
				return err
			}
		}
		d.UpdatedAt = s.nowIn(ctx, tn)
		doc, err := discountDocOf(d)
		if err != nil {
			return err
		}
		return s.execJournal(ctx, t, tn, catalog.Change{Type: "discount.updated", Kind: "discount", ID: id, Object: d},
			`UPDATE discounts SET code = ?, type = ?, amount = ?, usage_limit = ?, starts_at = ?, expires_at = ?,
			updated_at = ?, doc = ? WHERE id = ?`, d.Code, d.Type, d.Amount, d.UsageLimit, optMicros(d.StartsAt), optMicros(d.ExpiresAt),
			micros(d.UpdatedAt), doc, id)
	})
	if err != nil {
		code := ""
		if d != nil {
			code = d.Code
		}
		return nil, wrap("UpdateDiscount", discountError(code, err))
	}
	return d, nil
}

// lockDiscount loads the tenant's live discount matching where (on d)
// inside t, with its restrictions, locking its row on PostgreSQL.
func (s *Store) lockDiscount(ctx context.Context, t *tx, tn catalog.Tenant, where string, arg string) (*catalog.Discount, error) {
	q := "SELECT " + discountColumns + " FROM discounts d WHERE " + where + " AND d.business_id = ? AND d.mode = ? AND d.deleted_at IS NULL"
	q = s.lockClause(q, "FOR UPDATE")
	d, err := scanDiscount(t.queryRow(ctx, q, arg, tn.BusinessID, string(tn.Mode)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.NotFound("Discount", arg)
	}
	if err != nil {
		return nil, err
	}
	return d, s.loadRestrictions(ctx, t, []*catalog.Discount{d})
}

// DeleteDiscount soft-deletes a live discount, which frees its code.
func (s *Store) DeleteDiscount(ctx context.Context, tn catalog.Tenant, id string) error {
	return wrap("DeleteDiscount", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		d, err := s.lockDiscount(ctx, t, tn, "d.id = ?", id)
		if err != nil {
			return err
		}
		d.UpdatedAt = s.nowIn(ctx, tn)
		now := micros(d.UpdatedAt)
		return s.execJournal(ctx, t, tn, catalog.Change{Type: "discount.deleted", Kind: "discount", ID: id, Object: d},
			"UPDATE discounts SET deleted_at = ?, updated_at = ? WHERE id = ?", now, now, id)
	}))
}
