package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/pricebook/pricebook/internal/catalog"
)

// brandDoc is the stored form of a brand's fields (brands.doc); the keys
// createBusiness writes for the primary brand are a subset.
type brandDoc struct {
	Name                *string `json:"name"`
	Description         *string `json:"description,omitempty"`
	StatementDescriptor string  `json:"statement_descriptor"`
	SupportEmail        *string `json:"support_email,omitempty"`
	URL                 *string `json:"url,omitempty"`
	ImageID             *string `json:"image_id,omitempty"`
	ReasonForHold       *string `json:"reason_for_hold,omitempty"`
	Enabled             bool    `json:"enabled"`
	VerificationEnabled bool    `json:"verification_enabled"`
	VerificationStatus  string  `json:"verification_status"`
}

const brandColumns = "id, business_id, is_primary, doc, archived_at, created_at, updated_at"

func scanBrand(sc scanner) (*catalog.Brand, error) {
	var b catalog.Brand
	var doc string
	var archived sql.NullInt64
	var created, updated int64
	if err := sc.Scan(&b.ID, &b.BusinessID, &b.Primary, &doc, &archived, &created, &updated); err != nil {
		return nil, err
	}
	var d brandDoc
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return nil, fmt.Errorf("store: brand %s: %w", b.ID, err)
	}
	b.Name, b.Description, b.StatementDescriptor = d.Name, d.Description, d.StatementDescriptor
	b.SupportEmail, b.URL, b.ImageID, b.ReasonForHold = d.SupportEmail, d.URL, d.ImageID, d.ReasonForHold
	b.Enabled, b.VerificationEnabled, b.VerificationStatus = d.Enabled, d.VerificationEnabled, d.VerificationStatus
	if archived.Valid {
		at := fromMicros(archived.Int64)
		b.ArchivedAt = &at
	}
	b.CreatedAt, b.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &b, nil
}

func brandDocOf(b *catalog.Brand) (string, error) {
	doc, err := json.Marshal(brandDoc{Name: b.Name, Description: b.Description, StatementDescriptor: b.StatementDescriptor,
		SupportEmail: b.SupportEmail, URL: b.URL, ImageID: b.ImageID, ReasonForHold: b.ReasonForHold,
		Enabled: b.Enabled, VerificationEnabled: b.VerificationEnabled, VerificationStatus: b.VerificationStatus})
	return string(doc), err
}

