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
	ErrIdempotencyMismatch = errors.New("store: idempotency key used with a different request")
	// ErrIdempotencyInFlight: a request with the key is still running.
	ErrIdempotencyInFlight = errors.New("store: idempotency key in flight")
)

// Claim is a key claimed by BeginIdempotent for one request.
type Claim struct {
	tn  catalog.Tenant
	key string
	at  int64 // the claim's created_at: a key taken over gets another
}

// BeginIdempotent claims key for a request with the given fingerprint. It
// returns a stored response to replay, or a claim under which the caller
// runs the request with RunIdempotent (or AbandonIdempotent).
func (s *Store) BeginIdempotent(ctx context.Context, tn catalog.Tenant, key, fingerprint string) (*Replay, Claim, error) {
	var replay *Replay
	claim := Claim{tn: tn, key: key}
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		var fp string
		var done bool
		var status int
		var headers string
		var body []byte
		var created int64
		err := t.queryRow(ctx, `SELECT fingerprint, done, status, headers, body, created_at FROM idempotency_keys
			WHERE business_id = ? AND mode = ? AND key = ?`, tn.BusinessID, string(tn.Mode), key).
			Scan(&fp, &done, &status, &headers, &body, &created)
		now := s.nowIn(ctx, tn)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case now.Sub(fromMicros(created)) > IdempotencyTTL || (!done && now.Sub(fromMicros(created)) > idempotencyStale):
			// Expired, or left behind by a request that never finished
			// (whose writes, committed only with its response, never
			// happened). Only the row as read goes: a request finishing
			// meanwhile keeps its response.
			n, err := rowsAffected(t.exec(ctx, "DELETE FROM idempotency_keys WHERE business_id = ? AND mode = ? AND key = ? AND created_at = ? AND done = ?",
				tn.BusinessID, string(tn.Mode), key, created, done))
			if err != nil {
				return err
			}
			if n == 0 {
				return ErrIdempotencyInFlight
			}
		case fp != fingerprint:
			return ErrIdempotencyMismatch
		case !done:
			return ErrIdempotencyInFlight
		default:
			replay = &Replay{Status: status, Headers: headers, Body: body}
			return nil
		}
		claim.at = micros(now)
		_, err = t.exec(ctx, `INSERT INTO idempotency_keys (business_id, mode, key, fingerprint, done, status, headers, body, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, tn.BusinessID, string(tn.Mode), key, fingerprint, false, 0, "{}", []byte{}, claim.at)
		return err
	})
	if kind, _ := violation(err); kind == violationUnique {
		// Another server claimed the key between our read and insert.
		return nil, Claim{}, ErrIdempotencyInFlight
	}
	return replay, claim, err
}

// RunIdempotent runs a claimed request as one unit: run executes the
// request (every store call made with the context it gets joins the unit)
// and returns its response, which is stored in the same transaction, so
// the request's writes and its stored response commit together or not at
// all. An error from run (ErrNotStored for a response that must not be
// replayed) rolls everything back; the caller then abandons the claim. A
// claim that another request took over meanwhile (it was stale) fails
// with ErrIdempotencyInFlight and writes nothing.
func (s *Store) RunIdempotent(ctx context.Context, c Claim, run func(ctx context.Context) (Replay, error)) error {
	var r Replay
	return s.db.inUnit(ctx, func(ctx context.Context) error {
		var err error
		r, err = run(ctx)
		return err
	}, func(ctx context.Context, t *tx) error {
		n, err := rowsAffected(t.exec(ctx, `UPDATE idempotency_keys SET done = ?, status = ?, headers = ?, body = ?
			WHERE business_id = ? AND mode = ? AND key = ? AND created_at = ? AND done = ?`,
			true, r.Status, r.Headers, r.Body, c.tn.BusinessID, string(c.tn.Mode), c.key, c.at, false))
		if err == nil && n == 0 {
			return ErrIdempotencyInFlight
		}
		return err
	})
}

// ErrNotStored is what RunIdempotent's run returns for a response that
// must not be stored (an unexpected internal error: a retry runs again).
var ErrNotStored = errors.New("store: response not stored")

// AbandonIdempotent releases a claim without a stored response, so a
// retry runs the request again.
func (s *Store) AbandonIdempotent(ctx context.Context, c Claim) error {
	ctx = context.WithoutCancel(ctx)
	_, err := s.db.writeStatement(ctx, "DELETE FROM idempotency_keys WHERE business_id = ? AND mode = ? AND key = ? AND created_at = ? AND done = ?",
		c.tn.BusinessID, string(c.tn.Mode), c.key, c.at, false)
	return err
}

// PruneIdempotency deletes stored responses older than the TTL (by the
// partition's test clock where one is set) and reports how many it
// removed.
func (s *Store) PruneIdempotency(ctx context.Context) (int64, error) {
	n, err := s.housekeep(ctx, "DELETE FROM idempotency_keys WHERE created_at < ? AND NOT "+clocked("idempotency_keys"),
		micros(s.now().Add(-IdempotencyTTL)))
	if err != nil {
		return n, err
	}
	m, err := s.housekeep(ctx, `DELETE FROM idempotency_keys WHERE (business_id, mode) IN (SELECT business_id, mode FROM test_clocks)
		AND created_at < (SELECT c.now_at FROM test_clocks c WHERE c.business_id = idempotency_keys.business_id AND c.mode = idempotency_keys.mode) - ?`,
		IdempotencyTTL.Microseconds())
	return n + m, err
}
