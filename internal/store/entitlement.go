package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/pricebook/pricebook/internal/catalog"
)

const entitlementColumns = `id, business_id, name, description, integration_type, config, metadata, created_at, updated_at`

func scanEntitlement(sc scanner) (*catalog.Entitlement, error) {
	var e catalog.Entitlement
	var config, metadata string
	var created, updated int64
	if err := sc.Scan(&e.ID, &e.BusinessID, &e.Name, &e.Description, &e.IntegrationType, &config, &metadata,
		&created, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(config), &e.Config); err != nil {
		return nil, fmt.Errorf("store: entitlement %s config: %w", e.ID, err)
	}
	if err := json.Unmarshal([]byte(metadata), &e.Metadata); err != nil {
		return nil, fmt.Errorf("store: entitlement %s metadata: %w", e.ID, err)
	}
	if e.Metadata == nil {
		e.Metadata = catalog.Metadata{}
	}
	e.CreatedAt, e.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &e, nil
}

// entitlementDocs encodes the JSON columns of e.
func entitlementDocs(e *catalog.Entitlement) (config, metadata string, err error) {
	if e.Metadata == nil {
		e.Metadata = catalog.Metadata{}
	}
	c, err := json.Marshal(e.Config)
	if err != nil {
		return "", "", err
	}
	m, err := json.Marshal(e.Metadata)
	return string(c), string(m), err
}

// CreateEntitlement validates e and stores it in the tenant, filling its
// server-side fields. Only the fields of e's integration type are kept.
func (s *Store) CreateEntitlement(ctx context.Context, tn catalog.Tenant, e *catalog.Entitlement) error {
	e.Config = e.Config.ForType(e.IntegrationType)
	var pr catalog.Problems
	e.Validate(&pr)
	if err := pr.Err(); err != nil {
		return err
	}
	config, metadata, err := entitlementDocs(e)
	if err != nil {
		return wrap("CreateEntitlement", err)
	}
	now := s.now()
	e.ID, e.BusinessID, e.CreatedAt, e.UpdatedAt = s.NewID("ent_"), tn.BusinessID, now, now
	created, err := s.prerendered(ctx, tn, catalog.Change{Type: "entitlement.created", Kind: "entitlement", ID: e.ID, Object: e})
	if err != nil {
		return wrap("CreateEntitlement", err)
	}
	return wrap("CreateEntitlement", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		return s.execJournal(ctx, t, tn, created,
			`INSERT INTO entitlements (id, business_id, mode, name, description, integration_type, config,
			metadata, deleted, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.ID, tn.BusinessID, string(tn.Mode), e.Name, e.Description, e.IntegrationType, config, metadata, false,
			micros(now), micros(now))
	}))
}

const entitlementByID = " FROM entitlements WHERE id = ? AND business_id = ? AND mode = ? AND deleted = ?"

// GetEntitlement returns an entitlement of the tenant; a deleted one is
// not found.
func (s *Store) GetEntitlement(ctx context.Context, tn catalog.Tenant, id string) (*catalog.Entitlement, error) {
	e, err := scanEntitlement(s.db.queryRow(ctx, "SELECT "+entitlementColumns+entitlementByID, id, tn.BusinessID, string(tn.Mode), false))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.NotFound("Entitlement", id)
	}
	return e, wrap("GetEntitlement", err)
}

// ListEntitlements returns one page of the tenant's entitlements, newest
// first, optionally of one integration type.
func (s *Store) ListEntitlements(ctx context.Context, tn catalog.Tenant, f catalog.EntitlementFilter) (catalog.List[*catalog.Entitlement], error) {
	l := listQuery{args: []any{tn.BusinessID, string(tn.Mode), false}}
	if f.IntegrationType != "" {
		l.cond("integration_type = ?", f.IntegrationType)
	}
	return list(ctx, s, &l, listOf{selectFrom: "SELECT " + entitlementColumns + " FROM entitlements WHERE business_id = ? AND mode = ? AND deleted = ?",
		countFrom: "SELECT COUNT(*) FROM entitlements WHERE business_id = ? AND mode = ? AND deleted = ?", created: "created_at", id: "id"}, f.Page, scanEntitlement)
}

// UpdateEntitlement applies a partial update, validating the merged
// entitlement, and returns it as stored.
func (s *Store) UpdateEntitlement(ctx context.Context, tn catalog.Tenant, id string, u *catalog.EntitlementPatch) (*catalog.Entitlement, error) {
	var e *catalog.Entitlement
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		var err error
		e, err = s.lockEntitlement(ctx, t, tn, id)
		if err != nil {
			return err
		}
		u.Apply(e)
		var pr catalog.Problems
		e.Validate(&pr)
		if err := pr.Err(); err != nil {
			return err
		}
		config, metadata, err := entitlementDocs(e)
		if err != nil {
			return err
		}
		e.UpdatedAt = s.now()
		return s.execJournal(ctx, t, tn, catalog.Change{Type: "entitlement.updated", Kind: "entitlement", ID: id, Object: e},
			"UPDATE entitlements SET name = ?, description = ?, config = ?, metadata = ?, updated_at = ? WHERE id = ?",
			e.Name, e.Description, config, metadata, micros(e.UpdatedAt), id)
	})
	return e, wrap("UpdateEntitlement", err)
}

// DeleteEntitlement soft-deletes an entitlement: it becomes invisible, and
// products that name it no longer show it.
func (s *Store) DeleteEntitlement(ctx context.Context, tn catalog.Tenant, id string) error {
	return wrap("DeleteEntitlement", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		e, err := s.lockEntitlement(ctx, t, tn, id)
		if err != nil {
			return err
		}
		e.UpdatedAt = s.now()
		now := micros(e.UpdatedAt)
		return s.execJournal(ctx, t, tn, catalog.Change{Type: "entitlement.deleted", Kind: "entitlement", ID: id, Object: e},
			"UPDATE entitlements SET deleted = ?, deleted_at = ?, updated_at = ? WHERE id = ?", true, now, now, id)
	}))
}

func (s *Store) lockEntitlement(ctx context.Context, t *tx, tn catalog.Tenant, id string) (*catalog.Entitlement, error) {
	e, err := scanEntitlement(t.queryRow(ctx, s.lockClause("SELECT "+entitlementColumns+entitlementByID, "FOR UPDATE"), id, tn.BusinessID, string(tn.Mode), false))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.NotFound("Entitlement", id)
	}
	return e, err
}