// CreateBrand adds a brand to the tenant. It starts enabled and in
// verification review; without a statement descriptor one is derived from
// the brand's name, or the business's.
func (s *Store) CreateBrand(ctx context.Context, tn catalog.Tenant, u *catalog.BrandPatch) (*catalog.Brand, error) {
	if err := s.validateBrandPatch(ctx, nil, tn, nil, u); err != nil {
		return nil, err
	}
	now := s.nowIn(ctx, tn)
	b := &catalog.Brand{ID: s.NewID("brnd_"), BusinessID: tn.BusinessID, Enabled: true, VerificationEnabled: true,
		VerificationStatus: catalog.VerificationReview, CreatedAt: now, UpdatedAt: now}
	u.Apply(b)
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		if b.StatementDescriptor == "" {
			name := ""
			if b.Name != nil {
				name = *b.Name
			} else if err := t.queryRow(ctx, "SELECT name FROM businesses WHERE id = ?", tn.BusinessID).Scan(&name); err != nil {
				return err
			}
			b.StatementDescriptor = derivedDescriptor(name)
		}
		doc, err := brandDocOf(b)
		if err != nil {
			return err
		}
		return s.execJournal(ctx, t, tn, catalog.Change{Type: "brand.created", Kind: "brand", ID: b.ID, Object: b},
			`INSERT INTO brands (business_id, mode, id, is_primary, doc, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, tn.BusinessID, string(tn.Mode), b.ID, false, doc, micros(now), micros(now))
	})
	if err != nil {
		return nil, wrap("CreateBrand", err)
	}
	return b, nil
}

// validateBrandPatch checks the fields; an image id must name an image
// uploaded for the brand b (nil for a brand being created, which has
// none yet).
func (s *Store) validateBrandPatch(ctx context.Context, t *tx, tn catalog.Tenant, b *catalog.Brand, u *catalog.BrandPatch) error {
	var pr catalog.Problems
	u.Validate(&pr)
	if u.ImageID != nil {
		if b == nil {
			pr.Add("image_id", "image %s does not exist", *u.ImageID)
		} else if err := s.swapImage(ctx, t, tn, &pr, "brand", b.ID, b.ImageID, u.ImageID); err != nil {
			return err
		}
	}
	return pr.Err()
}

// derivedDescriptor is a valid statement descriptor made from a name.
func derivedDescriptor(name string) string {
	d := statementDescriptor(name)
	var pr catalog.Problems
	(&catalog.BrandPatch{StatementDescriptor: &d}).Validate(&pr)
	if !pr.Empty() {
		return "PRICEBOOK"
	}
	return d
}

// GetBrand returns a brand of the tenant, archived or not.
func (s *Store) GetBrand(ctx context.Context, tn catalog.Tenant, id string) (*catalog.Brand, error) {
	b, err := scanBrand(s.db.queryRow(ctx, "SELECT "+brandColumns+" FROM brands WHERE business_id = ? AND mode = ? AND id = ?",
		tn.BusinessID, string(tn.Mode), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.NotFound("Brand", id)
	}
	return b, wrap("GetBrand", err)
}

// ListBrands returns the tenant's brands, the primary first, then oldest
// first; archived ones only when asked.
// The one list not newest first: the vendor lists brands in this order,
// and whole (a business has few).
func (s *Store) ListBrands(ctx context.Context, tn catalog.Tenant, f catalog.BrandFilter) (catalog.List[*catalog.Brand], error) {
	q := "SELECT " + brandColumns + " FROM brands WHERE business_id = ? AND mode = ?"
	if !f.IncludeArchived {
		q += " AND archived_at IS NULL"
	}
	rows, err := s.db.query(ctx, q+" ORDER BY is_primary DESC, created_at, id", tn.BusinessID, string(tn.Mode))
	if err != nil {
		return catalog.List[*catalog.Brand]{}, err
	}
	defer rows.Close()
	return scanPage(rows, catalog.Page{Size: catalog.AllRows}, scanBrand)
}

// UpdateBrand edits a brand. The primary brand is read-only (it mirrors
// the business), and an archived brand can no longer change.
func (s *Store) UpdateBrand(ctx context.Context, tn catalog.Tenant, id string, u *catalog.BrandPatch) (*catalog.Brand, error) {
	var b *catalog.Brand
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		locked, err := s.lockBrands(ctx, t, tn, id)
		if err != nil {
			return err
		}
		if b = locked[id]; b == nil {
			return catalog.NotFound("Brand", id)
		}
		if b.Primary {
			return errPrimaryBrand(id)
		}
		if b.ArchivedAt != nil {
			return catalog.Errorf(catalog.KindInvalid, catalog.BrandArchived, "Brand %s is archived and can no longer be edited", id)
		}
		if err := s.validateBrandPatch(ctx, t, tn, b, u); err != nil {
			return err
		}
		u.Apply(b)
		b.UpdatedAt = s.nowIn(ctx, tn)
		doc, err := brandDocOf(b)
		if err != nil {
			return err
		}
		return s.execJournal(ctx, t, tn, catalog.Change{Type: "brand.updated", Kind: "brand", ID: id, Object: b},
			"UPDATE brands SET doc = ?, updated_at = ? WHERE business_id = ? AND mode = ? AND id = ?",
			doc, micros(b.UpdatedAt), tn.BusinessID, string(tn.Mode), id)
	})
	if err != nil {
		return nil, wrap("UpdateBrand", err)
	}
	return b, nil
}

func errPrimaryBrand(id string) error {
	return catalog.Errorf(catalog.KindForbidden, catalog.PrimaryBrandLocked,
		"Brand %s is the primary brand of the business; it cannot be edited or archived", id)
}

// lockBrands loads the named brands of the tenant inside t, locking their
// rows on PostgreSQL in id order, so two transactions locking overlapping
// sets never deadlock. The lock is FOR NO KEY UPDATE: it excludes other
// brand writes but not the foreign-key checks of product and collection
// writes. Missing brands are absent from the map.
func (s *Store) lockBrands(ctx context.Context, t *tx, tn catalog.Tenant, ids ...string) (map[string]*catalog.Brand, error) {
	q := "SELECT " + brandColumns + " FROM brands WHERE business_id = ? AND mode = ? AND id IN (?"
	args := []any{tn.BusinessID, string(tn.Mode), ids[0]}
	for _, id := range ids[1:] {
		q += ", ?"
		args = append(args, id)
	}
	q += ") ORDER BY id"
	q = s.lockClause(q, "FOR NO KEY UPDATE")
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]*catalog.Brand{}
	for rows.Next() {
		b, err := scanBrand(rows)
		if err != nil {
			return nil, err
		}
		out[b.ID] = b
	}
	return out, rows.Err()
}
