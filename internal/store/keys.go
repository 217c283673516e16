package store

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
)

// Key token layout: "pb_<mode>_<id>_<secret>": the id part names the row,
// the secret (190 bits) is only ever stored as its SHA-256.
const (
	keyIDLen     = 16
	keySecretLen = 32
)

// ErrUnauthorized is returned for any key that does not authenticate; it
// never says why, so a caller learns nothing about other keys.
var ErrUnauthorized = catalog.Errorf(catalog.KindUnauthorized, catalog.Unauthorized, "You are not authorised to perform this action")

// CreateBusiness creates a business with its primary brand in both modes.
func (s *Store) CreateBusiness(ctx context.Context, name string) (catalog.Business, error) {
	var b catalog.Business
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		var err error
		b, err = s.createBusiness(ctx, t, name)
		return err
	})
	return b, wrap("CreateBusiness", err)
}

func (s *Store) createBusiness(ctx context.Context, t *tx, name string) (catalog.Business, error) {
	now := s.now()
	b := catalog.Business{ID: s.NewID("bus_"), Name: name, CreatedAt: now}
	if _, err := t.exec(ctx, "INSERT INTO businesses (id, name, created_at) VALUES (?, ?, ?)", b.ID, b.Name, micros(now)); err != nil {
		return b, err
	}
	for _, mode := range []catalog.Mode{catalog.ModeTest, catalog.ModeLive} {
		doc := fmt.Sprintf(`{"name":%q,"statement_descriptor":%q,"enabled":true,"verification_enabled":true,"verification_status":"Success"}`, name, statementDescriptor(name))
		if _, err := t.exec(ctx, `INSERT INTO brands (business_id, mode, id, is_primary, doc, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, b.ID, string(mode), b.ID, true, doc, micros(now), micros(now)); err != nil {
			return b, err
		}
	}
	return b, nil
}

// statementDescriptor derives a card statement descriptor from a name.
func statementDescriptor(name string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(name) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == ' ' {
			b.WriteRune(r)
		}
		if b.Len() == 22 {
			break
		}
	}
	if b.Len() < 5 {
		return "PRICEBOOK"
	}
	return strings.TrimSpace(b.String())
}

// CreateTenant creates a business and a key of the mode for it in one
// transaction, and returns the key's token (shown once).
func (s *Store) CreateTenant(ctx context.Context, name string, mode catalog.Mode) (token string, k catalog.APIKey, err error) {
	err = s.db.write(ctx, func(ctx context.Context, t *tx) error {
		b, err := s.createBusiness(ctx, t, name)
		if err != nil {
			return err
		}
		token, k, err = s.createKey(ctx, t, b.ID, mode, false)
		return err
	})
	return token, k, wrap("CreateTenant", err)
}

// Bootstrap creates a first business and a test-mode key when the
// database has no business yet. It reports the new key's token, or ""
// when the database was not empty.
func (s *Store) Bootstrap(ctx context.Context, name string) (token string, b catalog.Business, err error) {
	err = s.db.write(ctx, func(ctx context.Context, t *tx) error {
		if s.engine == Postgres {
			// Two servers starting on one empty database must not both
			// create a first business.
			if _, err := t.exec(ctx, "LOCK TABLE businesses IN EXCLUSIVE MODE"); err != nil {
				return err
			}
		}
		var n int
		if err := t.queryRow(ctx, "SELECT COUNT(*) FROM businesses").Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		b, err = s.createBusiness(ctx, t, name)
		if err != nil {
			return err
		}
		token, _, err = s.createKey(ctx, t, b.ID, catalog.ModeTest, false)
		return err
	})
	return token, b, wrap("Bootstrap", err)
}

// Businesses lists every business, oldest first.
func (s *Store) Businesses(ctx context.Context) ([]catalog.Business, error) {
	rows, err := s.db.query(ctx, "SELECT id, name, created_at FROM businesses ORDER BY created_at, id")
	if err != nil {
		return nil, wrap("Businesses", err)
	}
	defer rows.Close()
	var out []catalog.Business
	for rows.Next() {
		var b catalog.Business
		var at int64
		if err := rows.Scan(&b.ID, &b.Name, &at); err != nil {
			return nil, wrap("Businesses", err)
		}
		b.CreatedAt = fromMicros(at)
		out = append(out, b)
	}
	return out, wrap("Businesses", rows.Err())
}

// CreateKey issues a new API key for a business and mode and returns its
// token, which is shown once and never stored.
func (s *Store) CreateKey(ctx context.Context, businessID string, mode catalog.Mode, readOnly bool) (string, catalog.APIKey, error) {
	var token string
	var k catalog.APIKey
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		var err error
		token, k, err = s.createKey(ctx, t, businessID, mode, readOnly)
		return err
	})
	return token, k, wrap("CreateKey", err)
}

func (s *Store) createKey(ctx context.Context, t *tx, businessID string, mode catalog.Mode, readOnly bool) (string, catalog.APIKey, error) {
	if !mode.Valid() {
		return "", catalog.APIKey{}, catalog.Errorf(catalog.KindInvalid, catalog.Invalid, "mode must be test or live")
	}
	var exists int
	if err := t.queryRow(ctx, "SELECT COUNT(*) FROM businesses WHERE id = ?", businessID).Scan(&exists); err != nil {
		return "", catalog.APIKey{}, err
	}
	if exists == 0 {
		return "", catalog.APIKey{}, catalog.NotFound("business", businessID)
	}
	idPart := catalog.RandomString(keyIDLen)
	secret := catalog.RandomString(keySecretLen)
	prefix := "pb_" + string(mode) + "_" + idPart
	token := prefix + "_" + secret
	hash := sha256.Sum256([]byte(secret))
	k := catalog.APIKey{ID: "key_" + idPart, BusinessID: businessID, Mode: mode, ReadOnly: readOnly, Prefix: prefix, CreatedAt: s.now()}
	_, err := t.exec(ctx, `INSERT INTO api_keys (id, business_id, mode, secret_hash, prefix, read_only, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, k.ID, k.BusinessID, string(k.Mode), hash[:], k.Prefix, k.ReadOnly, micros(k.CreatedAt))
	return token, k, err
}

// Keys lists every key, oldest first, without secrets.
func (s *Store) Keys(ctx context.Context) ([]catalog.APIKey, error) {
	rows, err := s.db.query(ctx, `SELECT id, business_id, mode, prefix, read_only, created_at, revoked_at
		FROM api_keys ORDER BY created_at, id`)
	if err != nil {
		return nil, wrap("Keys", err)
	}
	defer rows.Close()
	var out []catalog.APIKey
	for rows.Next() {
		var k catalog.APIKey
		var mode string
		var at int64
		var revoked sql.NullInt64
		if err := rows.Scan(&k.ID, &k.BusinessID, &mode, &k.Prefix, &k.ReadOnly, &at, &revoked); err != nil {
			return nil, wrap("Keys", err)
		}
		k.Mode = catalog.Mode(mode)
		k.CreatedAt = fromMicros(at)
		if revoked.Valid {
			t := fromMicros(revoked.Int64)
			k.RevokedAt = &t
		}
		out = append(out, k)
	}
	return out, wrap("Keys", rows.Err())
}

// RevokeKey revokes a key named by its id ("key_...") or its token.
func (s *Store) RevokeKey(ctx context.Context, idOrToken string) error {
	id := idOrToken
	if strings.HasPrefix(idOrToken, "pb_") {
		idPart, _, ok := parseToken(idOrToken)
		if !ok {
			return catalog.NotFound("key", "")
		}
		id = "key_" + idPart
	}
	// Forget cached keys at once; other processes forget within keyCacheTTL.
	defer func() {
		s.keyMu.Lock()
		s.keyCache = nil
		s.keyMu.Unlock()
	}()
	return wrap("RevokeKey", s.db.write(ctx, func(ctx context.Context, t *tx) error {
		res, err := t.exec(ctx, "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", micros(s.now()), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return catalog.NotFound("active key", id)
		}
		return nil
	}))
}

// parseToken splits a token into its id part and secret.
func parseToken(token string) (idPart, secret string, ok bool) {
	rest, found := strings.CutPrefix(token, "pb_")
	if !found {
		return "", "", false
	}
	mode, rest, found := strings.Cut(rest, "_")
	if !found || !catalog.Mode(mode).Valid() || len(rest) != keyIDLen+1+keySecretLen || rest[keyIDLen] != '_' {
		return "", "", false
	}
	return rest[:keyIDLen], rest[keyIDLen+1:], true
}

// keyCacheTTL is how long a verified key is trusted without asking the
// database again, and so the longest a revoked key keeps working (on any
// server: a revocation made by another process cannot be pushed here).
const keyCacheTTL = time.Second

// maxCachedKeys bounds the key cache.
const maxCachedKeys = 10000

type cachedKey struct {
	key     catalog.APIKey
	expires time.Time
}

// Authenticate resolves a token to its key. Unknown, malformed and revoked
// tokens all give ErrUnauthorized; the secret is compared in constant time.
// A verified key is remembered for keyCacheTTL, which spares every request
// a database round trip.
func (s *Store) Authenticate(ctx context.Context, token string) (catalog.APIKey, error) {
	if k, ok := s.cachedKey(token); ok {
		return k, nil
	}
	k, err := s.authenticate(ctx, token)
	if err == nil {
		s.rememberKey(token, k)
	}
	return k, wrap("Authenticate", err)
}

// cachedKey returns the key token verified as within keyCacheTTL.
func (s *Store) cachedKey(token string) (catalog.APIKey, bool) {
	s.keyMu.Lock()
	c, ok := s.keyCache[token]
	s.keyMu.Unlock()
	return c.key, ok && time.Now().Before(c.expires)
}

// rememberKey caches a verified key for keyCacheTTL.
func (s *Store) rememberKey(token string, k catalog.APIKey) {
	s.keyMu.Lock()
	if s.keyCache == nil || len(s.keyCache) >= maxCachedKeys {
		s.keyCache = make(map[string]cachedKey)
	}
	s.keyCache[token] = cachedKey{key: k, expires: time.Now().Add(keyCacheTTL)}
	s.keyMu.Unlock()
}

func (s *Store) authenticate(ctx context.Context, token string) (catalog.APIKey, error) {
	idPart, secret, ok := parseToken(token)
	if !ok {
		return catalog.APIKey{}, ErrUnauthorized
	}
	var k catalog.APIKey
	var mode string
	var hash []byte
	var revoked sql.NullInt64
	var at int64
	err := s.db.queryRow(ctx, `SELECT id, business_id, mode, secret_hash, prefix, read_only, created_at, revoked_at
		FROM api_keys WHERE id = ?`, "key_"+idPart).Scan(&k.ID, &k.BusinessID, &mode, &hash, &k.Prefix, &k.ReadOnly, &at, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		// Spend the same work as a found key so timing does not tell.
		sum := sha256.Sum256([]byte(secret))
		subtle.ConstantTimeCompare(sum[:], sum[:])
		return catalog.APIKey{}, ErrUnauthorized
	}
	if err != nil {
		return catalog.APIKey{}, err
	}
	sum := sha256.Sum256([]byte(secret))
	if subtle.ConstantTimeCompare(sum[:], hash) != 1 || revoked.Valid || !strings.HasPrefix(token, "pb_"+mode+"_") {
		return catalog.APIKey{}, ErrUnauthorized
	}
	k.Mode = catalog.Mode(mode)
	k.CreatedAt = fromMicros(at)
	return k, nil
}
