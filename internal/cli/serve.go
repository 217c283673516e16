package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/pricebook/pricebook/internal/api/chartmogul"
	"github.com/pricebook/pricebook/internal/api/dodo"
	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/api/pricebook"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/metrics"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/uploads"
	"github.com/pricebook/pricebook/internal/web"
	"github.com/pricebook/pricebook/internal/web/checkout"
	"github.com/pricebook/pricebook/internal/webhooks"
)

// defaultGCPercent is the garbage collector's GOGC while the environment
// sets none: twice Go's default heap growth between collections. A write
// allocates its request, its rendered document and its journal row, and
// at Go's 100 collecting was a twentieth of a create's CPU; at 200 creates
// ran 8% faster for 30 to 90 MB more peak memory under the benchmark's
// load.
const defaultGCPercent = 200

// serveConfig is everything serve needs, from flags and environment.
type serveConfig struct {
	addr string
	db   string
}

func (e *env) serve(ctx context.Context, args []string) error {
	fs := e.flags("serve")
	var cfg serveConfig
	addr := e.getenv("PRICEBOOK_ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	fs.StringVar(&cfg.addr, "addr", addr, "listen address (env PRICEBOOK_ADDR)")
	db := e.dbFlag(fs)
	headerTimeout := fs.Duration("read-header-timeout", 10*time.Second, "how long a client may take to send its request headers")
	rateLimit := fs.Int("rate-limit", 0, "requests per minute per API key, with bursts of a sixth of it (0 = off)")
	openTestKeys := fs.Bool("open-test-keys", false, "any token pb_test_ + 16 or more characters that is no issued key makes its own business and test-mode key on first use (a namespace per test, for test suites; never on a server others can reach)")
	inspectMB := fs.Int("inspect-mb", 32, "memory for the request inspector (GET /_pricebook/v1/requests: each test-mode tenant's recent requests; 0 = off)")
	inspectLive := fs.Bool("inspect-live", false, "let the request inspector keep live-mode requests too")
	metricsAddr := fs.String("metrics-addr", "", "serve Prometheus metrics at /metrics on this address (off by default)")
	pprofAddr := fs.String("pprof", "", "serve net/http/pprof on this address (off by default; never expose it)")
	privateURLs := catalog.PrivateURLsTest
	fs.Func("webhook-private-urls", "when webhook URLs may name loopback, private or link-local addresses: test (test-mode keys only; the default), always or never",
		func(v string) (err error) {
			privateURLs, err = catalog.ParsePrivateURLs(v)
			return err
		})
	readCacheMB := fs.Int("read-cache-mb", httpx.DefaultReadCacheMB, "memory for rendered reads, kept while the data is unchanged (SQLite only; 0 = off)")
	schedule := webhooks.DefaultSchedule
	fs.Func("webhook-retry-schedule", "when each webhook delivery attempt is due after the one before failed, comma-separated (default Dodo's: 0s,5s,5m,30m,2h,5h,10h,10h)",
		func(v string) (err error) {
			schedule, err = webhooks.ParseSchedule(v)
			return err
		})
	webhookTimeout := fs.Duration("webhook-timeout", webhooks.DefaultTimeout, "how long a webhook delivery attempt waits for the endpoint's answer (Dodo's: 15s); an attempt cut off by a crash is retried about this plus 15 to 45 s later")
	webhookWorkers := fs.Int("webhook-workers", webhooks.DefaultWorkers, "how many webhook delivery attempts this server makes at once; 0: it sends none and only queues them, for other servers over the same PostgreSQL (or a later start) to send")
	retention := fs.Duration("journal-retention", 0, "delete journal events and webhook delivery attempts older than this, in the background (0 = keep everything)")
	publicURL := fs.String("public-url", "", "the base URL clients reach this server at, for the URLs it hands out (short links, uploads, images), e.g. https://pricebook.example.com (default http://<listen address>)")
	blobs := fs.String("blobs", "", "where uploaded images and files live: s3://bucket?endpoint=...&region=...&use_path_style=true, file:///dir or mem:// (default: <db>.blobs beside a SQLite file; memory for :memory:; ./pricebook.blobs for PostgreSQL)")
	uploadTTL := fs.Duration("upload-url-ttl", uploads.DefaultUploadTTL, "how long an upload URL is valid (tests shorten it)")
	seed := fs.String("seed", "", "apply this catalog file (pricebook catalog) to a test-mode partition at start: the key the file fixes (made when absent), else the first business's; a reset of that partition restores it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(defaultGCPercent)
	}
	if *webhookWorkers < 0 {
		return fmt.Errorf("--webhook-workers must be 0 or more, not %d", *webhookWorkers)
	}
	if *webhookTimeout <= 0 {
		return fmt.Errorf("--webhook-timeout must be positive, not %v", *webhookTimeout)
	}
	cfg.db = *db
	if *publicURL != "" {
		if err := checkPublicURL(*publicURL); err != nil {
			return err
		}
	}
	// Request lines are buffered: one write a tenth of a second instead
	// of one a request.
	logOut := httpx.NewLogWriter(e.stderr, 100*time.Millisecond)
	defer logOut.Close()
	logger := slog.New(slog.NewTextHandler(logOut, nil))

	var m *metrics.Metrics // nil records nothing
	var observer store.Observer
	if *metricsAddr != "" {
		m = metrics.New()
		observer = m
	}
	st, err := openStoreOpt(ctx, cfg.db, store.Options{Owner: true, WebhookPrivateURLs: privateURLs, Observer: observer})
	if err != nil {
		return err
	}
	defer st.Close()

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	public := strings.TrimRight(*publicURL, "/")
	if public == "" {
		public = base
	}
	bucket, err := uploads.OpenBucket(ctx, *blobs, cfg.db)
	if err != nil {
		ln.Close()
		return err
	}
	defer bucket.Close()
	switch {
	case bucket.Local:
		logger.Warn("uploads are kept in a directory of this machine; several servers over one PostgreSQL need shared storage: --blobs s3://...", "blobs", bucket.URL)
	case bucket.Ephemeral && st.Engine() == store.Postgres:
		logger.Warn("uploads are kept in memory and lost at exit: pass --blobs (s3://... for several servers)")
	}
	up, err := uploads.New(ctx, st, bucket, uploads.Config{PublicURL: public, UploadTTL: *uploadTTL, Log: logger})
	if err != nil {
		ln.Close()
		return err
	}
	token, b, err := st.Bootstrap(ctx, "My business")
	if err != nil {
		ln.Close()
		return err
	}
	if token != "" {
		fmt.Fprintf(e.stdout, `
Pricebook created business %s and a test-mode API key for it.
The key is shown only this once; keep it somewhere safe:

  export DODO_PAYMENTS_API_KEY=%s
  export DODO_PAYMENTS_BASE_URL=%s

  curl -H "Authorization: Bearer %s" %s/products

Or open the dashboard, %s%s, and sign in with the key.

`, b.ID, token, base, token, base, public, web.Prefix)
	}
	var sd *seeder
	if *seed != "" {
		if sd, err = newSeeder(ctx, st, *seed); err != nil {
			ln.Close()
			return err
		}
		sd.base = base
	}

	// Webhook deliveries, on River, beside the request path. Started on a
	// context shutdown does not cancel: Stop below lets the attempts
	// running finish once the HTTP server has drained.
	stopJobs := func() {}
	if *webhookWorkers == 0 {
		logger.Warn("this server sends no webhook deliveries (--webhook-workers 0): it queues them for a server that does")
	} else {
		jobs, err := webhooks.Start(context.WithoutCancel(ctx), st, webhooks.Config{Schedule: schedule, PrivateURLs: privateURLs,
			Timeout: *webhookTimeout, Workers: *webhookWorkers, Log: logger, Observe: m.Delivery})
		if err != nil {
			ln.Close()
			return fmt.Errorf("webhook deliveries: %w", err)
		}
		stopJobs = func() {
			stopCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if err := jobs.Stop(stopCtx); err != nil {
				logger.Warn("webhook deliveries: stop", "err", err)
			}
		}
	}

	// Closed when shutdown begins, so event streams end and the server
	// drains.
	done := make(chan struct{})
	srv := &http.Server{
		Handler: newHandler(face.Deps{Store: st, Log: logger, Limiter: limiter(*rateLimit), Reads: readCache(st, *readCacheMB, m), Metrics: m,
			OpenTestKeys: *openTestKeys, Inspector: inspector(*inspectMB), InspectLive: *inspectLive, Done: done, PublicURL: public, Uploads: up,
			Reseed: sd.reseed()}),
		ReadHeaderTimeout: *headerTimeout,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	srv.RegisterOnShutdown(func() { close(done) })
	listening := func() {
		fmt.Fprintf(e.stderr, "pricebook %s: listening on %s (%s); dashboard at %s%s\n", version(), base, st.Engine(), public, web.Prefix)
	}
	if sd == nil {
		listening()
	}

	if *pprofAddr != "" {
		go servePprof(*pprofAddr, logger)
	}
	if m != nil {
		m.Watch(st)
		go serveMetrics(*metricsAddr, m, logger)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go housekeep(ctx, st, up, logger, *retention)
	if sd != nil {
		if err := sd.apply(ctx); err != nil {
			logger.Error("seeding", "err", err)
			srv.Close()
			stopJobs()
			<-errc
			return err
		}
		fmt.Fprintf(e.stderr, "pricebook: seeded %s from %s\n", sd.tn, *seed)
		listening() // only now: a client that waits for it finds the catalog
	}
	select {
	case err := <-errc:
		stopJobs()
		return err
	case <-ctx.Done():
	}
	// In-flight requests finish; every acknowledged write was committed
	// before its response, so closing the store afterwards loses nothing.
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	stopJobs()
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// checkPublicURL accepts an absolute http(s) URL with a host and nothing
// after the path.
func checkPublicURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("--public-url must be an absolute http or https URL without query or fragment, like https://pricebook.example.com, not %q", s)
	}
	return nil
}

// limiter returns the per-key rate limiter, nil when off.
func limiter(perMinute int) *httpx.RateLimiter {
	if perMinute <= 0 {
		return nil
	}
	return httpx.NewRateLimiter(perMinute, perMinute/6)
}

// inspector returns the request inspector, nil when off.
func inspector(mb int) *httpx.Inspector {
	if mb <= 0 {
		return nil
	}
	return httpx.NewInspector(mb << 20)
}

// readCache returns the read cache both faces share, nil when off.
func readCache(st *store.Store, mb int, m *metrics.Metrics) *httpx.ReadCache {
	if mb <= 0 {
		return nil
	}
	c := httpx.NewReadCache(st, mb<<20)
	if m != nil {
		c.Observe = m.CacheLookup
	}
	return c
}

// serveMetrics serves Prometheus metrics on their own listener.
func serveMetrics(addr string, m *metrics.Metrics, logger *slog.Logger) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	logger.Info("metrics enabled", "addr", addr)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		logger.Warn("metrics server stopped", "err", err)
	}
}

