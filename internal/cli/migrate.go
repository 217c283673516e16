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
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintln(e.stderr, "pricebook: migrations applied")
	return nil
}

// openStore opens and migrates the database.
func openStore(ctx context.Context, dsn string) (*store.Store, error) {
	st, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}
