package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
)

func (e *env) keys(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError{"keys: want create, list or revoke"}
	}
	switch args[0] {
	case "create":
		return e.keysCreate(ctx, args[1:])
	case "list":
		return e.keysList(ctx, args[1:])
	case "revoke":
		return e.keysRevoke(ctx, args[1:])
	}
	return usageError{fmt.Sprintf("keys: unknown subcommand %q", args[0])}
}

func (e *env) keysCreate(ctx context.Context, args []string) error {
	fs := e.flags("keys create")
	db := e.dbFlag(fs)
	mode := fs.String("mode", "test", "test or live")
	readOnly := fs.Bool("read-only", false, "the key may only read")
	business := fs.String("business", "", "business id (bus_...) the key belongs to")
	newBusiness := fs.Bool("new-business", false, "create a new business for the key")
	name := fs.String("name", "My business", "name of the new business (with --new-business)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !catalog.Mode(*mode).Valid() {
		return usageError{"keys create: --mode must be test or live"}
	}
	if *business != "" && *newBusiness {
		return usageError{"keys create: use --business or --new-business, not both"}
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	bid := *business
	switch {
	case *newBusiness:
		b, err := st.CreateBusiness(ctx, *name)
		if err != nil {
			return err
		}
		bid = b.ID
	case bid == "":
		list, err := st.Businesses(ctx)
		if err != nil {
			return err
		}
		switch len(list) {
		case 0:
			b, err := st.CreateBusiness(ctx, *name)
			if err != nil {
				return err
			}
			bid = b.ID
		case 1:
			bid = list[0].ID
		default:
			return usageError{"keys create: several businesses exist; name one with --business"}
		}
	}
	token, _, err := st.CreateKey(ctx, bid, catalog.Mode(*mode), *readOnly)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, token)
	return nil
}

type keyJSON struct {
	ID         string     `json:"id"`
	BusinessID string     `json:"business_id"`
	Mode       string     `json:"mode"`
	ReadOnly   bool       `json:"read_only"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

func (e *env) keysList(ctx context.Context, args []string) error {
	fs := e.flags("keys list")
	db := e.dbFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	keys, err := st.Keys(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]keyJSON, len(keys))
		for i, k := range keys {
			out[i] = keyJSON{k.ID, k.BusinessID, string(k.Mode), k.ReadOnly, k.Prefix, k.CreatedAt, k.RevokedAt}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tBUSINESS\tMODE\tACCESS\tPREFIX\tCREATED\tSTATUS")
	for _, k := range keys {
		access, status := "read-write", "active"
		if k.ReadOnly {
			access = "read-only"
		}
		if k.RevokedAt != nil {
			status = "revoked " + k.RevokedAt.Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s…\t%s\t%s\n", k.ID, k.BusinessID, k.Mode, access, k.Prefix, k.CreatedAt.Format(time.RFC3339), status)
	}
	return tw.Flush()
}

func (e *env) keysRevoke(ctx context.Context, args []string) error {
	fs := e.flags("keys revoke")
	db := e.dbFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{"keys revoke: name the key (key_... or the token)"}
	}
	key := fs.Arg(0)
	// Flags may also follow the key: pricebook keys revoke KEY --db D.
	if err := fs.Parse(fs.Args()[1:]); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{"keys revoke: one key at a time"}
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.RevokeKey(ctx, key); err != nil {
		return err
	}
	fmt.Fprintln(e.stderr, "pricebook: revoked", key)
	return nil
}
