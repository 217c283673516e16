package face

import (
	"context"
	"net/http"
	"strings"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/store"
)

type callerKey struct{}

// caller is who a request acts for, as authenticate found it.
type caller struct {
	tenant catalog.Tenant
	keyID  string
}

// Tenant returns the partition the request's key belongs to. Every
// handler of a route table runs behind authenticate, which sets it.
func Tenant(r *http.Request) catalog.Tenant {
	return r.Context().Value(callerKey{}).(caller).tenant
}

// KeyID returns the id of the API key the request authenticated with.
func KeyID(r *http.Request) string {
	return r.Context().Value(callerKey{}).(caller).keyID
}

// authenticate resolves the request's key to its tenant before next runs,
// in this order: the face's credentials, a key the store knows, the rate
// limit, read-only keys only read. A write (any method but GET) then goes
// through the Idempotency-Key handling, its response written by ew.
func (h *Handler) authenticate(pattern string, ew httpx.ErrorWriter, next httpx.HandlerFunc) httpx.HandlerFunc {
	mutating := !strings.HasPrefix(pattern, "GET ")
	return func(w http.ResponseWriter, r *http.Request) error {
		token, ok := h.spec.Credentials(r)
		if !ok || !httpx.LooksLikeKey(token) {
			return h.spec.Unauthorized
		}
		authenticate := h.store.Authenticate
		if h.openTestKeys {
			authenticate = h.store.AuthenticateOpen
		}
		key, err := authenticate(r.Context(), token)
		if catalog.ErrorKind(err) == catalog.KindUnauthorized {
			return h.spec.Unauthorized
		}
		if err != nil {
			return err
		}
		noteTenant(r, catalog.Tenant{BusinessID: key.BusinessID, Mode: key.Mode}) // refusals below are inspected too
		if h.spec.ReadOnlyFirst && key.ReadOnly && mutating {
			return h.spec.ReadOnly
		}
		if h.limiter != nil && !h.limiter.Allow(w, key.ID, h.spec.MaxRetryAfter) {
			return httpx.ErrRateLimited
		}
		if key.ReadOnly && mutating {
			return h.spec.ReadOnly
		}
		tn := catalog.Tenant{BusinessID: key.BusinessID, Mode: key.Mode}
		// The journal names who made each change (store.WithActor).
		ctx := store.WithActor(r.Context(), store.Actor{KeyID: key.ID, RequestID: httpx.RequestID(r.Context())})
		r = r.WithContext(context.WithValue(ctx, callerKey{}, caller{tenant: tn, keyID: key.ID}))
		serve := next
		if mutating {
			serve = func(w http.ResponseWriter, r *http.Request) error {
				if err := httpx.CheckIdempotencyKey(r); err != nil {
					return err
				}
				return httpx.Idempotent(idempotency{st: h.store, tn: tn}, ew, next)(w, r)
			}
		}
		if !h.spec.Faults {
			return serve(w, r)
		}
		f, applied, err := h.faultFor(r, tn)
		if err != nil || f == nil {
			if err != nil {
				return err
			}
			return serve(w, r)
		}
		return inject(w, r, *f, applied, serve)
	}
}
