package cli

import (
	"context"
	"fmt"

	"github.com/pricebook/pricebook/internal/store"
)

func (e *env) migrate(ctx context.Context, args []string) error {
	fs := e.flags("migrate")
	db := e.dbFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, err := ownStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintln(e.stderr, "pricebook: migrations applied")
	return nil
}

// openStore opens and migrates the database for a command that only
// manages keys, which may run beside a server.
func openStore(ctx context.Context, dsn string) (*store.Store, error) {
	return openStoreOpt(ctx, dsn, store.Options{})
}

// ownStore opens and migrates the database as its only writer (a server,
// migrations, bulk loads): a second such process on one SQLite file fails
// at once instead of writing beside the first, whose read cache relies
// on seeing every change.
func ownStore(ctx context.Context, dsn string) (*store.Store, error) {
	return openStoreOpt(ctx, dsn, store.Options{Owner: true})
}

func openStoreOpt(ctx context.Context, dsn string, opt store.Options) (*store.Store, error) {
	st, err := store.Open(ctx, dsn, opt)
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}
