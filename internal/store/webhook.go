package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/pricebook/pricebook/internal/catalog"
)

const webhookColumns = `id, business_id, url, description, filter_types, rate_limit, disabled, metadata, headers, secret, previous_secret, previous_secret_expires_at, created_at, updated_at`

const webhookByID = " FROM webhook_endpoints WHERE id = ? AND business_id = ? AND mode = ? AND deleted_at IS NULL"

func scanWebhook(sc scanner) (*catalog.WebhookEndpoint, error) {
	var w catalog.WebhookEndpoint
	var filter sql.NullString
	var rate, previousExpires sql.NullInt64
	var metadata, headers string
	var created, updated int64
	if err := sc.Scan(&w.ID, &w.BusinessID, &w.URL, &w.Description, &filter, &rate, &w.Disabled, &metadata, &headers,
		&w.Secret, &w.PreviousSecret, &previousExpires, &created, &updated); err != nil {
		return nil, err
	}
	if filter.Valid {
		if err := json.Unmarshal([]byte(filter.String), &w.FilterTypes); err != nil {
			return nil, err
		}
	}
	if rate.Valid {
		n := int(rate.Int64)
		w.RateLimit = &n
	}
	if err := json.Unmarshal([]byte(metadata), &w.Metadata); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(headers), &w.Headers); err != nil {
		return nil, err
	}
	if previousExpires.Valid {
		t := fromMicros(previousExpires.Int64)
		w.PreviousSecretExpiresAt = &t
	}
	w.CreatedAt, w.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &w, nil
}

// webhookRow is the stored form of an endpoint's columns that are not
// plain values.
type webhookRow struct {
	filter            *string
	rate              *int64
	metadata, headers string
}