// newHandler composes the faces, built from deps, and the health endpoints,
// and the public pages of short links (internal/web/checkout), which live
// outside the faces' paths under deps.PublicURL.
func newHandler(deps face.Deps) http.Handler {
	st, logger := deps.Store, deps.Log
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := st.Ready(ctx); err != nil {
			logger.Warn("not ready", "err", err)
			httpx.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
			return
		}
		httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	checkout.New(st, logger, deps.PublicURL).Mount(mux)
	cm, d, own := chartmogul.New(deps), dodo.New(deps), pricebook.New(deps)
	mux.Handle("/v1/", cm)
	mux.Handle(pricebook.Prefix, own)
	mux.Handle("/", d)
	// The dashboard: its pages under web.Prefix, and GET / for a browser
	// (an API client asking for / keeps the Dodo face's JSON 404).
	dash := web.New(web.Config{Store: st, Log: logger, Inspector: deps.Inspector, Uploads: deps.Uploads, PublicURL: deps.PublicURL, Done: deps.Done})
	mux.Handle(web.Prefix, dash)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		if web.WantsHTML(r) {
			dash.Root(w, r)
			return
		}
		d.ServeHTTP(w, r)
	})
	if up := deps.Uploads; up != nil {
		// Signed upload and download URLs and public image URLs: no key.
		h := up.Handler()
		for _, p := range []string{uploads.UploadPath, uploads.ImagePath, uploads.DownloadPath} {
			mux.Handle(p, h)
		}
	}
	return httpx.Log(logger, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if face.Canonical(r.URL.EscapedPath()) {
			mux.ServeHTTP(w, r)
			return
		}
		// The mux would redirect the path to its cleaned form, in HTML;
		// the face it falls under answers it with its own 404.
		switch {
		case strings.HasPrefix(r.URL.Path, "/v1/"):
			cm.ServeHTTP(w, r)
		case strings.HasPrefix(r.URL.Path, pricebook.Prefix):
			own.ServeHTTP(w, r)
		default:
			d.ServeHTTP(w, r)
		}
	}))
}

