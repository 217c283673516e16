package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"

	"github.com/pricebook/pricebook/internal/catalog"
)

// Errors of the plan group use cases.
var (
	// ErrPlanGroupNotFound is returned for a plan group the tenant does not have.
	ErrPlanGroupNotFound = catalog.Errorf(catalog.KindNotFound, catalog.PlanGroupNotFound, "plan group not found")
	// ErrPlanGroupNoPlans is returned when none of a group's plans exists
	// in the tenant: a group must hold at least one plan when it is written.
	ErrPlanGroupNoPlans = &catalog.Error{Kind: catalog.KindInvalid, Reason: catalog.PlanGroupEmpty,
		Message: "plans: none of the plans exists",
		Fields:  []catalog.FieldError{{Path: "plans", Message: "must name at least one existing plan", Reason: catalog.PlanGroupEmpty}}}
)

// plansCount is the live size of the group named by the column g.id.
const plansCount = "(SELECT COUNT(*) FROM plan_group_plans m WHERE m.plan_group_id = g.id)"

const planGroupColumns = "g.id, g.name, g.created_at, " + plansCount

// CreatePlanGroup validates g and stores it with the plans named by
// planIDs as members, filling its id, creation time and plans count. Ids
// that name no plan of the tenant are dropped and repeats count once; if
// nothing is left the result is ErrPlanGroupNoPlans.
func (s *Store) CreatePlanGroup(ctx context.Context, tn catalog.Tenant, g *catalog.PlanGroup, planIDs []string) error {
	var pr catalog.Problems
	g.Validate(&pr)
	if err := pr.Err(); err != nil {
		return err
	}
	now := s.nowIn(ctx, tn)
	g.ID = "plg_" + catalog.NewUUID()
	g.CreatedAt = now
	return wrap("CreatePlanGroup", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		if _, err := t.exec(ctx, "INSERT INTO plan_groups (id, business_id, mode, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
			g.ID, tn.BusinessID, string(tn.Mode), g.Name, micros(now), micros(now)); err != nil {
			return err
		}
		n, err := s.setPlanGroupPlans(ctx, t, tn, g.ID, planIDs)
		g.PlansCount = n
		if err != nil {
			return err
		}
		return s.journal(ctx, t, tn, catalog.Change{Type: "plan_group.created", Kind: "plan_group", ID: g.ID, Object: g})
	}))
}

