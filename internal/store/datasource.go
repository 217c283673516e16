package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/pricebook/pricebook/internal/catalog"
)

// Errors of the data source use cases.
var (
	// ErrDataSourceNotFound is returned for a data source the tenant does not have.
	ErrDataSourceNotFound = catalog.Errorf(catalog.KindNotFound, catalog.DataSourceNotFound, "data source not found")
	// ErrDataSourceNameTaken is returned when the tenant already has a source of that name.
	ErrDataSourceNameTaken = &catalog.Error{Kind: catalog.KindConflict, Reason: catalog.DataSourceNameTaken,
		Message: "name: a data source with this name already exists",
		Fields:  []catalog.FieldError{{Path: "name", Message: "is already taken", Reason: catalog.DataSourceNameTaken}}}
)

const dataSourceColumns = "id, name, system, status, created_at"

// CreateDataSource validates d and stores it as a new, idle data source of
// the tenant, filling its id, status and creation time. A name the tenant
// already uses gives ErrDataSourceNameTaken, decided by the unique index so
// concurrent creates cannot both succeed.
func (s *Store) CreateDataSource(ctx context.Context, tn catalog.Tenant, d *catalog.DataSource) error {
	if d.System == "" {
		d.System = catalog.DataSourceSystemCustom
	}
	var pr catalog.Problems
	d.Validate(&pr)
	if err := pr.Err(); err != nil {
		return err
	}
	now := s.nowIn(ctx, tn)
	d.ID = "ds_" + catalog.NewTimeUUID(now)
	d.Status = catalog.DataSourceStatusIdle
	d.CreatedAt = now
	created, err := s.prerendered(ctx, tn, catalog.Change{Type: "data_source.created", Kind: "data_source", ID: d.ID, Object: d})
	if err != nil {
		return wrap("CreateDataSource", err)
	}
	return wrap("CreateDataSource", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		_, err := t.exec(ctx, `INSERT INTO data_sources (id, business_id, mode, name, system, system_key, status, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, d.ID, tn.BusinessID, string(tn.Mode), d.Name, d.System,
			catalog.SystemKey(d.System), d.Status, micros(now))
		if kind, _ := violation(err); kind == violationUnique {
			return ErrDataSourceNameTaken
		}
		if err != nil {
			return err
		}
		return s.journal(ctx, t, tn, created)
	}))
}

func scanDataSource(sc scanner) (catalog.DataSource, error) {
	var d catalog.DataSource
	var at int64
	err := sc.Scan(&d.ID, &d.Name, &d.System, &d.Status, &at)
	d.CreatedAt = fromMicros(at)
	return d, err
}

// GetDataSource returns a data source of the tenant.
func (s *Store) GetDataSource(ctx context.Context, tn catalog.Tenant, id string) (catalog.DataSource, error) {
	d, err := scanDataSource(s.db.queryRow(ctx, "SELECT "+dataSourceColumns+
		" FROM data_sources WHERE id = ? AND business_id = ? AND mode = ?", id, tn.BusinessID, string(tn.Mode)))
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrDataSourceNotFound
	}
	return d, wrap("GetDataSource", err)
}

// ListDataSources returns every data source of the tenant that matches f,
// newest first. The list is not paged: a tenant has few sources, and the
// clients expect the whole list in one answer.
func (s *Store) ListDataSources(ctx context.Context, tn catalog.Tenant, f catalog.DataSourceFilter) (catalog.List[catalog.DataSource], error) {
	l := listQuery{args: []any{tn.BusinessID, string(tn.Mode)}}
	if f.Name != "" {
		l.cond("name = ?", f.Name)
	}
	if f.System != "" {
		l.cond("system_key = ?", catalog.SystemKey(f.System))
	}
	return list(ctx, s, &l, listOf{selectFrom: "SELECT " + dataSourceColumns + " FROM data_sources WHERE business_id = ? AND mode = ?",
		countFrom: "SELECT COUNT(*) FROM data_sources WHERE business_id = ? AND mode = ?", created: "created_at", id: "id"}, catalog.Page{Size: catalog.AllRows}, scanDataSource)
}

// DeleteDataSource deletes a data source of the tenant with its plans; the
// plans leave every plan group they were in.
func (s *Store) DeleteDataSource(ctx context.Context, tn catalog.Tenant, id string) error {
	return wrap("DeleteDataSource", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		if err := s.lockDataSource(ctx, t, tn, id); err != nil {
			return err
		}
		if err := s.lockDataSourcePlans(ctx, t, tn, id); err != nil {
			return err
		}
		// Recorded before the rows go, so each event holds the final state.
		if err := s.journalPlansDeleted(ctx, t, tn, id); err != nil {
			return err
		}
		if err := s.journal(ctx, t, tn, catalog.Change{Type: "data_source.deleted", Kind: "data_source", ID: id}); err != nil {
			return err
		}
		// The foreign keys cascade to plans and from them to memberships.
		_, err := t.exec(ctx, "DELETE FROM data_sources WHERE id = ?", id)
		return err
	}))
}

// EmptyDataSource deletes every plan of a data source of the tenant (they
// leave their plan groups) and keeps the source itself.
func (s *Store) EmptyDataSource(ctx context.Context, tn catalog.Tenant, id string) error {
	return wrap("EmptyDataSource", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		if err := s.lockDataSource(ctx, t, tn, id); err != nil {
			return err
		}
		if err := s.lockDataSourcePlans(ctx, t, tn, id); err != nil {
			return err
		}
		if err := s.journalPlansDeleted(ctx, t, tn, id); err != nil {
			return err
		}
		_, err := t.exec(ctx, "DELETE FROM plans WHERE data_source_id = ?", id)
		return err
	}))
}

// lockDataSource checks that a data source of the tenant exists, locking
// it on PostgreSQL.
func (s *Store) lockDataSource(ctx context.Context, t *tx, tn catalog.Tenant, id string) error {
	var found string
	err := t.queryRow(ctx, s.lockClause("SELECT id FROM data_sources WHERE id = ? AND business_id = ? AND mode = ?", "FOR UPDATE"),
		id, tn.BusinessID, string(tn.Mode)).Scan(&found)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrDataSourceNotFound
	}
	return err
}

// journalPlansDeleted records the deletion of every plan of a data source,
// before the plans go.
func (s *Store) journalPlansDeleted(ctx context.Context, t *tx, tn catalog.Tenant, dataSourceID string) error {
	plans, err := column(ctx, t, "SELECT id FROM plans WHERE data_source_id = ? ORDER BY id", dataSourceID)
	if err != nil {
		return err
	}
	for _, id := range plans {
		if err := s.journal(ctx, t, tn, catalog.Change{Type: "plan.deleted", Kind: "plan", ID: id}); err != nil {
			return err
		}
	}
	return nil
}

// lockDataSourcePlans locks a source's plans in id order on PostgreSQL
// before they are deleted, the order plan group writes lock plans in, so
// a cascade and a membership write cannot deadlock.
func (s *Store) lockDataSourcePlans(ctx context.Context, t *tx, tn catalog.Tenant, dataSourceID string) error {
	if s.engine != Postgres {
		return nil
	}
	if err := lockRows(ctx, t, "SELECT id FROM plans WHERE data_source_id = ? AND business_id = ? AND mode = ? ORDER BY id FOR UPDATE",
		dataSourceID, tn.BusinessID, string(tn.Mode)); err != nil {
		return err
	}
	// Their memberships too, in the order DeletePlanGroup locks them.
	return lockRows(ctx, t, `SELECT m.plan_id FROM plan_group_plans m JOIN plans p ON p.id = m.plan_id
		WHERE p.data_source_id = ? ORDER BY m.plan_id, m.plan_group_id FOR UPDATE OF m`, dataSourceID)
}
