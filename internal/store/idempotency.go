package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
)

// IdempotencyTTL is how long a stored response answers repeats.
const IdempotencyTTL = 24 * time.Hour

// idempotencyStale is how long a request may stay in flight before a
// repeat may take its key over: longer than any request may run.
const idempotencyStale = 2 * time.Minute

// Replay is a stored response to replay.
type Replay struct {
	Status  int
	Headers string // JSON object of the headers that matter
	Body    []byte
}

// Idempotency outcomes of BeginIdempotent.
var (
	// ErrIdempotencyMismatch: the key was used with another request.
	ErrIdempotencyMismatch = catalog.Errorf(catalog.KindBadRequest, "IDEMPOTENCY_KEY_REUSED",
		"This Idempotency-Key was already used with a different request; use a new key for a new request")
	// ErrIdempotencyInFlight: a request with the key is still running.
	ErrIdempotencyInFlight = &catalog.Error{Kind: catalog.KindConflict, Code: "IDEMPOTENCY_REQUEST_IN_PROGRESS",
		Message: "A request with this Idempotency-Key is still being processed; retry shortly", Retryable: true}
)

// BeginIdempotent claims key for a request with the given fingerprint. It
// returns a stored response to replay, or nil when the caller should run
// the request and then call FinishIdempotent (or AbandonIdempotent).
func (s *Store) BeginIdempotent(ctx context.Context, tn catalog.Tenant, key, fingerprint string) (*Replay, error) {
	var replay *Replay
	err := s.write(ctx, func(t *tx) error {
		var fp string
		var done bool
		var status int
		var headers string
		var body []byte
		var created int64
		err := t.queryRow(ctx, `SELECT fingerprint, done, status, headers, body, created_at FROM idempotency_keys
			WHERE business_id = ? AND mode = ? AND key = ?`, tn.BusinessID, string(tn.Mode), key).
			Scan(&fp, &done, &status, &headers, &body, &created)
		now := s.now()
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case now.Sub(fromMicros(created)) > IdempotencyTTL || (!done && now.Sub(fromMicros(created)) > idempotencyStale):
			// Expired, or left behind by a request that never finished.
			if _, err := t.exec(ctx, "DELETE FROM idempotency_keys WHERE business_id = ? AND mode = ? AND key = ?",
				tn.BusinessID, string(tn.Mode), key); err != nil {
				return err
			}
		case fp != fingerprint:
			return ErrIdempotencyMismatch
		case !done:
			return ErrIdempotencyInFlight
		default:
			replay = &Replay{Status: status, Headers: headers, Body: body}
			return nil
		}
		_, err = t.exec(ctx, `INSERT INTO idempotency_keys (business_id, mode, key, fingerprint, done, status, headers, body, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, tn.BusinessID, string(tn.Mode), key, fingerprint, false, 0, "{}", []byte{}, micros(now))
		return err
	})
	if kind, _ := violation(err); kind == violationUnique {
		// Another server claimed the key between our read and insert.
		return nil, ErrIdempotencyInFlight
	}
	return replay, err
}

// FinishIdempotent stores the response of a claimed key.
func (s *Store) FinishIdempotent(ctx context.Context, tn catalog.Tenant, key string, r Replay) error {
	// The response is being sent whatever the client does now.
	ctx = context.WithoutCancel(ctx)
	return s.write(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `UPDATE idempotency_keys SET done = ?, status = ?, headers = ?, body = ?
			WHERE business_id = ? AND mode = ? AND key = ?`, true, r.Status, r.Headers, r.Body, tn.BusinessID, string(tn.Mode), key)
		return err
	})
}

// AbandonIdempotent releases a claimed key without a stored response, so
// a retry runs the request again (after an unexpected internal error).
func (s *Store) AbandonIdempotent(ctx context.Context, tn catalog.Tenant, key string) error {
	ctx = context.WithoutCancel(ctx)
	return s.write(ctx, func(t *tx) error {
		_, err := t.exec(ctx, "DELETE FROM idempotency_keys WHERE business_id = ? AND mode = ? AND key = ? AND done = ?",
			tn.BusinessID, string(tn.Mode), key, false)
		return err
	})
}

// PruneIdempotency deletes stored responses older than the TTL and
// reports how many it removed.
func (s *Store) PruneIdempotency(ctx context.Context) (int64, error) {
	var n int64
	err := s.write(ctx, func(t *tx) error {
		res, err := t.exec(ctx, "DELETE FROM idempotency_keys WHERE created_at < ?", micros(s.now().Add(-IdempotencyTTL)))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
