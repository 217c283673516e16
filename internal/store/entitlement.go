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
	if e.IntegrationType == "digital_files" {
		// A new entitlement has no files yet: every id names none.
		e.Config.Files = nil
		e.Config.KeepFiles(&pr, "integration_config.digital_file_ids")
	}
	if err := pr.Err(); err != nil {
		return err
	}
	config, metadata, err := entitlementDocs(e)
	if err != nil {
		return wrap("CreateEntitlement", err)
	}
	now := s.nowIn(ctx, tn)
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
		files := e.Config.Files
		u.Apply(e)
		var pr catalog.Problems
		e.Validate(&pr)
		if e.IntegrationType == "digital_files" {
			e.Config.KeepFiles(&pr, "integration_config.digital_file_ids")
		}
		if err := pr.Err(); err != nil {
			return err
		}
		if err := s.detachUploads(ctx, t, tn, droppedFiles(files, e.Config.Files)...); err != nil {
			return err
		}
		config, metadata, err := entitlementDocs(e)
		if err != nil {
			return err
		}
		e.UpdatedAt = s.nowIn(ctx, tn)
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
		e.UpdatedAt = s.nowIn(ctx, tn)
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

// droppedFiles returns the ids of was that now lacks.
func droppedFiles(was, now []catalog.FileRef) []string {
	kept := map[string]bool{}
	for _, f := range now {
		kept[f.ID] = true
	}
	var out []string
	for _, f := range was {
		if !kept[f.ID] {
			out = append(out, f.ID)
		}
	}
	return out
}

// notDigitalFiles refuses a file operation on another kind of entitlement.
func notDigitalFiles(e *catalog.Entitlement) error {
	return catalog.Errorf(catalog.KindInvalid, catalog.NotDigitalFiles,
		"Entitlement %s is a %s entitlement: files belong to digital_files entitlements", e.ID, e.IntegrationType)
}

// CheckFileTarget returns the entitlement a file is about to be uploaded
// to, refusing one that is not digital_files or is full, before the bytes
// are read. AddEntitlementFile checks again in its transaction.
func (s *Store) CheckFileTarget(ctx context.Context, tn catalog.Tenant, id string) (*catalog.Entitlement, error) {
	e, err := s.GetEntitlement(ctx, tn, id)
	if err != nil {
		return nil, err
	}
	return e, fileTargetError(e)
}

func fileTargetError(e *catalog.Entitlement) error {
	if e.IntegrationType != "digital_files" {
		return notDigitalFiles(e)
	}
	if len(e.Config.DigitalFileIDs) >= catalog.MaxEntitlementFiles {
		return catalog.Errorf(catalog.KindInvalid, catalog.Invalid, "Entitlement %s has %d files, the most it may have", e.ID, catalog.MaxEntitlementFiles)
	}
	return nil
}

// AddEntitlementFile records a file whose bytes are already in the blob
// store under up.BlobKey as an upload attached to the entitlement, and
// appends it to digital_file_ids. The entitlement's event carries it.
func (s *Store) AddEntitlementFile(ctx context.Context, tn catalog.Tenant, id string, up *catalog.Upload) (*catalog.Entitlement, error) {
	var e *catalog.Entitlement
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		var err error
		if e, err = s.lockEntitlement(ctx, t, tn, id); err != nil {
			return err
		}
		if err := fileTargetError(e); err != nil {
			return err
		}
		now := s.nowIn(ctx, tn)
		up.Tenant, up.Purpose, up.TargetKind, up.TargetID, up.CreatedAt = tn, catalog.UploadFile, "entitlement", id, now
		if _, err := t.exec(ctx, `INSERT INTO uploads (id, business_id, mode, purpose, target_kind, target_id, file_name, content_type,
			size, sha256, blob_key, created_at, stored_at, attached_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			up.ID, tn.BusinessID, string(tn.Mode), up.Purpose, up.TargetKind, id, up.FileName, up.ContentType,
			up.Size, up.SHA256, up.BlobKey, micros(now), micros(now), micros(now)); err != nil {
			return err
		}
		e.Config.DigitalFileIDs = append(e.Config.DigitalFileIDs, up.ID)
		e.Config.Files = append(e.Config.Files, catalog.FileRef{ID: up.ID, Name: up.FileName, ContentType: up.ContentType, Size: up.Size})
		return s.saveEntitlementConfig(ctx, t, tn, e)
	})
	return e, wrap("AddEntitlementFile", err)
}

// DeleteEntitlementFile removes a file from a digital_files entitlement;
// its upload is detached, and housekeeping removes it.
func (s *Store) DeleteEntitlementFile(ctx context.Context, tn catalog.Tenant, id, fileID string) error {
	return wrap("DeleteEntitlementFile", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		e, err := s.lockEntitlement(ctx, t, tn, id)
		if err != nil {
			return err
		}
		if e.IntegrationType != "digital_files" {
			return notDigitalFiles(e)
		}
		var ids []string
		var files []catalog.FileRef
		for _, f := range e.Config.Files {
			if f.ID != fileID {
				ids, files = append(ids, f.ID), append(files, f)
			}
		}
		if len(files) == len(e.Config.Files) {
			return catalog.NotFound("File", fileID)
		}
		if ids == nil {
			ids = []string{}
		}
		e.Config.DigitalFileIDs, e.Config.Files = ids, files
		if err := s.detachUploads(ctx, t, tn, fileID); err != nil {
			return err
		}
		return s.saveEntitlementConfig(ctx, t, tn, e)
	}))
}

// saveEntitlementConfig writes e's config and records entitlement.updated.
func (s *Store) saveEntitlementConfig(ctx context.Context, t *tx, tn catalog.Tenant, e *catalog.Entitlement) error {
	config, _, err := entitlementDocs(e)
	if err != nil {
		return err
	}
	e.UpdatedAt = s.nowIn(ctx, tn)
	return s.execJournal(ctx, t, tn, catalog.Change{Type: "entitlement.updated", Kind: "entitlement", ID: e.ID, Object: e},
		"UPDATE entitlements SET config = ?, updated_at = ? WHERE id = ?", config, micros(e.UpdatedAt), e.ID)
}
