package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
)

// Session is a dashboard sign-in (internal/web): the key the browser
// acts with now, the modes it holds a key for, and its CSRF token.
type Session struct {
	Key       catalog.APIKey // the current mode's key
	Modes     []catalog.Mode // the modes the session holds a key for, test first
	CSRF      string
	ExpiresAt time.Time
}

// Tenant is the partition the session acts in.
func (s Session) Tenant() catalog.Tenant {
	return catalog.Tenant{BusinessID: s.Key.BusinessID, Mode: s.Key.Mode}
}

// ErrNoSession is returned for a session token that is unknown, expired,
// signed out or whose key was revoked.
var ErrNoSession = catalog.Errorf(catalog.KindUnauthorized, catalog.Unauthorized, "Sign in to continue")

func sessionHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// CreateSession signs a browser in with an API key: it returns the new
// session's token (for the cookie; only its hash is stored) and the
// session, which lasts ttl. Sessions past their end are deleted in the
// same transaction.
func (s *Store) CreateSession(ctx context.Context, apiToken string, ttl time.Duration) (string, Session, error) {
	k, err := s.authenticate(ctx, apiToken)
	if err != nil {
		return "", Session{}, wrap("CreateSession", err)
	}
	token, err1 := randomToken()
	csrf, err2 := randomToken()
	if err := errors.Join(err1, err2); err != nil {
		return "", Session{}, err
	}
	now := s.now()
	sess := Session{Key: k, Modes: []catalog.Mode{k.Mode}, CSRF: csrf, ExpiresAt: now.Add(ttl)}
	var testKey, liveKey any
	if k.Mode == catalog.ModeTest {
		testKey = k.ID
	} else {
		liveKey = k.ID
	}
	err = s.db.write(ctx, func(ctx context.Context, t *tx) error {
		if _, err := t.exec(ctx, "DELETE FROM dashboard_sessions WHERE expires_at < ?", micros(now)); err != nil {
			return err
		}
		_, err := t.exec(ctx, `INSERT INTO dashboard_sessions (token_hash, business_id, test_key_id, live_key_id, mode, csrf, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, sessionHash(token), k.BusinessID, testKey, liveKey, string(k.Mode), csrf, micros(now), micros(sess.ExpiresAt))
		return err
	})
	return token, sess, wrap("CreateSession", err)
}

// GetSession returns the live session of a token: ErrNoSession when it is
// unknown, expired, signed out, or its current key was revoked.
func (s *Store) GetSession(ctx context.Context, token string) (Session, error) {
	var sess Session
	var mode string
	var testKey, liveKey sql.NullString
	var created, expires int64
	err := s.db.queryRow(ctx, `SELECT k.id, k.business_id, k.mode, k.prefix, k.read_only, k.created_at, s.test_key_id, s.live_key_id, s.csrf, s.expires_at
		FROM dashboard_sessions s JOIN api_keys k ON k.id = CASE WHEN s.mode = 'test' THEN s.test_key_id ELSE s.live_key_id END
		WHERE s.token_hash = ? AND s.expires_at > ? AND k.revoked_at IS NULL`, sessionHash(token), micros(s.now())).
		Scan(&sess.Key.ID, &sess.Key.BusinessID, &mode, &sess.Key.Prefix, &sess.Key.ReadOnly, &created, &testKey, &liveKey, &sess.CSRF, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ErrNoSession
	}
	if err != nil {
		return Session{}, wrap("GetSession", err)
	}
	sess.Key.Mode, sess.Key.CreatedAt, sess.ExpiresAt = catalog.Mode(mode), fromMicros(created), fromMicros(expires)
	if testKey.Valid {
		sess.Modes = append(sess.Modes, catalog.ModeTest)
	}
	if liveKey.Valid {
		sess.Modes = append(sess.Modes, catalog.ModeLive)
	}
	return sess, nil
}

// AddSessionKey adds an API key of the session's business to the session
// (replacing the session's key of that mode) and switches to its mode. A
// key of another business is refused: a session is one business.
func (s *Store) AddSessionKey(ctx context.Context, token, apiToken string) error {
	k, err := s.authenticate(ctx, apiToken)
	if err != nil {
		return wrap("AddSessionKey", err)
	}
	col := "test_key_id"
	if k.Mode == catalog.ModeLive {
		col = "live_key_id"
	}
	n, err := s.db.writeStatement(ctx, "UPDATE dashboard_sessions SET "+col+" = ?, mode = ? WHERE token_hash = ? AND business_id = ? AND expires_at > ?",
		k.ID, string(k.Mode), sessionHash(token), k.BusinessID, micros(s.now()))
	if err == nil && n == 0 {
		return catalog.Errorf(catalog.KindForbidden, catalog.Unauthorized, "That key belongs to another business; sign out to use it")
	}
	return wrap("AddSessionKey", err)
}

// SwitchSessionMode moves the session to the mode, if it holds a key for
// it; ErrNoSession otherwise.
func (s *Store) SwitchSessionMode(ctx context.Context, token string, mode catalog.Mode) error {
	col := "test_key_id"
	if mode == catalog.ModeLive {
		col = "live_key_id"
	} else if mode != catalog.ModeTest {
		return ErrNoSession
	}
	n, err := s.db.writeStatement(ctx, "UPDATE dashboard_sessions SET mode = ? WHERE token_hash = ? AND "+col+" IS NOT NULL AND expires_at > ?",
		string(mode), sessionHash(token), micros(s.now()))
	if err == nil && n == 0 {
		return ErrNoSession
	}
	return wrap("SwitchSessionMode", err)
}

// DeleteSession signs a session out; its token is worthless afterwards.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	_, err := s.db.writeStatement(ctx, "DELETE FROM dashboard_sessions WHERE token_hash = ?", sessionHash(token))
	return wrap("DeleteSession", err)
}
