package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"strings"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
)

// UploadKeep is how long an upload nobody attached is kept: attaching
// one older than this is refused, and housekeeping removes it.
const UploadKeep = 24 * time.Hour

const uploadColumns = `id, business_id, mode, purpose, target_kind, target_id, file_name, content_type, size, sha256,
	blob_key, created_at, stored_at, attached_at`

func scanUpload(sc scanner) (*catalog.Upload, error) {
	var u catalog.Upload
	var mode string
	var created int64
	var stored, attached sql.NullInt64
	if err := sc.Scan(&u.ID, &u.Tenant.BusinessID, &mode, &u.Purpose, &u.TargetKind, &u.TargetID, &u.FileName,
		&u.ContentType, &u.Size, &u.SHA256, &u.BlobKey, &created, &stored, &attached); err != nil {
		return nil, err
	}
	u.Tenant.Mode = catalog.Mode(mode)
	u.CreatedAt, u.StoredAt, u.AttachedAt = fromMicros(created), optTime(stored), optTime(attached)
	return &u, nil
}

// imageOf returns the image id the target object names now, and
// NotFound when the tenant has no such object. ctx joins the caller's
// transaction.
func (s *Store) imageOf(ctx context.Context, tn catalog.Tenant, kind, id string) (*string, error) {
	switch kind {
	case "product":
		p, err := s.GetProduct(ctx, tn, id)
		if err != nil {
			return nil, err
		}
		return p.ImageID, nil
	case "product_collection":
		c, err := s.GetCollection(ctx, tn, id)
		if err != nil {
			return nil, err
		}
		return c.ImageID, nil
	case "addon":
		a, err := s.GetAddon(ctx, tn, id)
		if err != nil {
			return nil, err
		}
		return a.ImageID, nil
	case "brand":
		b, err := s.GetBrand(ctx, tn, id)
		if err != nil {
			return nil, err
		}
		return b.ImageID, nil
	}
	return nil, catalog.Errorf(catalog.KindInternal, catalog.Invalid, "no images for %s", kind)
}

// CreateImageUpload makes the upload an image of the object (kind, id)
// is uploaded to. Unless fresh, an object that has an image keeps its
// image id: the upload replaces that image's bytes in place. With fresh
// (force_update), or without an image, a new image id is made, which
// the object names once it is attached (PATCH image_id).
func (s *Store) CreateImageUpload(ctx context.Context, tn catalog.Tenant, kind, id string, fresh bool) (*catalog.Upload, error) {
	var up *catalog.Upload
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		current, err := s.imageOf(ctx, tn, kind, id)
		if err != nil {
			return err
		}
		if current != nil && !fresh {
			u, err := scanUpload(t.queryRow(ctx, "SELECT "+uploadColumns+" FROM uploads WHERE id = ? AND business_id = ? AND mode = ?",
				*current, tn.BusinessID, string(tn.Mode)))
			if err == nil && u.Purpose == catalog.UploadImage && u.TargetKind == kind && u.TargetID == id {
				up = u
				return nil
			}
			if err != nil && !isNoRows(err) {
				return err
			}
		}
		up, err = s.insertUpload(ctx, t, tn, catalog.UploadImage, kind, id, "")
		return err
	})
	return up, wrap("CreateImageUpload", err)
}

// CreateFileUpload makes the upload a product's digital file is
// uploaded to (the legacy delivery flow).
func (s *Store) CreateFileUpload(ctx context.Context, tn catalog.Tenant, productID, fileName string) (*catalog.Upload, error) {
	var up *catalog.Upload
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		if _, err := s.GetProduct(ctx, tn, productID); err != nil {
			return err
		}
		var err error
		up, err = s.insertUpload(ctx, t, tn, catalog.UploadFile, "product", productID, fileName)
		return err
	})
	return up, wrap("CreateFileUpload", err)
}

