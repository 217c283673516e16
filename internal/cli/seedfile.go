package cli

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/catalogfile"
	"github.com/pricebook/pricebook/internal/store"
)

// seeder is serve --seed: a catalog file applied to one test-mode
// partition of this server at start and after each reset of it, through
// the server's own public APIs like any other apply.
type seeder struct {
	file  *catalogfile.File
	st    *store.Store
	tn    catalog.Tenant
	token string // the file's fixed key; "" applies with a short-lived key
	base  string // set once the server listens
	mu    sync.Mutex
}

// newSeeder loads the file and finds its partition: the one of the key
// the file fixes (made, with a business of its own, when absent; an
// issued key like any other from then on), else the test mode of the
// first business.
func newSeeder(ctx context.Context, st *store.Store, path string) (*seeder, error) {
	f, err := loadCatalog(path)
	if err != nil {
		return nil, fmt.Errorf("--seed: %w", err)
	}
	s := &seeder{file: f, st: st}
	if f.Key != "" {
		k, err := st.EnsureKey(ctx, f.Key, "Seeded catalog")
		if err != nil {
			return nil, fmt.Errorf("--seed: the file's key: %w", err)
		}
		if k.Mode != catalog.ModeTest || k.ReadOnly {
			return nil, errors.New("--seed: the file's key must be a test-mode key that may write")
		}
		s.token, s.tn = f.Key, catalog.Tenant{BusinessID: k.BusinessID, Mode: k.Mode}
		return s, nil
	}
	bs, err := st.Businesses(ctx)
	if err != nil {
		return nil, err
	}
	if len(bs) == 0 {
		return nil, errors.New("--seed: no business to seed")
	}
	s.tn = catalog.Tenant{BusinessID: bs[0].ID, Mode: catalog.ModeTest}
	return s, nil
}

// apply applies the file; applies never overlap.
func (s *seeder) apply(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	token := s.token
	if token == "" {
		t, k, err := s.st.CreateKey(ctx, s.tn.BusinessID, catalog.ModeTest, false)
		if err != nil {
			return err
		}
		defer s.st.RevokeKey(context.WithoutCancel(ctx), k.ID)
		token = t
	}
	_, err := catalogfile.Apply(ctx, catalogfile.Server{DodoURL: s.base, DodoKey: token}, s.file, catalogfile.Options{})
	if err != nil {
		return fmt.Errorf("--seed: %w", err)
	}
	return nil
}

// reseed is face.Deps.Reseed: it applies the file again to the seeded
// partition, and does nothing for any other; nil without a seed.
func (s *seeder) reseed() func(ctx context.Context, tn catalog.Tenant) error {
	if s == nil {
		return nil
	}
	return func(ctx context.Context, tn catalog.Tenant) error {
		if tn != s.tn {
			return nil
		}
		return s.apply(ctx)
	}
}
