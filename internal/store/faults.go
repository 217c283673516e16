package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/pricebook/pricebook/internal/catalog"
)

// Fault rules live in the database, so every server over one PostgreSQL
// injects them and a rule with a count fires that often in all (the
// count goes down by one UPDATE per fire). Matching reads a snapshot of
// the live rules (snapshot.go), since every test-mode request reads them.

type faultRules = map[catalog.Tenant][]*catalog.FaultRule

const faultColumns = "id, business_id, mode, method, path, fault, remaining, fraction, expires_at, fired, created_at"

func scanFaultRule(sc scanner) (*catalog.FaultRule, catalog.Tenant, error) {
	var r catalog.FaultRule
	var tn catalog.Tenant
	var mode string
	var remaining, expires sql.NullInt64
	var fraction sql.NullFloat64
	var created int64
	if err := sc.Scan(&r.ID, &tn.BusinessID, &mode, &r.Method, &r.Path, &r.Fault, &remaining, &fraction, &expires, &r.Fired, &created); err != nil {
		return nil, tn, err
	}
	tn.Mode = catalog.Mode(mode)
	if remaining.Valid {
		n := int(remaining.Int64)
		r.Count = &n
	}
	if fraction.Valid {
		r.Fraction = &fraction.Float64
	}
	if expires.Valid {
		t := fromMicros(expires.Int64)
		r.ExpiresAt = &t
	}
	r.CreatedAt = fromMicros(created)
	return &r, tn, nil
}

// CreateFaultRule validates and stores a rule of the tenant (test mode
// only; the face has checked its fault), filling its id and time.
func (s *Store) CreateFaultRule(ctx context.Context, tn catalog.Tenant, r *catalog.FaultRule) error {
	if tn.Mode != catalog.ModeTest {
		return catalog.Errorf(catalog.KindForbidden, catalog.Unauthorized, "Fault rules are for test-mode keys only")
	}
	var p catalog.Problems
	r.Validate(&p)
	if err := p.Err(); err != nil {
		return err
	}
	r.Method = strings.ToUpper(r.Method)
	r.ID, r.CreatedAt = s.NewID("flt_"), s.now()
	var expires *int64
	if r.ExpiresAt != nil {
		n := micros(*r.ExpiresAt)
		expires = &n
	}
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		var n int
		if err := t.queryRow(ctx, "SELECT COUNT(*) FROM fault_rules WHERE business_id = ? AND mode = ?", tn.BusinessID, string(tn.Mode)).Scan(&n); err != nil {
			return err
		}
		if n >= catalog.MaxFaultRules {
			return catalog.Errorf(catalog.KindInvalid, catalog.Invalid, "a tenant has at most %d fault rules; delete some first", catalog.MaxFaultRules)
		}
		_, err := t.exec(ctx, `INSERT INTO fault_rules (id, business_id, mode, method, path, fault, remaining, fraction, expires_at, fired, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`, r.ID, tn.BusinessID, string(tn.Mode), r.Method, r.Path, r.Fault, r.Count, r.Fraction,
			expires, micros(r.CreatedAt))
		return err
	})
	s.forgetFaultRules()
	return wrap("CreateFaultRule", err)
}

// ListFaultRules returns the tenant's rules, oldest first, spent and
// expired ones too (they show how often they fired).
func (s *Store) ListFaultRules(ctx context.Context, tn catalog.Tenant) ([]*catalog.FaultRule, error) {
	rows, err := s.db.query(ctx, "SELECT "+faultColumns+" FROM fault_rules WHERE business_id = ? AND mode = ? ORDER BY created_at, id",
		tn.BusinessID, string(tn.Mode))
	if err != nil {
		return nil, wrap("ListFaultRules", err)
	}
	defer rows.Close()
	out := []*catalog.FaultRule{}
	for rows.Next() {
		r, _, err := scanFaultRule(rows)
		if err != nil {
			return nil, wrap("ListFaultRules", err)
		}
		out = append(out, r)
	}
	return out, wrap("ListFaultRules", rows.Err())
}

// DeleteFaultRules deletes one rule of the tenant (id), or all of them
// (id empty).
func (s *Store) DeleteFaultRules(ctx context.Context, tn catalog.Tenant, id string) error {
	n, err := s.db.writeStatement(ctx, "DELETE FROM fault_rules WHERE business_id = ? AND mode = ? AND (? = '' OR id = ?)",
		tn.BusinessID, string(tn.Mode), id, id)
	s.forgetFaultRules()
	if err == nil && n == 0 && id != "" {
		return catalog.NotFound("Fault rule", id)
	}
	return wrap("DeleteFaultRules", err)
}

// FaultRules returns the tenant's live rules (not spent, not expired)
// from a snapshot at most snapshotTTL old.
func (s *Store) FaultRules(ctx context.Context, tn catalog.Tenant) ([]*catalog.FaultRule, error) {
	rules, err := s.faults.get(ctx, s.liveFaultRules)
	return rules[tn], err
}

func (s *Store) liveFaultRules(ctx context.Context) (faultRules, error) {
	rows, err := s.db.query(ctx, "SELECT "+faultColumns+` FROM fault_rules
		WHERE (remaining IS NULL OR remaining > 0) AND (expires_at IS NULL OR expires_at > ?) ORDER BY created_at, id`, micros(s.now()))
	if err != nil {
		return nil, wrap("FaultRules", err)
	}
	defer rows.Close()
	out := faultRules{}
	for rows.Next() {
		r, tn, err := scanFaultRule(rows)
		if err != nil {
			return nil, wrap("FaultRules", err)
		}
		out[tn] = append(out[tn], r)
	}
	return out, wrap("FaultRules", rows.Err())
}

func (s *Store) forgetFaultRules() { s.faults.forget() }

// FireFaultRule counts one fire of a rule and reports whether it may
// fire: a rule with a count only while fires are left, across servers.
func (s *Store) FireFaultRule(ctx context.Context, r *catalog.FaultRule) (bool, error) {
	n, err := s.db.writeStatement(ctx, `UPDATE fault_rules SET fired = fired + 1,
		remaining = CASE WHEN remaining IS NULL THEN NULL ELSE remaining - 1 END
		WHERE id = ? AND (remaining IS NULL OR remaining > 0)`, r.ID)
	if n > 0 && r.Count != nil {
		s.forgetFaultRules() // a spent count stops matching here at once
	}
	return n > 0, wrap("FireFaultRule", err)
}