func webhookRowOf(w *catalog.WebhookEndpoint) (webhookRow, error) {
	var r webhookRow
	if w.FilterTypes != nil {
		b, err := json.Marshal(w.FilterTypes)
		if err != nil {
			return r, err
		}
		s := string(b)
		r.filter = &s
	}
	if w.RateLimit != nil {
		n := int64(*w.RateLimit)
		r.rate = &n
	}
	m, err := json.Marshal(nonNilMap(w.Metadata))
	if err != nil {
		return r, err
	}
	h, err := json.Marshal(nonNilMap(w.Headers))
	r.metadata, r.headers = string(m), string(h)
	return r, err
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// validateWebhook checks w's field rules and, under the server's policy
// for the tenant's mode, that its URL names no private address.
func (s *Store) validateWebhook(tn catalog.Tenant, w *catalog.WebhookEndpoint) error {
	var pr catalog.Problems
	w.Validate(&pr)
	if pr.Empty() && !s.privateURLs.Allows(tn.Mode) {
		catalog.CheckWebhookAddress(&pr, "url", w.URL)
	}
	return pr.Err()
}

// CreateWebhookEndpoint validates w and stores it in the tenant with a
// new signing secret, filling its server-side fields.
func (s *Store) CreateWebhookEndpoint(ctx context.Context, tn catalog.Tenant, w *catalog.WebhookEndpoint) error {
	if len(w.FilterTypes) == 0 {
		w.FilterTypes = nil // no filter: every event type
	}
	w.Metadata, w.Headers = nonNilMap(w.Metadata), nonNilMap(w.Headers)
	if err := s.validateWebhook(tn, w); err != nil {
		return err
	}
	row, err := webhookRowOf(w)
	if err != nil {
		return wrap("CreateWebhookEndpoint", err)
	}
	now := s.nowIn(ctx, tn)
	w.ID, w.BusinessID, w.Secret, w.CreatedAt, w.UpdatedAt = s.NewID("whk_"), tn.BusinessID, catalog.NewWebhookSecret(), now, now
	return wrap("CreateWebhookEndpoint", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		return s.execJournal(ctx, t, tn, catalog.Change{Type: "webhook_endpoint.created", Kind: "webhook_endpoint", ID: w.ID, Object: w},
			`INSERT INTO webhook_endpoints (id, business_id, mode, url, description, filter_types, rate_limit, disabled,
			metadata, headers, secret, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			w.ID, tn.BusinessID, string(tn.Mode), w.URL, w.Description, row.filter, row.rate, w.Disabled,
			row.metadata, row.headers, w.Secret, micros(now), micros(now))
	}))
}

// GetWebhookEndpoint returns an endpoint of the tenant, secret included.
func (s *Store) GetWebhookEndpoint(ctx context.Context, tn catalog.Tenant, id string) (*catalog.WebhookEndpoint, error) {
	w, err := scanWebhook(s.db.queryRow(ctx, "SELECT "+webhookColumns+webhookByID, id, tn.BusinessID, string(tn.Mode)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.NotFound("Webhook", id)
	}
	return w, wrap("GetWebhookEndpoint", err)
}

// ListWebhookEndpoints returns one page of the tenant's endpoints, newest
// first.
func (s *Store) ListWebhookEndpoints(ctx context.Context, tn catalog.Tenant, f catalog.WebhookEndpointFilter) (catalog.List[*catalog.WebhookEndpoint], error) {
	l := listQuery{args: []any{tn.BusinessID, string(tn.Mode)}}
	const where = " FROM webhook_endpoints WHERE business_id = ? AND mode = ? AND deleted_at IS NULL"
	out, err := list(ctx, s, &l, listOf{selectFrom: "SELECT " + webhookColumns + where, countFrom: "SELECT COUNT(*)" + where,
		created: "created_at", id: "id"}, f.Page, scanWebhook)
	return out, wrap("ListWebhookEndpoints", err)
}

// UpdateWebhookEndpoint applies a partial update (the endpoint's fields
// or its headers), validating the merged endpoint, and returns the
// endpoint as stored.
func (s *Store) UpdateWebhookEndpoint(ctx context.Context, tn catalog.Tenant, id string, u *catalog.WebhookEndpointPatch) (*catalog.WebhookEndpoint, error) {
	var w *catalog.WebhookEndpoint
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		var err error
		if w, err = s.lockWebhook(ctx, t, tn, id); err != nil {
			return err
		}
		u.Apply(w)
		if err := s.validateWebhook(tn, w); err != nil {
			return err
		}
		row, err := webhookRowOf(w)
		if err != nil {
			return err
		}
		w.UpdatedAt = s.nowIn(ctx, tn)
		return s.execJournal(ctx, t, tn, catalog.Change{Type: "webhook_endpoint.updated", Kind: "webhook_endpoint", ID: id, Object: w},
			`UPDATE webhook_endpoints SET url = ?, description = ?, filter_types = ?, rate_limit = ?, disabled = ?,
			metadata = ?, headers = ?, updated_at = ? WHERE id = ?`,
			w.URL, w.Description, row.filter, row.rate, w.Disabled, row.metadata, row.headers, micros(w.UpdatedAt), id)
	})
	return w, wrap("UpdateWebhookEndpoint", err)
}

// DeleteWebhookEndpoint deletes an endpoint: it is gone for the API, and
// its row stays for the deliveries that name it.
func (s *Store) DeleteWebhookEndpoint(ctx context.Context, tn catalog.Tenant, id string) error {
	return wrap("DeleteWebhookEndpoint", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		w, err := s.lockWebhook(ctx, t, tn, id)
		if err != nil {
			return err
		}
		w.UpdatedAt = s.nowIn(ctx, tn)
		now := micros(w.UpdatedAt)
		return s.execJournal(ctx, t, tn, catalog.Change{Type: "webhook_endpoint.deleted", Kind: "webhook_endpoint", ID: id, Object: w},
			"UPDATE webhook_endpoints SET deleted_at = ?, updated_at = ? WHERE id = ?", now, now, id)
	}))
}

// RotateWebhookSecret gives an endpoint a new signing secret; the one it
// had keeps signing deliveries next to it for catalog.RotatedSecretValidity.
// The journal records who rotated it (never a secret).
func (s *Store) RotateWebhookSecret(ctx context.Context, tn catalog.Tenant, id string) (*catalog.WebhookEndpoint, error) {
	var w *catalog.WebhookEndpoint
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		var err error
		if w, err = s.lockWebhook(ctx, t, tn, id); err != nil {
			return err
		}
		now := s.nowIn(ctx, tn)
		expires := now.Add(catalog.RotatedSecretValidity)
		w.PreviousSecret, w.PreviousSecretExpiresAt, w.Secret, w.UpdatedAt = w.Secret, &expires, catalog.NewWebhookSecret(), now
		return s.execJournal(ctx, t, tn, catalog.Change{Type: "webhook_endpoint.updated", Kind: "webhook_endpoint", ID: id,
			Detail: "secret.rotated", Object: w},
			"UPDATE webhook_endpoints SET secret = ?, previous_secret = ?, previous_secret_expires_at = ?, updated_at = ? WHERE id = ?",
			w.Secret, w.PreviousSecret, micros(expires), micros(now), id)
	})
	return w, wrap("RotateWebhookSecret", err)
}

func (s *Store) lockWebhook(ctx context.Context, t *tx, tn catalog.Tenant, id string) (*catalog.WebhookEndpoint, error) {
	w, err := scanWebhook(t.queryRow(ctx, s.lockClause("SELECT "+webhookColumns+webhookByID, "FOR UPDATE"), id, tn.BusinessID, string(tn.Mode)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.NotFound("Webhook", id)
	}
	return w, err
}
