package cli

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pricebook/pricebook/internal/bench"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
)

// bench runs the load benchmark: it seeds a database through the store,
// starts this binary as the server and as the bare baseline server, and
// measures every scenario against both.
func (e *env) bench(ctx context.Context, args []string) error {
	fs := e.flags("bench")
	db := fs.String("db", "", "database to benchmark (default: a new SQLite file in a temporary directory)")
	products := fs.Int("products", 20000, "products to seed before the run")
	conns := fs.Int("conns", 64, "concurrent connections")
	duration := fs.Duration("duration", 5*time.Second, "measuring time per scenario, for each server")
	warmup := fs.Duration("warmup", time.Second, "warm-up time per scenario, for each server")
	scenarios := fs.String("scenarios", "all", "comma-separated scenario names")
	out := fs.String("out", "bench-results", "directory for results.json, results.md and results.svg")
	pprofAddr := fs.String("pprof", "", "start the server with --pprof on this address, to profile it during the run")
	readCacheMB := fs.Int("read-cache-mb", -1, "start the server with --read-cache-mb (0 measures reads without the read cache; default: the server's)")
	server := fs.String("server", "", "path of another pricebook binary to measure as the server (an older build, for before and after); this one seeds, drives and is the baseline")
	stripeMock := fs.String("stripe-mock", "", "path of a stripe-mock binary: measure its POST /v1/products too, as a reference for create_product")
	nondurable := fs.Bool("pg-nondurable", false, "run on a PostgreSQL server with fsync or synchronous_commit off (refused otherwise: the figures would not be of durable writes)")
	webhookWorkers := fs.Int("webhook-workers", -1, "start the server with --webhook-workers (0 with --webhook: deliveries are queued but not sent, measuring the outbox on the write path alone; default: the server's)")
	webhook := fs.Bool("webhook", false, "before the scenarios, subscribe one webhook endpoint per bench tenant to every event, pointing at a receiver the benchmark runs (answers 204, counts deliveries)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	if *db == "" {
		dir, err := os.MkdirTemp("", "pricebook-bench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*db = filepath.Join(dir, "bench.db")
	}
	var pgSettings map[string]string
	if strings.HasPrefix(*db, "postgres://") || strings.HasPrefix(*db, "postgresql://") {
		if pgSettings, err = bench.PGDurability(ctx, *db); err != nil {
			return err
		}
		if (pgSettings["fsync"] != "on" || pgSettings["synchronous_commit"] != "on") && !*nondurable {
			return fmt.Errorf("the PostgreSQL server runs with fsync %s and synchronous_commit %s: its commits are not durable, so the figures would not be comparable (scripts/pg.sh start DIR --durable starts one that is; --pg-nondurable runs anyway)",
				pgSettings["fsync"], pgSettings["synchronous_commit"])
		}
	}
	fmt.Fprintf(e.stderr, "seeding %d products into %s ...\n", *products, redact(*db))
	t0 := time.Now()
	key, ids, engine, err := seed(ctx, *db, *products)
	if err != nil {
		return err
	}
	// The collection scenarios work in a business of their own, whose
	// products add_items uses up, one a request.
	var poolKey string
	var pool []string
	if *scenarios == "all" || strings.Contains(","+*scenarios+",", ",add_items,") || strings.Contains(","+*scenarios+",", ",create_group,") {
		fmt.Fprintf(e.stderr, "seeding %d products for the collection scenarios ...\n", freePool)
		if poolKey, pool, _, err = seed(ctx, *db, freePool); err != nil {
			return err
		}
	}
	var tenants []bench.Tenant
	if *scenarios == "all" || strings.Contains(","+*scenarios+",", ",mixed,") {
		fmt.Fprintf(e.stderr, "seeding %d more businesses of %d products for the mixed scenario ...\n", mixedTenants, mixedProducts)
		for range mixedTenants {
			k, ids, _, err := seed(ctx, *db, mixedProducts)
			if err != nil {
				return err
			}
			tenants = append(tenants, bench.Tenant{Key: k, Products: ids})
		}
	}
	fmt.Fprintf(e.stderr, "seeded in %s\n", time.Since(t0).Round(time.Millisecond))

	serveArgs := []string{"serve", "--addr", "127.0.0.1:0", "--db", *db}
	if *pprofAddr != "" {
		serveArgs = append(serveArgs, "--pprof", *pprofAddr)
	}
	if *readCacheMB >= 0 {
		serveArgs = append(serveArgs, "--read-cache-mb", fmt.Sprint(*readCacheMB))
	}
	if *webhookWorkers >= 0 {
		serveArgs = append(serveArgs, "--webhook-workers", fmt.Sprint(*webhookWorkers))
	}
	serverExe := exe
	if *server != "" {
		serverExe = *server
	}
	pb, err := bench.Start(serverExe, serveArgs, "/readyz")
	if err != nil {
		return err
	}
	defer pb.Stop()
	base, err := bench.Start(exe, []string{"bench-baseline", "--addr", "127.0.0.1:0"}, "")
	if err != nil {
		return err
	}
	defer base.Stop()
	fx, err := bench.Prepare(ctx, pb.Base, key, ids, poolKey, pool)
	if err != nil {
		return fmt.Errorf("preparing fixtures: %w", err)
	}
	fx.Tenants = tenants
	cfg := bench.Config{Key: key, Conns: *conns, Duration: *duration, Warmup: *warmup,
		Scenarios: bench.Select(bench.Scenarios(fx, *conns), *scenarios), Log: e.stderr}
	var recv *bench.Receiver
	var endpoints int
	if *webhook {
		// After the fixtures, so that their writes' deliveries do not run
		// into the measurements.
		if recv, err = bench.StartReceiver(); err != nil {
			return err
		}
		defer recv.Close()
		for _, k := range []string{key, poolKey} {
			if k == "" {
				continue
			}
			if err := bench.Subscribe(ctx, pb.Base, k, recv.URL); err != nil {
				return fmt.Errorf("subscribing the webhook receiver: %w", err)
			}
			endpoints++
		}
		cfg.Deliveries = recv.Deliveries
	}
	rep, err := bench.Run(ctx, cfg, pb, base)
	if err != nil {
		return err
	}
	if recv != nil {
		fmt.Fprintf(e.stderr, "waiting for the last webhook deliveries ...\n")
		n, quiet := recv.Drain(2*time.Second, time.Minute)
		rep.Webhook = &bench.WebhookRun{Endpoints: endpoints, Deliveries: n, Drained: quiet}
	}
	if *stripeMock != "" {
		fmt.Fprintf(e.stderr, "stripe-mock create ...\n")
		sm, err := bench.StartStripeMock(*stripeMock)
		if err != nil {
			return err
		}
		res := bench.StripeMockCreate(ctx, sm, *conns, *duration)
		sm.Stop()
		rep.StripeMock = &res
	}
	rep.Engine = string(engine)
	rep.Server = strings.Join(append([]string{"pricebook"}, serveArgs...), " ")
	rep.Server = strings.Replace(rep.Server, *db, redact(*db), 1)
	if engine == store.Postgres {
		fmt.Fprintf(e.stderr, "bare pgx baseline ...\n")
		ins, sel, err := bench.PgxBaseline(ctx, *db, *conns, *duration)
		if err != nil {
			return fmt.Errorf("pgx baseline: %w", err)
		}
		fmt.Fprintf(e.stderr, "bare HTTP server with pgx ...\n")
		var create bench.Next
		for _, s := range bench.Scenarios(fx, *conns) {
			if s.Name == "create_product" {
				create = s.Next
			}
		}
		hins, hsel, err := bench.PgxHTTPBaseline(ctx, exe, *db, *conns, *duration, create)
		if err != nil {
			return fmt.Errorf("HTTP and pgx baseline: %w", err)
		}
		rep.Storage = map[string]bench.Result{"insert": ins, "select": sel, "http_insert": hins, "http_select": hsel}
		rep.PGSettings = pgSettings
	}
	if *scenarios == "all" || strings.Contains(","+*scenarios+",", ",walk_products_100,") {
		fmt.Fprintf(e.stderr, "depth probe ...\n")
		hdr := http.Header{"Authorization": {"Bearer " + key}}
		if rep.Depth, err = bench.ProbeDepth(ctx, pb.Base, hdr, *products, 20); err != nil {
			return err
		}
	}
	rep.StartupMS = float64(pb.Ready.Microseconds()) / 1000
	rep.MaxRSSMB = pb.RSSMB()
	host, _ := os.Hostname()
	rep.Machine = fmt.Sprintf("%s, %d CPUs", host, numCPU())
	if err := rep.Write(*out); err != nil {
		return err
	}
	rep.Table(e.stdout)
	fmt.Fprintf(e.stderr, "results in %s/\n", *out)
	return nil
}

// freePool is how many products the collection scenarios may use up:
// enough for add_items at about 15k requests a second for a warm-up and a
// run of 5 s.
const freePool = 100000

// The mixed scenario's other businesses: how many, and their products
// each (the first business holds the --products catalog).
const (
	mixedTenants  = 3
	mixedProducts = 2000
)

// seed creates a business with a key and n products, through the store.
func seed(ctx context.Context, db string, n int) (key string, ids []string, engine store.Engine, err error) {
	st, err := ownStore(ctx, db)
	if err != nil {
		return "", nil, "", err
	}
	defer st.Close()
	b, err := st.CreateBusiness(ctx, "Bench")
	if err != nil {
		return "", nil, "", err
	}
	key, _, err = st.CreateKey(ctx, b.ID, catalog.ModeTest, false)
	if err != nil {
		return "", nil, "", err
	}
	tn := catalog.Tenant{BusinessID: b.ID, Mode: catalog.ModeTest}
	ids = make([]string, n)
	err = st.SeedProducts(ctx, tn, n, func(i int) *catalog.Product {
		ids[i] = catalog.NewID("pdt_")
		return seedProduct(ids[i], i)
	})
	return key, ids, st.Engine(), err
}

// seedProduct is a realistic product: the three price types in turn.
func seedProduct(id string, i int) *catalog.Product {
	desc := "Seeded product for scale and load tests"
	p := &catalog.Product{ID: id, Name: fmt.Sprintf("Product %d", i), Description: &desc, TaxCategory: "saas"}
	switch i % 3 {
	case 0:
		p.Price = catalog.Price{Type: catalog.PriceOneTime, Currency: "USD", Price: int64(100 + i%900)}
	case 1:
		p.Price = catalog.Price{Type: catalog.PriceRecurring, Currency: "EUR", Price: int64(100 + i%900),
			PaymentFrequencyCount: 1, PaymentFrequencyInterval: "Month", SubscriptionPeriodCount: 1, SubscriptionPeriodInterval: "Year"}
	default:
		p.Price = catalog.Price{Type: catalog.PriceUsage, Currency: "GBP", FixedPrice: int64(i % 900),
			PaymentFrequencyCount: 1, PaymentFrequencyInterval: "Month", SubscriptionPeriodCount: 1, SubscriptionPeriodInterval: "Month"}
	}
	return p
}

// benchBaseline serves the bare baseline until ctx ends.
func (e *env) benchBaseline(ctx context.Context, args []string) error {
	fs := e.flags("bench-baseline")
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	pgx := fs.String("pgx", "", "a PostgreSQL URL: serve the baseline with storage (bench.PgxHandler) instead of the bare one")
	if err := fs.Parse(args); err != nil {
		return err
	}
	h := bench.BaselineHandler()
	if *pgx != "" {
		var release func()
		var err error
		if h, release, err = bench.PgxHandler(ctx, *pgx); err != nil {
			return err
		}
		defer release()
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(e.stderr, "baseline: listening on http://%s\n", ln.Addr())
	go func() { <-ctx.Done(); srv.Close() }()
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}

// seedCmd bulk-loads products into a database for scale tests.
func (e *env) seedCmd(ctx context.Context, args []string) error {
	fs := e.flags("seed")
	db := e.dbFlag(fs)
	n := fs.Int("products", 1000, "number of products")
	if err := fs.Parse(args); err != nil {
		return err
	}
	t0 := time.Now()
	key, _, _, err := seed(ctx, *db, *n)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "seeded %d products in %s; key for the new business:\n", *n, time.Since(t0).Round(time.Millisecond))
	fmt.Fprintln(e.stdout, key)
	return nil
}