// housekeeping is how often expired idempotency records, and journal
// events past the retention, are deleted.
const housekeeping = 10 * time.Minute

// orphanSweep is how often the blob store is listed for blobs no upload
// names (uploads.SweepOrphans): it reads the whole bucket.
const orphanSweep = 6 * time.Hour

// housekeep deletes expired idempotency records and, with a retention,
// old journal events, every few minutes, off the request path, until ctx
// ends. With several servers over PostgreSQL only one prunes at a time.
func housekeep(ctx context.Context, st *store.Store, up *uploads.Service, logger *slog.Logger, retention time.Duration) {
	tick := time.NewTicker(housekeeping)
	defer tick.Stop()
	var swept time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if n, err := st.PruneIdempotency(ctx); err != nil && ctx.Err() == nil {
			logger.Warn("pruning idempotency keys", "err", err)
		} else if n > 0 {
			logger.Info("pruned idempotency keys", "count", n)
		}
		if n, err := up.Prune(ctx); err != nil && ctx.Err() == nil {
			logger.Warn("pruning uploads never attached", "err", err)
		} else if n > 0 {
			logger.Info("pruned uploads never attached", "count", n)
		}
		if time.Since(swept) >= orphanSweep {
			swept = time.Now()
			if n, err := up.SweepOrphans(ctx); err != nil && ctx.Err() == nil {
				logger.Warn("sweeping orphan blobs", "err", err)
			} else if n > 0 {
				logger.Info("removed orphan blobs", "count", n)
			}
		}
		if retention <= 0 {
			continue
		}
		if n, err := st.PruneEvents(ctx, retention); err != nil && ctx.Err() == nil {
			logger.Warn("pruning journal events", "err", err)
		} else if n > 0 {
			logger.Info("pruned journal events", "count", n)
		}
		if n, err := st.PruneWebhookDeliveries(ctx, time.Now().Add(-retention)); err != nil && ctx.Err() == nil {
			logger.Warn("pruning webhook deliveries", "err", err)
		} else if n > 0 {
			logger.Info("pruned webhook deliveries", "count", n)
		}
	}
}

// servePprof serves the profiling endpoints on their own listener, so they
// are never reachable through the API address.
func servePprof(addr string, logger *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	logger.Info("pprof enabled", "addr", addr)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		logger.Warn("pprof server stopped", "err", err)
	}
}
