package store

import (
	"context"
	"strings"

	"github.com/pricebook/pricebook/internal/catalog"
)

// checkProductRefs checks, inside the write transaction, that everything p
// refers to is in the tenant and usable: an active brand, addons (only on
// subscription products), meters that are not archived, credit
// entitlements and entitlements that are not deleted. A reference the
// stored product already holds stays allowed after its target is archived
// or deleted, so an unrelated PATCH never fails on it; only references a
// request adds must be usable. On PostgreSQL the checked rows are locked
// FOR SHARE, so a concurrent archive or delete waits for this write.
// held are the references the stored product had before this write
// (referencesOf; empty for a new product).
func (s *Store) checkProductRefs(ctx context.Context, t *tx, tn catalog.Tenant, p *catalog.Product, held map[string]bool) error {
	if err := s.checkBrand(ctx, t, tn, p.BrandID); err != nil {
		return err
	}
	var pr catalog.Problems
	catalog.AddonOnlyOnSubscriptions(&pr, p)
	if err := pr.Err(); err != nil {
		return err
	}
	addons, err := s.refStates(ctx, t, tn, "addons", "FALSE", p.Addons)
	if err != nil {
		return err
	}
	if err := check(addons, held, p.Addons, refAddon, "addons"); err != nil {
		return err
	}

	var meters, meterCredits []string
	for _, m := range p.Price.Meters {
		meters = append(meters, m.MeterID)
		if m.CreditEntitlementID != nil {
			meterCredits = append(meterCredits, *m.CreditEntitlementID)
		}
	}
	states, err := s.refStates(ctx, t, tn, "meters", "archived", meters)
	if err != nil {
		return err
	}
	if err := check(states, held, meters, refMeter, "price.meters"); err != nil {
		return err
	}

	grants := make([]string, len(p.CreditEntitlements))
	for i, g := range p.CreditEntitlements {
		grants[i] = g.CreditEntitlementID
	}
	states, err = s.refStates(ctx, t, tn, "credit_entitlements", "deleted", append(grants, meterCredits...))
	if err != nil {
		return err
	}
	if err := check(states, held, grants, refCredit, "credit_entitlements"); err != nil {
		return err
	}
	if err := check(states, held, meterCredits, refCredit, "price.meters.credit_entitlement_id"); err != nil {
		return err
	}

	states, err = s.refStates(ctx, t, tn, "entitlements", "deleted", p.Entitlements)
	if err != nil {
		return err
	}
	// A deleted entitlement is invisible, so it is as good as missing.
	return check(states, held, p.Entitlements, refEntitlement, "entitlements")
}

// refKind describes one kind of reference a product holds: its noun
// (plural), the reason of an unknown one and, for kinds whose unusable
// targets stay visible, the reason and state word of an unusable one.
type refKind struct {
	what     string
	unknown  catalog.Reason
	unusable catalog.Reason
	state    string // "" when an unusable target counts as unknown
}

var (
	refAddon  = refKind{what: "addons", unknown: catalog.UnknownAddon}
	refMeter  = refKind{what: "meters", unknown: catalog.UnknownMeter, unusable: catalog.MeterArchived, state: "archived"}
	refCredit = refKind{what: "credit entitlements", unknown: catalog.UnknownCreditEntitlement,
		unusable: catalog.CreditEntitlementDeleted, state: "deleted"}
	refEntitlement = refKind{what: "entitlements", unknown: catalog.UnknownEntitlement}
)

// check words the first broken reference of kind k among ids: unknown
// ones (and unusable ones when k has no state word) by k.unknown,
// unusable ones by k.unusable. Held references are never unusable.
func check(states map[string]bool, held map[string]bool, ids []string, k refKind, path string) error {
	var absent []string
	for _, id := range ids {
		unusable, ok := states[id]
		switch {
		case !ok || (unusable && k.state == "" && !held[id]):
			absent = append(absent, id)
		case unusable && !held[id]:
			return catalog.Errorf(catalog.KindInvalid, k.unusable, "%s: %s %s is %s", path, strings.TrimSuffix(k.what, "s"), id, k.state)
		}
	}
	if len(absent) > 0 {
		return catalog.Errorf(catalog.KindInvalid, k.unknown, "%s: %s do not exist: %s", path, k.what, strings.Join(absent, ", "))
	}
	return nil
}

