// Package cli implements the pricebook subcommands.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"runtime"
	"runtime/debug"
)

// Version is set at build time with -ldflags "-X .../cli.Version=v1.2.3".
var Version = ""

// env is the process environment, passed in so tests control it.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

const usage = `pricebook: a self-hosted product catalog serving the Dodo Payments and ChartMogul APIs.

Usage:
  pricebook serve   [--addr 127.0.0.1:8080] [--db pricebook.db]   run the server
  pricebook migrate [--db pricebook.db]                           apply database migrations
  pricebook keys create --mode test|live [--read-only] [--business bus_...|--new-business] [--db D]
  pricebook keys list   [--json] [--db D]                          list keys (never secrets)
  pricebook keys revoke KEY [--db D]                               revoke a key by id or token
  pricebook seed --products N [--db D]                            bulk-load products (prints a key)
  pricebook events [--type T] [--object ID] [--limit 20] [--follow] [--base-url U] [--key K]
                                                                  print the change journal (JSON lines)
  pricebook history ID [--as-of T] [--base-url U] [--key K]       print an object's versions, or it as of T
  pricebook catalog schema                                        print the catalog file's JSON Schema
  pricebook catalog export [-o FILE]                              write the key's partition as a catalog file
  pricebook catalog plan FILE [--json] [--prune]                  print what apply would do (exit 2: changes pending)
  pricebook catalog apply FILE [--prune]                          make the partition what the file says
                                                                  (catalog: --base-url U --key K
                                                                  --chartmogul-base-url U --chartmogul-key K)
  pricebook bench [--db D] [--products N] [--conns 64] [--duration 5s] [--out bench-results]
                                                                  load benchmark against a bare baseline
  pricebook version                                               print the version
  pricebook help                                                  print this help

--db takes a SQLite file path (default pricebook.db), ":memory:", or a
postgres:// URL. Environment: PRICEBOOK_ADDR, PRICEBOOK_DB; events, history
and catalog talk to a running server: DODO_PAYMENTS_BASE_URL, DODO_PAYMENTS_API_KEY.
`

// Run runs the subcommand in args and returns the process exit code.
func Run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = e.serve(ctx, args[1:])
	case "migrate":
		err = e.migrate(ctx, args[1:])
	case "keys":
		err = e.keys(ctx, args[1:])
	case "seed":
		err = e.seedCmd(ctx, args[1:])
	case "events":
		err = e.events(ctx, args[1:])
	case "history":
		err = e.history(ctx, args[1:])
	case "catalog":
		err = e.catalog(ctx, args[1:])
	case "bench":
		err = e.bench(ctx, args[1:])
	case "bench-baseline":
		err = e.benchBaseline(ctx, args[1:])
	case "version", "--version":
		fmt.Fprintln(stdout, "pricebook", version())
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "pricebook: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var code exitCode
	if errors.As(err, &code) {
		return int(code)
	}
	if err != nil {
		fmt.Fprintln(stderr, "pricebook:", err)
		var ue usageError
		if errors.As(err, &ue) {
			return 2
		}
		return 1
	}
	return 0
}

// usageError marks a bad command line.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// dbFlag registers --db with its environment default.
func (e *env) dbFlag(fs *flag.FlagSet) *string {
	def := e.getenv("PRICEBOOK_DB")
	if def == "" {
		def = "pricebook.db"
	}
	return fs.String("db", def, "SQLite file, :memory:, or postgres:// URL (env PRICEBOOK_DB)")
}

func (e *env) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("pricebook "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// redact hides a password in a database URL for logs.
func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			return u.String()
		}
	}
	return dsn
}

func numCPU() int { return runtime.NumCPU() }
