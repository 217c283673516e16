package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"strings"

	"github.com/pricebook/pricebook/internal/catalog"
)

// OpenTokenPrefix and MinOpenTokenLen say which tokens open a namespace
// on first use: "pb_test_" and at least 16 more characters.
const (
	OpenTokenPrefix = "pb_test_"
	MinOpenTokenLen = len(OpenTokenPrefix) + 16
)

// IsOpenToken reports whether token has the form of a namespace token
// (the characters are the edge's to check: httpx.LooksLikeKey).
func IsOpenToken(token string) bool {
	return strings.HasPrefix(token, OpenTokenPrefix) && len(token) >= MinOpenTokenLen
}

// errOpenTokenTaken aborts a first use that lost the race for its token.
var errOpenTokenTaken = errors.New("store: open token taken meanwhile")

// AuthenticateOpen resolves a namespace token: a key the store issued
// authenticates as itself (a revoked one stays refused); any other token
// of the open form is the test-mode key of its own business, made on its
// first use, atomically (concurrent first uses make one business). The
// token is stored only as its SHA-256.
func (s *Store) AuthenticateOpen(ctx context.Context, token string) (catalog.APIKey, error) {
	k, err := s.Authenticate(ctx, token)
	if err == nil || catalog.ErrorKind(err) != catalog.KindUnauthorized || !IsOpenToken(token) {
		return k, err
	}
	if idPart, _, ok := parseToken(token); ok {
		var n int
		if err := s.db.queryRow(ctx, "SELECT COUNT(*) FROM api_keys WHERE id = ?", "key_"+idPart).Scan(&n); err != nil {
			return k, wrap("AuthenticateOpen", err)
		}
		if n > 0 {
			return k, ErrUnauthorized // an issued key with a wrong secret, or revoked
		}
	}
	hash := sha256.Sum256([]byte(token))
	if k, ok, err := s.openTokenKey(ctx, hash[:]); ok || err != nil {
		if err == nil {
			s.rememberKey(token, k)
		}
		return k, wrap("AuthenticateOpen", err)
	}
	err = s.db.write(ctx, func(ctx context.Context, t *tx) error {
		b, err := s.createBusiness(ctx, t, "Test namespace")
		if err != nil {
			return err
		}
		_, key, err := s.createKey(ctx, t, b.ID, catalog.ModeTest, false)
		if err != nil {
			return err
		}
		res, err := t.exec(ctx, "INSERT INTO open_tokens (token_hash, key_id, created_at) VALUES (?, ?, ?) ON CONFLICT (token_hash) DO NOTHING",
			hash[:], key.ID, micros(s.now()))
		if n, _ := rowsAffected(res, err); err == nil && n == 0 {
			return errOpenTokenTaken // another first use committed: keep its business, not this one
		}
		return err
	})
	if err != nil && !errors.Is(err, errOpenTokenTaken) {
		return catalog.APIKey{}, wrap("AuthenticateOpen", err)
	}
	k, ok, err := s.openTokenKey(ctx, hash[:])
	if err == nil && !ok {
		err = errors.New("open token vanished")
	}
	if err == nil {
		s.rememberKey(token, k)
	}
	return k, wrap("AuthenticateOpen", err)
}

// openTokenKey returns the live key made for a namespace token.
func (s *Store) openTokenKey(ctx context.Context, hash []byte) (catalog.APIKey, bool, error) {
	var k catalog.APIKey
	var mode string
	var at int64
	var revoked *int64
	err := s.db.queryRow(ctx, `SELECT k.id, k.business_id, k.mode, k.prefix, k.read_only, k.created_at, k.revoked_at
		FROM open_tokens o JOIN api_keys k ON k.id = o.key_id WHERE o.token_hash = ?`, hash).
		Scan(&k.ID, &k.BusinessID, &mode, &k.Prefix, &k.ReadOnly, &at, &revoked)
	if isNoRows(err) {
		return k, false, nil
	}
	if err != nil {
		return k, false, err
	}
	if revoked != nil {
		return k, true, ErrUnauthorized
	}
	k.Mode, k.CreatedAt = catalog.Mode(mode), fromMicros(at)
	return k, true, nil
}