// refStates returns, for every id of table found in the tenant, whether
// its flag column (archived or deleted) is set.
func (s *Store) refStates(ctx context.Context, t *tx, tn catalog.Tenant, table, flag string, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	ids = uniqueIDs(ids)
	if len(ids) == 0 {
		return out, nil
	}
	q := "SELECT id, " + flag + " FROM " + table + " WHERE business_id = ? AND mode = ? AND id IN (" + placeholders(len(ids)) + ")"
	q = s.lockClause(q, "FOR SHARE")
	rows, err := t.query(ctx, q, append([]any{tn.BusinessID, string(tn.Mode)}, anys(ids)...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var flagged bool
		if err := rows.Scan(&id, &flagged); err != nil {
			return nil, err
		}
		out[id] = flagged
	}
	return out, rows.Err()
}

// referencesOf returns every id a stored product refers to: the
// references a write may keep even if their targets are gone since.
func referencesOf(old *catalog.Product) map[string]bool {
	held := map[string]bool{}
	if old == nil {
		return held
	}
	for _, id := range old.Addons {
		held[id] = true
	}
	for _, m := range old.Price.Meters {
		held[m.MeterID] = true
		if m.CreditEntitlementID != nil {
			held[*m.CreditEntitlementID] = true
		}
	}
	for _, g := range old.CreditEntitlements {
		held[g.CreditEntitlementID] = true
	}
	for _, id := range old.Entitlements {
		held[id] = true
	}
	return held
}

// ProductRefs holds, by id, the objects a page of products refers to, as
// they are now: meters (archived ones too), the credit entitlements of
// credit grants (deleted ones too) and active entitlements only, since a
// deleted entitlement is invisible everywhere.
type ProductRefs struct {
	Meters       map[string]*catalog.Meter
	Credits      map[string]*catalog.CreditEntitlement
	Entitlements map[string]*catalog.Entitlement
}

// LoadProductRefs loads what ps refer to for rendering, with one query per
// referenced table however many products there are, in one snapshot.
func (s *Store) LoadProductRefs(ctx context.Context, tn catalog.Tenant, ps []*catalog.Product) (*ProductRefs, error) {
	refs := &ProductRefs{Meters: map[string]*catalog.Meter{}, Credits: map[string]*catalog.CreditEntitlement{},
		Entitlements: map[string]*catalog.Entitlement{}}
	var meters, credits, entitlements []string
	for _, p := range ps {
		for _, m := range p.Price.Meters {
			meters = append(meters, m.MeterID)
		}
		for _, g := range p.CreditEntitlements {
			credits = append(credits, g.CreditEntitlementID)
		}
		entitlements = append(entitlements, p.Entitlements...)
	}
	if len(meters)+len(credits)+len(entitlements) == 0 {
		return refs, nil
	}
	err := s.db.read(ctx, func(ctx context.Context, t *tx) error {
		if err := loadByID(ctx, t, tn, "SELECT "+meterColumns+" FROM meters", meters, scanMeter,
			func(m *catalog.Meter) { refs.Meters[m.ID] = m }); err != nil {
			return err
		}
		if err := loadByID(ctx, t, tn, "SELECT "+creditColumns+" FROM credit_entitlements", credits, scanCredit,
			func(c *catalog.CreditEntitlement) { refs.Credits[c.ID] = c }); err != nil {
			return err
		}
		return loadByID(ctx, t, tn, "SELECT "+entitlementColumns+" FROM entitlements", entitlements, scanEntitlement,
			func(e *catalog.Entitlement) { refs.Entitlements[e.ID] = e }, "deleted = FALSE")
	})
	return refs, wrap("LoadProductRefs", err)
}

// loadByID runs selectFrom for the tenant's rows with the given ids (and
// any extra conditions) as one query and hands each scanned row to keep.
func loadByID[T any](ctx context.Context, t *tx, tn catalog.Tenant, selectFrom string, ids []string,
	scan func(scanner) (T, error), keep func(T), extra ...string) error {
	ids = uniqueIDs(ids)
	if len(ids) == 0 {
		return nil
	}
	q := selectFrom + " WHERE business_id = ? AND mode = ? AND id IN (" + placeholders(len(ids)) + ")"
	for _, c := range extra {
		q += " AND " + c
	}
	rows, err := t.query(ctx, q, append([]any{tn.BusinessID, string(tn.Mode)}, anys(ids)...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return err
		}
		keep(v)
	}
	return rows.Err()
}
