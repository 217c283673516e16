package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/pricebook/pricebook/internal/catalogfile"
)

// exitCode ends the command with that code and no message (catalog
// plan's 2: changes are pending).
type exitCode int

func (c exitCode) Error() string { return fmt.Sprintf("exit %d", int(c)) }

const catalogUsage = `usage:
  pricebook catalog schema                      print the file's JSON Schema
  pricebook catalog export [-o FILE]            write the partition as a file (standard output by default)
  pricebook catalog plan FILE [--json] [--prune]  print what apply would do; exit code 2 when changes are pending
  pricebook catalog apply FILE [--prune]        make the partition what the file says
flags of export, plan and apply: --base-url U --key K (env DODO_PAYMENTS_BASE_URL, DODO_PAYMENTS_API_KEY),
  --chartmogul-base-url U --chartmogul-key K (default: the same server and key)`

// catalog is catalog as code: a file that declares a partition's catalog
// on both faces, through the public vendor APIs only.
func (e *env) catalog(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError{catalogUsage}
	}
	sub, args := args[0], args[1:]
	fs := e.flags("catalog " + sub)
	switch sub {
	case "schema":
		if err := fs.Parse(args); err != nil {
			return err
		}
		_, err := e.stdout.Write(catalogfile.Schema())
		return err
	case "export", "plan", "apply":
	case "help", "-h", "--help":
		fmt.Fprintln(e.stdout, catalogUsage)
		return nil
	default:
		return usageError{fmt.Sprintf("unknown catalog command %q\n%s", sub, catalogUsage)}
	}
	base, key := e.apiFlags(fs)
	cmBase := fs.String("chartmogul-base-url", "", "the ChartMogul API (default: --base-url)")
	cmKey := fs.String("chartmogul-key", "", "its API key (default: --key)")
	var out *string
	var asJSON, prune *bool
	if sub == "export" {
		out = fs.String("o", "", "write the file here instead of standard output")
	} else {
		prune = fs.Bool("prune", false, "archive (or, where the API only deletes, delete) what the file no longer names")
	}
	if sub == "plan" {
		asJSON = fs.Bool("json", false, "print the plan as JSON")
	}
	file, rest := "", args
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, rest = args[0], args[1:]
	}
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	}
	srv := catalogfile.Server{DodoURL: *base, DodoKey: *key, ChartMogulURL: *cmBase, ChartMogulKey: *cmKey}
	if *key == "" {
		return usageError{"catalog " + sub + ": no key: pass --key or set DODO_PAYMENTS_API_KEY"}
	}
	if sub == "export" {
		return e.catalogExport(ctx, srv, *out)
	}
	if file == "" {
		return usageError{catalogUsage}
	}
	f, err := loadCatalog(file)
	if err != nil {
		return err
	}
	opt := catalogfile.Options{Prune: *prune}
	if sub == "plan" {
		p, err := catalogfile.MakePlan(ctx, srv, f, opt)
		if err != nil {
			return err
		}
		if *asJSON {
			raw, _ := json.MarshalIndent(p, "", "  ")
			fmt.Fprintln(e.stdout, string(raw))
		} else {
			fmt.Fprint(e.stdout, p.Text())
		}
		if p.Pending() {
			return exitCode(2)
		}
		return nil
	}
	p, err := catalogfile.MakePlan(ctx, srv, f, opt)
	if err != nil {
		return err
	}
	fmt.Fprint(e.stdout, p.Text())
	if err := p.Apply(ctx); err != nil {
		return err
	}
	if p.Pending() {
		fmt.Fprintln(e.stdout, "Applied.")
	}
	return nil
}

func loadCatalog(name string) (*catalogfile.File, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return catalogfile.Load(name, data)
}

func (e *env) catalogExport(ctx context.Context, srv catalogfile.Server, out string) error {
	f, generated, err := catalogfile.Export(ctx, srv)
	if err != nil {
		return err
	}
	data, err := catalogfile.Marshal(f)
	if err != nil {
		return err
	}
	data = append([]byte("# Pricebook catalog file: pricebook catalog apply FILE; schema: pricebook catalog schema\n"), data...)
	if len(generated) > 0 {
		fmt.Fprintf(e.stderr, "generated keys (the objects kept none): %s\n", strings.Join(generated, ", "))
	}
	if out == "" {
		_, err = e.stdout.Write(data)
		return err
	}
	return os.WriteFile(out, data, 0o644)
}
