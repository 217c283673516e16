package face

import (
	"context"
	"errors"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/store"
)

// idempotency is one tenant's idempotency keys in the store, as
// httpx.Idempotent takes them: httpx stays below the store.
type idempotency struct {
	st *store.Store
	tn catalog.Tenant
}

func (i idempotency) BeginIdempotent(ctx context.Context, key, fingerprint string) (*httpx.Replay, httpx.Claim, error) {
	replay, claim, err := i.st.BeginIdempotent(ctx, i.tn, key, fingerprint)
	if err != nil {
		return nil, nil, outcome(err)
	}
	if replay != nil {
		return (*httpx.Replay)(replay), nil, nil
	}
	return nil, claim, nil
}

func (i idempotency) RunIdempotent(ctx context.Context, c httpx.Claim, run func(ctx context.Context) (httpx.Replay, error)) error {
	return outcome(i.st.RunIdempotent(ctx, c.(store.Claim), func(ctx context.Context) (store.Replay, error) {
		r, err := run(ctx)
		if errors.Is(err, httpx.ErrNotStored) {
			err = store.ErrNotStored
		}
		return store.Replay(r), err
	}))
}

func (i idempotency) AbandonIdempotent(ctx context.Context, c httpx.Claim) error {
	return i.st.AbandonIdempotent(ctx, c.(store.Claim))
}

// outcome turns the store's idempotency outcomes into httpx's.
func outcome(err error) error {
	switch {
	case errors.Is(err, store.ErrIdempotencyMismatch):
		return httpx.ErrIdempotencyMismatch
	case errors.Is(err, store.ErrIdempotencyInFlight):
		return httpx.ErrIdempotencyInFlight
	case errors.Is(err, store.ErrNotStored):
		return httpx.ErrNotStored
	}
	return err
}
