package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"regexp"

	"github.com/pricebook/pricebook/internal/catalog"
)

// fixedKey is the form keys create prints for test mode.
var fixedKey = regexp.MustCompile(`^pb_test_[0-9A-Za-z]{16}_[0-9A-Za-z]{32}$`)

// errFixedKeyTaken aborts a make that lost the race for its key id.
var errFixedKeyTaken = errors.New("store: fixed key made meanwhile")

// IsFixedKey reports whether token has the form EnsureKey takes.
func IsFixedKey(token string) bool { return fixedKey.MatchString(token) }

// EnsureKey makes the test-mode key token is, with a business of its own
// named name, unless that key exists: serve --seed with a catalog file that
// fixes its key, so a CI job knows the key before the server starts. The
// token must have the form keys create prints for test mode; a token
// whose id is another key's (or a revoked one's) is refused. Servers that
// start together over one PostgreSQL make one key and one business.
func (s *Store) EnsureKey(ctx context.Context, token, name string) (catalog.APIKey, error) {
	if !IsFixedKey(token) {
		return catalog.APIKey{}, catalog.Errorf(catalog.KindInvalid, catalog.Invalid,
			"a fixed key must have the form keys create prints for test mode: pb_test_, 16 letters or digits, _, 32 letters or digits")
	}
	if k, err := s.authenticate(ctx, token); err == nil {
		return k, nil
	}
	idPart, secret, _ := parseToken(token)
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		var n int
		if err := t.queryRow(ctx, "SELECT COUNT(*) FROM api_keys WHERE id = ?", "key_"+idPart).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errFixedKeyTaken
		}
		b, err := s.createBusiness(ctx, t, name)
		if err != nil {
			return err
		}
		hash := sha256.Sum256([]byte(secret))
		res, err := t.exec(ctx, `INSERT INTO api_keys (id, business_id, mode, secret_hash, prefix, read_only, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
			"key_"+idPart, b.ID, string(catalog.ModeTest), hash[:], "pb_test_"+idPart, false, micros(s.now()))
		if n, _ := rowsAffected(res, err); err == nil && n == 0 {
			return errFixedKeyTaken // another server made it: keep its business, not this one
		}
		return err
	})
	if err != nil && !errors.Is(err, errFixedKeyTaken) {
		return catalog.APIKey{}, wrap("EnsureKey", err)
	}
	k, err := s.authenticate(ctx, token)
	if err != nil {
		return catalog.APIKey{}, wrap("EnsureKey", catalog.Errorf(catalog.KindConflict, catalog.Invalid, "the key's id is another key's, or the key is revoked"))
	}
	return k, nil
}