// setPlanGroupPlans makes the tenant's plans among ids the members of the
// group, replacing any it had, and reports how many there are.
func (s *Store) setPlanGroupPlans(ctx context.Context, t *tx, tn catalog.Tenant, groupID string, ids []string) (int, error) {
	type member struct {
		id      string
		created int64
	}
	var found []member
	ids = uniqueIDs(ids)
	slices.Sort(ids)
	err := inChunks(ids, func(chunk []string, in string) error {
		q := "SELECT id, created_at FROM plans WHERE business_id = ? AND mode = ? AND id IN (" + in + ") ORDER BY id"
		if s.engine == Postgres {
			// Keep the plans from being deleted before the membership
			// rows that refer to them are written. Locks are taken in id
			// order, as lockDataSourcePlans takes them, so the two cannot
			// deadlock.
			q += " FOR KEY SHARE"
		}
		args := []any{tn.BusinessID, string(tn.Mode)}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := t.query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m member
			if err := rows.Scan(&m.id, &m.created); err != nil {
				return err
			}
			found = append(found, m)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, err
	}
	if len(found) == 0 {
		return 0, ErrPlanGroupNoPlans
	}
	// Only now that the new plans are locked: a plan delete cascading into
	// the old rows must never wait on us while we wait on its plan.
	if _, err := t.exec(ctx, "DELETE FROM plan_group_plans WHERE plan_group_id = ?", groupID); err != nil {
		return 0, err
	}
	for _, m := range found {
		if _, err := t.exec(ctx, "INSERT INTO plan_group_plans (plan_group_id, plan_id, plan_created_at) VALUES (?, ?, ?)",
			groupID, m.id, m.created); err != nil {
			return 0, err
		}
	}
	return len(found), nil
}

func scanPlanGroup(sc scanner) (catalog.PlanGroup, error) {
	var g catalog.PlanGroup
	var at int64
	err := sc.Scan(&g.ID, &g.Name, &at, &g.PlansCount)
	g.CreatedAt = fromMicros(at)
	return g, err
}

// GetPlanGroup returns a plan group of the tenant with its live plans count.
func (s *Store) GetPlanGroup(ctx context.Context, tn catalog.Tenant, id string) (catalog.PlanGroup, error) {
	var g catalog.PlanGroup
	err := s.db.read(ctx, func(ctx context.Context, t *tx) error {
		var err error
		g, err = getPlanGroup(ctx, t, tn, id, "")
		return err
	})
	return g, wrap("GetPlanGroup", err)
}

// getPlanGroup loads a plan group of the tenant inside t, with lock
// ("" or a locking clause) appended to the query.
func getPlanGroup(ctx context.Context, t *tx, tn catalog.Tenant, id, lock string) (catalog.PlanGroup, error) {
	g, err := scanPlanGroup(t.queryRow(ctx, "SELECT "+planGroupColumns+
		" FROM plan_groups g WHERE g.id = ? AND g.business_id = ? AND g.mode = ?"+lock, id, tn.BusinessID, string(tn.Mode)))
	if errors.Is(err, sql.ErrNoRows) {
		return g, ErrPlanGroupNotFound
	}
	return g, err
}

// ListPlanGroups returns one page of the tenant's plan groups, newest first.
func (s *Store) ListPlanGroups(ctx context.Context, tn catalog.Tenant, f catalog.PlanGroupFilter) (catalog.List[catalog.PlanGroup], error) {
	l := listQuery{args: []any{tn.BusinessID, string(tn.Mode)}}
	return list(ctx, s, &l, listOf{selectFrom: "SELECT " + planGroupColumns + " FROM plan_groups g WHERE g.business_id = ? AND g.mode = ?",
		countFrom: "SELECT COUNT(*) FROM plan_groups g WHERE g.business_id = ? AND g.mode = ?", created: "g.created_at", id: "g.id"}, f.Page, scanPlanGroup)
}

// ListPlanGroupPlans returns one page of the plans in a plan group of the
// tenant, newest plan first.
func (s *Store) ListPlanGroupPlans(ctx context.Context, tn catalog.Tenant, f catalog.PlanGroupPlansFilter) (catalog.List[catalog.Plan], error) {
	var out catalog.List[catalog.Plan]
	l := listQuery{args: []any{f.GroupID}}
	err := s.db.read(ctx, func(ctx context.Context, t *tx) error {
		if _, err := getPlanGroup(ctx, t, tn, f.GroupID, ""); err != nil {
			return err
		}
		var err error
		out, err = readList(ctx, t, &l, listOf{
			selectFrom: "SELECT " + planColumns + " FROM plan_group_plans m JOIN plans p ON p.id = m.plan_id WHERE m.plan_group_id = ?",
			countFrom:  "SELECT COUNT(*) FROM plan_group_plans m WHERE m.plan_group_id = ?", created: "m.plan_created_at", id: "m.plan_id"}, f.Page, scanPlan)
		return err
	})
	return out, err
}

// UpdatePlanGroup applies a partial update to a plan group of the tenant
// and returns it as stored. Plans, when given, replace the membership,
// resolved as in CreatePlanGroup.
func (s *Store) UpdatePlanGroup(ctx context.Context, tn catalog.Tenant, id string, u *catalog.PlanGroupPatch) (catalog.PlanGroup, error) {
	var g catalog.PlanGroup
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		lock := ""
		if s.engine == Postgres {
			// Serialise concurrent updates of one group, so two membership
			// replacements cannot interleave.
			lock = " FOR UPDATE OF g"
		}
		var err error
		if g, err = getPlanGroup(ctx, t, tn, id, lock); err != nil {
			return err
		}
		if u.Name != nil {
			g.Name = *u.Name
		}
		var pr catalog.Problems
		g.Validate(&pr)
		if err := pr.Err(); err != nil {
			return err
		}
		if _, err := t.exec(ctx, "UPDATE plan_groups SET name = ?, updated_at = ? WHERE id = ?", g.Name, micros(s.nowIn(ctx, tn)), id); err != nil {
			return err
		}
		if u.Plans != nil {
			if g.PlansCount, err = s.setPlanGroupPlans(ctx, t, tn, id, *u.Plans); err != nil {
				return err
			}
		}
		return s.journal(ctx, t, tn, catalog.Change{Type: "plan_group.updated", Kind: "plan_group", ID: id, Object: &g})
	})
	return g, wrap("UpdatePlanGroup", err)
}

// DeletePlanGroup deletes a plan group of the tenant; its plans stay.
func (s *Store) DeletePlanGroup(ctx context.Context, tn catalog.Tenant, id string) error {
	return wrap("DeletePlanGroup", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		// Lock as every writer does: the group, then its memberships in
		// plan order (as a data source delete does), before the cascade
		// would take them in any order.
		g, err := getPlanGroup(ctx, t, tn, id, s.lockClause("", "FOR UPDATE OF g"))
		if err != nil {
			return err
		}
		if s.engine == Postgres {
			if err := lockRows(ctx, t, "SELECT plan_id FROM plan_group_plans WHERE plan_group_id = ? ORDER BY plan_id FOR UPDATE", id); err != nil {
				return err
			}
		}
		// Recorded before the row goes, so the event holds its final state.
		if err := s.journal(ctx, t, tn, catalog.Change{Type: "plan_group.deleted", Kind: "plan_group", ID: id, Object: &g}); err != nil {
			return err
		}
		_, err = t.exec(ctx, "DELETE FROM plan_groups WHERE id = ?", id)
		return err
	}))
}
