package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/pricebook/pricebook/internal/catalog"
)

const shortLinkColumns = `id, business_id, mode, product_id, slug, params, created_at`

func scanShortLink(sc scanner) (*catalog.ShortLink, error) {
	var l catalog.ShortLink
	var mode, params string
	var created int64
	if err := sc.Scan(&l.ID, &l.BusinessID, &mode, &l.ProductID, &l.Slug, &params, &created); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(params), &l.Params); err != nil {
		return nil, fmt.Errorf("store: short link %s: %w", l.ID, err)
	}
	l.Mode, l.CreatedAt = catalog.Mode(mode), fromMicros(created)
	return &l, nil
}

// canonicalParams is the stored form of static checkout parameters: JSON
// with its keys in order, so that equal parameters are equal text.
func canonicalParams(p map[string]string) (string, error) {
	if p == nil {
		p = map[string]string{}
	}
	b, err := json.Marshal(p) // encoding/json sorts map keys
	return string(b), err
}

// CreateShortLink validates l and stores it for an active product of the
// tenant. A slug names one short link per tenant: a unique index decides
// between concurrent creates, and the losers get SlugTaken (a conflict).
func (s *Store) CreateShortLink(ctx context.Context, tn catalog.Tenant, l *catalog.ShortLink) error {
	if l.Params == nil {
		l.Params = map[string]string{}
	}
	var pr catalog.Problems
	l.Validate(&pr)
	if err := pr.Err(); err != nil {
		return err
	}
	params, err := canonicalParams(l.Params)
	if err != nil {
		return wrap("CreateShortLink", err)
	}
	now := s.nowIn(ctx, tn)
	l.ID, l.BusinessID, l.Mode, l.CreatedAt = s.NewID("psl_"), tn.BusinessID, tn.Mode, now
	created, err := s.prerendered(ctx, tn, catalog.Change{Type: "short_link.created", Kind: "short_link", ID: l.ID, Object: l})
	if err != nil {
		return wrap("CreateShortLink", err)
	}
	err = s.db.write(ctx, func(ctx context.Context, t *tx) error {
		// The product's row is shared-locked so an archive cannot slip in
		// between the check and the insert.
		var archived bool
		err := t.queryRow(ctx, s.lockClause("SELECT archived FROM products WHERE id = ? AND business_id = ? AND mode = ?", "FOR SHARE"),
			l.ProductID, tn.BusinessID, string(tn.Mode)).Scan(&archived)
		if errors.Is(err, sql.ErrNoRows) {
			return catalog.NotFound("Product", l.ProductID)
		}
		if err != nil {
			return err
		}
		if archived {
			return catalog.Errorf(catalog.KindGone, catalog.ProductArchived, "Product %s is archived; unarchive it before creating a short link", l.ProductID)
		}
		return s.execJournal(ctx, t, tn, created,
			`INSERT INTO short_links (id, business_id, mode, product_id, slug, params, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			l.ID, tn.BusinessID, string(tn.Mode), l.ProductID, l.Slug, params, micros(now), micros(now))
	})
	if kind, name := violation(err); kind == violationUnique && strings.Contains(name, "slug") {
		return catalog.Errorf(catalog.KindConflict, catalog.SlugTaken, "slug: the slug %s is already taken", l.Slug)
	}
	return wrap("CreateShortLink", err)
}

// ListShortLinks returns one page of the tenant's short links, newest
// first, of one product when the filter names it.
func (s *Store) ListShortLinks(ctx context.Context, tn catalog.Tenant, f catalog.ShortLinkFilter) (catalog.List[*catalog.ShortLink], error) {
	l := listQuery{args: []any{tn.BusinessID, string(tn.Mode)}}
	if f.ProductID != "" {
		l.cond("product_id = ?", f.ProductID)
	}
	return list(ctx, s, &l, listOf{selectFrom: "SELECT " + shortLinkColumns + " FROM short_links WHERE business_id = ? AND mode = ?",
		countFrom: "SELECT COUNT(*) FROM short_links WHERE business_id = ? AND mode = ?", created: "created_at", id: "id"}, f.Page, scanShortLink)
}

// GetShortLinkBySlug returns the tenant's short link with the slug (the
// public short URL names the tenant and the slug).
func (s *Store) GetShortLinkBySlug(ctx context.Context, tn catalog.Tenant, slug string) (*catalog.ShortLink, error) {
	l, err := scanShortLink(s.db.queryRow(ctx, "SELECT "+shortLinkColumns+" FROM short_links WHERE business_id = ? AND mode = ? AND slug = ?",
		tn.BusinessID, string(tn.Mode), slug))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.NotFound("Short link", slug)
	}
	return l, wrap("GetShortLinkBySlug", err)
}

// StaticCheckout returns the product of a static checkout URL and the
// short link it was made for: only a (product, parameters) pair some short
// link names has a checkout page, so a URL edited to another product or
// other parameters is NotFound. The product may be archived.
func (s *Store) StaticCheckout(ctx context.Context, productID string, params map[string]string) (*catalog.ShortLink, *catalog.Product, error) {
	text, err := canonicalParams(params)
	if err != nil {
		return nil, nil, wrap("StaticCheckout", err)
	}
	l, err := scanShortLink(s.db.queryRow(ctx, "SELECT "+shortLinkColumns+" FROM short_links WHERE product_id = ? AND params = ? ORDER BY created_at, id LIMIT 1",
		productID, text))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, catalog.NotFound("Checkout", productID)
	}
	if err != nil {
		return nil, nil, wrap("StaticCheckout", err)
	}
	p, err := s.GetProduct(ctx, catalog.Tenant{BusinessID: l.BusinessID, Mode: l.Mode}, productID)
	if err != nil {
		return nil, nil, err
	}
	return l, p, nil
}