func (s *Store) insertUpload(ctx context.Context, t *tx, tn catalog.Tenant, purpose, kind, id, fileName string) (*catalog.Upload, error) {
	u := &catalog.Upload{ID: catalog.NewUUID(), Tenant: tn, Purpose: purpose, TargetKind: kind, TargetID: id,
		FileName: fileName, CreatedAt: s.now()}
	_, err := t.exec(ctx, `INSERT INTO uploads (id, business_id, mode, purpose, target_kind, target_id, file_name, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, u.ID, tn.BusinessID, string(tn.Mode), purpose, kind, id, fileName, micros(u.CreatedAt))
	return u, err
}

// GetUpload returns an upload by id, whatever its tenant: upload and
// download URLs name uploads without a key.
func (s *Store) GetUpload(ctx context.Context, id string) (*catalog.Upload, error) {
	u, err := scanUpload(s.db.queryRow(ctx, "SELECT "+uploadColumns+" FROM uploads WHERE id = ?", id))
	if isNoRows(err) {
		return nil, catalog.NotFound("Upload", id)
	}
	return u, wrap("GetUpload", err)
}

// StoreUpload records that an upload's bytes are in the blob store under
// key, replacing any earlier bytes of the upload; it returns the key
// those were under ("" for none), for the caller to remove once this
// committed. The blob is written before this is called, so an upload the
// database calls stored always has its bytes.
func (s *Store) StoreUpload(ctx context.Context, id, key string, size int64, contentType, sha256 string) (string, error) {
	var old string
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		err := t.queryRow(ctx, s.lockClause("SELECT blob_key FROM uploads WHERE id = ?", "FOR UPDATE"), id).Scan(&old)
		if isNoRows(err) {
			return catalog.NotFound("Upload", id)
		}
		if err != nil {
			return err
		}
		_, err = t.exec(ctx, "UPDATE uploads SET blob_key = ?, size = ?, content_type = ?, sha256 = ?, stored_at = ? WHERE id = ?",
			key, size, contentType, sha256, micros(s.now()), id)
		return err
	})
	return old, wrap("StoreUpload", err)
}

// attachUpload checks, inside a write, that id names a stored upload of
// purpose made for the object (kind, target) of the tenant and still
// kept, marks it attached and returns it; otherwise it adds a problem
// naming field and returns nil.
func (s *Store) attachUpload(ctx context.Context, t *tx, tn catalog.Tenant, pr *catalog.Problems, field, purpose, kind, target, id string) (*catalog.Upload, error) {
	u, err := scanUpload(t.queryRow(ctx, s.lockClause("SELECT "+uploadColumns+" FROM uploads WHERE id = ? AND business_id = ? AND mode = ?", "FOR UPDATE"),
		id, tn.BusinessID, string(tn.Mode)))
	switch {
	case isNoRows(err):
		pr.Add(field, "%s %s does not exist", purpose, id)
		return nil, nil
	case err != nil:
		return nil, err
	case u.Purpose != purpose || u.TargetKind != kind || u.TargetID != target:
		pr.Add(field, "%s %s was not uploaded for this object", purpose, id)
		return nil, nil
	case !u.Stored():
		pr.Add(field, "%s %s has not been uploaded", purpose, id)
		return nil, nil
	case u.AttachedAt == nil && s.now().Sub(u.CreatedAt) > UploadKeep:
		pr.Add(field, "%s %s has expired: attach uploads within %s", purpose, id, UploadKeep)
		return nil, nil
	case u.AttachedAt != nil:
		return u, nil
	}
	_, err = t.exec(ctx, "UPDATE uploads SET attached_at = ? WHERE id = ?", micros(s.now()), id)
	return u, err
}

// swapImage attaches the image an object names after a change (now), if
// it changed (see attachUpload), and detaches the one it named before
// (was), which housekeeping then removes.
func (s *Store) swapImage(ctx context.Context, t *tx, tn catalog.Tenant, pr *catalog.Problems, kind, target string, was, now *string) error {
	if was != nil && now != nil && *was == *now {
		return nil
	}
	if now != nil {
		if _, err := s.attachUpload(ctx, t, tn, pr, "image_id", catalog.UploadImage, kind, target, *now); err != nil {
			return err
		}
	}
	if was != nil {
		return s.detachUploads(ctx, t, tn, *was)
	}
	return nil
}

// detachUploads marks uploads no object names any more; housekeeping
// removes them (rows, then blobs) once they are older than UploadKeep.
func (s *Store) detachUploads(ctx context.Context, t *tx, tn catalog.Tenant, ids ...string) error {
	for _, id := range ids {
		if _, err := t.exec(ctx, "UPDATE uploads SET attached_at = NULL WHERE id = ? AND business_id = ? AND mode = ?",
			id, tn.BusinessID, string(tn.Mode)); err != nil {
			return err
		}
	}
	return nil
}

// PruneUploads removes the uploads never attached that were made before
// cutoff, and returns them, so that the caller removes their blobs after
// the rows are gone (a blob without its row is garbage; a row without
// its blob would be a broken image). One server at a time on PostgreSQL.
func (s *Store) PruneUploads(ctx context.Context, cutoff time.Time) ([]catalog.UploadPurge, error) {
	var gone []catalog.UploadPurge
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		gone = gone[:0]
		if s.engine == Postgres {
			var got bool
			if err := t.queryRow(ctx, "SELECT pg_try_advisory_xact_lock(?)", housekeepingLock).Scan(&got); err != nil || !got {
				return err
			}
		}
		rows, err := t.query(ctx, "DELETE FROM uploads WHERE attached_at IS NULL AND created_at < ? RETURNING id, blob_key", micros(cutoff))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p catalog.UploadPurge
			if err := rows.Scan(&p.ID, &p.BlobKey); err != nil {
				return err
			}
			gone = append(gone, p)
		}
		return rows.Err()
	})
	return gone, wrap("PruneUploads", err)
}

// UploadSecret returns the key upload and download URLs are signed
// with, made on first use and kept in the database, so that every server
// over one database signs and verifies alike.
func (s *Store) UploadSecret(ctx context.Context) ([]byte, error) {
	var secret []byte
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		fresh := make([]byte, 32)
		if _, err := rand.Read(fresh); err != nil {
			return err
		}
		if _, err := t.exec(ctx, "INSERT INTO server_secrets (name, value) VALUES ('uploads', ?) ON CONFLICT (name) DO NOTHING", fresh); err != nil {
			return err
		}
		return t.queryRow(ctx, "SELECT value FROM server_secrets WHERE name = 'uploads'").Scan(&secret)
	})
	return secret, wrap("UploadSecret", err)
}

// setProductFiles makes the files of p's digital delivery those ids name,
// in their order: files it had stay, new ones must be uploads of files
// for p (attachUpload), and dropped ones are detached.
func (s *Store) setProductFiles(ctx context.Context, t *tx, tn catalog.Tenant, pr *catalog.Problems, p *catalog.Product, had []catalog.FileRef, ids []string) error {
	const field = "digital_product_delivery.files"
	if len(ids) > catalog.MaxProductFiles {
		pr.Add(field, "a product has at most %d files", catalog.MaxProductFiles)
		return nil
	}
	old := map[string]catalog.FileRef{}
	for _, f := range had {
		old[f.ID] = f
	}
	seen := map[string]bool{}
	files := make([]catalog.FileRef, 0, len(ids))
	for _, id := range ids {
		if seen[id] {
			pr.Add(field, "file %s is named twice", id)
			return nil
		}
		seen[id] = true
		if f, ok := old[id]; ok {
			files = append(files, f)
			continue
		}
		u, err := s.attachUpload(ctx, t, tn, pr, field, catalog.UploadFile, "product", p.ID, id)
		if err != nil || u == nil {
			return err
		}
		files = append(files, catalog.FileRef{ID: u.ID, Name: u.FileName, ContentType: u.ContentType, Size: u.Size})
	}
	p.DigitalDelivery.Files = files
	return s.detachUploads(ctx, t, tn, droppedFiles(had, files)...)
}

// BlobKeysInUse reports which of keys an upload row names: the others
// are blobs nothing will read (their row was removed, or their bytes
// replaced, and the blob's removal did not happen), for the orphan sweep.
func (s *Store) BlobKeysInUse(ctx context.Context, keys []string) (map[string]bool, error) {
	used := map[string]bool{}
	if len(keys) == 0 {
		return used, nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	rows, err := s.db.query(ctx, "SELECT blob_key FROM uploads WHERE blob_key IN (?"+strings.Repeat(", ?", len(keys)-1)+")", args...)
	if err != nil {
		return nil, wrap("BlobKeysInUse", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, wrap("BlobKeysInUse", err)
		}
		used[k] = true
	}
	return used, wrap("BlobKeysInUse", rows.Err())
}
