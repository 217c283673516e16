package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/pricebook/pricebook/internal/catalog"
)

const meterColumns = `id, business_id, name, description, event_name, measurement_unit, aggregation_type, aggregation_key,
	filter, archived, created_at, updated_at`

func scanMeter(sc scanner) (*catalog.Meter, error) {
	var m catalog.Meter
	var filter sql.NullString
	var created, updated int64
	if err := sc.Scan(&m.ID, &m.BusinessID, &m.Name, &m.Description, &m.EventName, &m.MeasurementUnit,
		&m.Aggregation.Type, &m.Aggregation.Key, &filter, &m.Archived, &created, &updated); err != nil {
		return nil, err
	}
	if filter.Valid {
		m.Filter = new(catalog.MeterFilter)
		if err := json.Unmarshal([]byte(filter.String), m.Filter); err != nil {
			return nil, fmt.Errorf("store: meter %s filter: %w", m.ID, err)
		}
	}
	m.CreatedAt, m.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &m, nil
}

// CreateMeter validates m and stores it in the tenant, filling its
// server-side fields.
func (s *Store) CreateMeter(ctx context.Context, tn catalog.Tenant, m *catalog.Meter) error {
	var pr catalog.Problems
	m.Validate(&pr)
	if err := pr.Err(); err != nil {
		return err
	}
	var filter *string
	if m.Filter != nil {
		b, err := json.Marshal(m.Filter)
		if err != nil {
			return wrap("CreateMeter", err)
		}
		f := string(b)
		filter = &f
	}
	now := s.nowIn(ctx, tn)
	m.ID, m.BusinessID, m.Archived, m.CreatedAt, m.UpdatedAt = s.NewID("mtr_"), tn.BusinessID, false, now, now
	created, err := s.prerendered(ctx, tn, catalog.Change{Type: "meter.created", Kind: "meter", ID: m.ID, Object: m})
	if err != nil {
		return wrap("CreateMeter", err)
	}
	return wrap("CreateMeter", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		return s.execJournal(ctx, t, tn, created,
			`INSERT INTO meters (id, business_id, mode, name, description, event_name, measurement_unit,
			aggregation_type, aggregation_key, filter, archived, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			m.ID, tn.BusinessID, string(tn.Mode), m.Name, m.Description, m.EventName, m.MeasurementUnit,
			m.Aggregation.Type, m.Aggregation.Key, filter, false, micros(now), micros(now))
	}))
}

// GetMeter returns a meter of the tenant, archived or not.
func (s *Store) GetMeter(ctx context.Context, tn catalog.Tenant, id string) (*catalog.Meter, error) {
	m, err := scanMeter(s.db.queryRow(ctx, "SELECT "+meterColumns+" FROM meters WHERE id = ? AND business_id = ? AND mode = ?",
		id, tn.BusinessID, string(tn.Mode)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.NotFound("Meter", id)
	}
	return m, wrap("GetMeter", err)
}

// ListMeters returns one page of the tenant's active meters, or of its
// archived ones only, newest first.
func (s *Store) ListMeters(ctx context.Context, tn catalog.Tenant, f catalog.MeterListFilter) (catalog.List[*catalog.Meter], error) {
	l := listQuery{args: []any{tn.BusinessID, string(tn.Mode)}}
	l.cond("archived = ?", f.Archived)
	return list(ctx, s, &l, listOf{selectFrom: "SELECT " + meterColumns + " FROM meters WHERE business_id = ? AND mode = ?",
		countFrom: "SELECT COUNT(*) FROM meters WHERE business_id = ? AND mode = ?", created: "created_at", id: "id"}, f.Page, scanMeter)
}

// SetMeterArchived archives or unarchives a meter. Either is idempotent:
// the API documents no error for a repeat.
func (s *Store) SetMeterArchived(ctx context.Context, tn catalog.Tenant, id string, archived bool) error {
	return wrap("SetMeterArchived", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		var cur bool
		err := t.queryRow(ctx, s.lockClause("SELECT archived FROM meters WHERE id = ? AND business_id = ? AND mode = ?", "FOR UPDATE"),
			id, tn.BusinessID, string(tn.Mode)).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) {
			return catalog.NotFound("Meter", id)
		}
		if err != nil || cur == archived {
			return err
		}
		typ := "meter.unarchived"
		if archived {
			typ = "meter.archived"
		}
		return s.execJournal(ctx, t, tn, catalog.Change{Type: typ, Kind: "meter", ID: id},
			"UPDATE meters SET archived = ?, updated_at = ? WHERE id = ?", archived, micros(s.nowIn(ctx, tn)), id)
	}))
}
