package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/pricebook/pricebook/internal/catalog"
)

// Errors of the plan use cases.
var (
	// ErrPlanNotFound is returned for a plan the tenant does not have.
	ErrPlanNotFound = catalog.Errorf(catalog.KindNotFound, catalog.PlanNotFound, "plan not found")
	// ErrPlanExternalIDTaken is returned when the data source already has a
	// plan with that external id.
	ErrPlanExternalIDTaken = &catalog.Error{Kind: catalog.KindConflict, Reason: catalog.PlanExternalIDTaken,
		Message: "external_id: the data source already has a plan with this external id",
		Fields:  []catalog.FieldError{{Path: "external_id", Message: "is already taken", Reason: catalog.PlanExternalIDTaken}}}
	// ErrPlanDataSourceUnknown is returned when a new plan names a data
	// source the tenant does not have.
	ErrPlanDataSourceUnknown = &catalog.Error{Kind: catalog.KindInvalid, Reason: catalog.UnknownDataSource,
		Message: "data_source_uuid: no such data source",
		Fields:  []catalog.FieldError{{Path: "data_source_uuid", Message: "no such data source", Reason: catalog.UnknownDataSource}}}
)

const planColumns = "p.id, p.data_source_id, p.external_id, p.name, p.interval_count, p.interval_unit, p.created_at"

// CreatePlan validates p and stores it in its data source, filling its id
// and creation time. Without an external id the plan gets a generated one,
// which its id then embeds. A taken external id gives
// ErrPlanExternalIDTaken, decided by the unique index so that concurrent
// creates cannot both succeed.
func (s *Store) CreatePlan(ctx context.Context, tn catalog.Tenant, p *catalog.Plan) error {
	now := s.nowIn(ctx, tn)
	if p.ExternalID == "" {
		p.ExternalID = catalog.NewTimeUUID(now)
		p.ID = "pl_" + p.ExternalID
	} else {
		p.ID = "pl_" + catalog.NewTimeUUID(now)
	}
	var pr catalog.Problems
	p.Validate(&pr)
	if err := pr.Err(); err != nil {
		return err
	}
	p.CreatedAt = now
	created, err := s.prerendered(ctx, tn, catalog.Change{Type: "plan.created", Kind: "plan", ID: p.ID, Object: p})
	if err != nil {
		return wrap("CreatePlan", err)
	}
	return wrap("CreatePlan", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		var system string
		err := t.queryRow(ctx, "SELECT system FROM data_sources WHERE id = ? AND business_id = ? AND mode = ?",
			p.DataSourceID, tn.BusinessID, string(tn.Mode)).Scan(&system)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrPlanDataSourceUnknown
		}
		if err != nil {
			return err
		}
		_, err = t.exec(ctx, `INSERT INTO plans (id, business_id, mode, data_source_id, system_key, external_id, name,
			interval_count, interval_unit, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.ID, tn.BusinessID, string(tn.Mode), p.DataSourceID, catalog.SystemKey(system), p.ExternalID, p.Name,
			p.IntervalCount, p.IntervalUnit, micros(now), micros(now))
		switch kind, _ := violation(err); kind {
		case violationUnique:
			return ErrPlanExternalIDTaken
		case violationForeignKey:
			// The source was deleted after the lookup above.
			return ErrPlanDataSourceUnknown
		}
		if err != nil {
			return err
		}
		return s.journal(ctx, t, tn, created)
	}))
}

func scanPlan(sc scanner) (catalog.Plan, error) {
	var p catalog.Plan
	var at int64
	err := sc.Scan(&p.ID, &p.DataSourceID, &p.ExternalID, &p.Name, &p.IntervalCount, &p.IntervalUnit, &at)
	p.CreatedAt = fromMicros(at)
	return p, err
}

// GetPlan returns a plan of the tenant.
func (s *Store) GetPlan(ctx context.Context, tn catalog.Tenant, id string) (catalog.Plan, error) {
	p, err := scanPlan(s.db.queryRow(ctx, "SELECT "+planColumns+" FROM plans p WHERE p.id = ? AND p.business_id = ? AND p.mode = ?",
		id, tn.BusinessID, string(tn.Mode)))
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrPlanNotFound
	}
	return p, wrap("GetPlan", err)
}

// ListPlans returns one page of the tenant's plans that match f, newest
// first. Each filter has an index ending in the list order, so a page
// costs the same at any depth.
func (s *Store) ListPlans(ctx context.Context, tn catalog.Tenant, f catalog.PlanFilter) (catalog.List[catalog.Plan], error) {
	l := listQuery{args: []any{tn.BusinessID, string(tn.Mode)}}
	if f.DataSourceID != "" {
		l.cond("p.data_source_id = ?", f.DataSourceID)
	}
	if f.ExternalID != "" {
		l.cond("p.external_id = ?", f.ExternalID)
	}
	if f.System != "" {
		l.cond("p.system_key = ?", catalog.SystemKey(f.System))
	}
	return list(ctx, s, &l, listOf{selectFrom: "SELECT " + planColumns + " FROM plans p WHERE p.business_id = ? AND p.mode = ?",
		countFrom: "SELECT COUNT(*) FROM plans p WHERE p.business_id = ? AND p.mode = ?", created: "p.created_at", id: "p.id"}, f.Page, scanPlan)
}

// UpdatePlan applies a partial update to a plan of the tenant and returns
// the plan as stored.
func (s *Store) UpdatePlan(ctx context.Context, tn catalog.Tenant, id string, u *catalog.PlanPatch) (catalog.Plan, error) {
	var p catalog.Plan
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		q := "SELECT " + planColumns + " FROM plans p WHERE p.id = ? AND p.business_id = ? AND p.mode = ?"
		q = s.lockClause(q, "FOR UPDATE")
		var err error
		p, err = scanPlan(t.queryRow(ctx, q, id, tn.BusinessID, string(tn.Mode)))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrPlanNotFound
		}
		if err != nil {
			return err
		}
		u.Apply(&p)
		var pr catalog.Problems
		p.Validate(&pr)
		if err := pr.Err(); err != nil {
			return err
		}
		return s.execJournal(ctx, t, tn, catalog.Change{Type: "plan.updated", Kind: "plan", ID: id, Object: &p},
			"UPDATE plans SET name = ?, interval_count = ?, interval_unit = ?, updated_at = ? WHERE id = ?",
			p.Name, p.IntervalCount, p.IntervalUnit, micros(s.nowIn(ctx, tn)), id)
	})
	return p, wrap("UpdatePlan", err)
}

// DeletePlan deletes a plan of the tenant; it leaves every plan group it
// was in, and the groups stay.
func (s *Store) DeletePlan(ctx context.Context, tn catalog.Tenant, id string) error {
	return wrap("DeletePlan", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		var found string
		err := t.queryRow(ctx, s.lockClause("SELECT id FROM plans WHERE id = ? AND business_id = ? AND mode = ?", "FOR UPDATE"),
			id, tn.BusinessID, string(tn.Mode)).Scan(&found)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrPlanNotFound
		}
		if err != nil {
			return err
		}
		// Recorded before the row goes, so the event holds its final state.
		if err := s.journal(ctx, t, tn, catalog.Change{Type: "plan.deleted", Kind: "plan", ID: id}); err != nil {
			return err
		}
		_, err = t.exec(ctx, "DELETE FROM plans WHERE id = ?", id)
		return err
	}))
}
