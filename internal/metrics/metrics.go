// Package metrics exposes Pricebook's Prometheus metrics (serve
// --metrics-addr), on the standard Go client: requests by face, route
// pattern and status with latency histograms, the SQLite writer's batch
// sizes and commit latency, pool waits, read-cache lookups, webhook
// deliveries and their lag, the journal's horizon lag, injected faults.
// Labels never hold a key, a tenant or a path with ids: routes are the
// route table's patterns.
package metrics

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/pricebook/pricebook/internal/store"
)

// Metrics holds the server's collectors; a nil *Metrics records nothing,
// so callers need not check.
type Metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	batch       prometheus.Histogram
	commit      prometheus.Histogram
	poolWait    prometheus.Histogram
	cache       *prometheus.CounterVec
	deliveries  *prometheus.CounterVec
	deliveryLag prometheus.Histogram
	faults      *prometheus.CounterVec
}

// New registers the collectors; Watch adds those read from the store.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pricebook_http_requests_total",
			Help: "Requests answered, by face, route pattern and status."}, []string{"face", "route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "pricebook_http_request_duration_seconds",
			Help: "Time to answer a request, by face and route pattern.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14)},
			[]string{"face", "route"}),
		batch: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "pricebook_store_write_batch_size",
			Help: "Writes committed together by one SQLite group commit.", Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256}}),
		commit: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "pricebook_store_commit_seconds",
			Help: "Time a write transaction's commit took (fsync included).", Buckets: prometheus.ExponentialBuckets(0.0001, 2, 14)}),
		poolWait: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "pricebook_store_pool_wait_seconds",
			Help: "Time a read waited for a turn on the connection pool.", Buckets: prometheus.ExponentialBuckets(0.00001, 4, 10)}),
		cache: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pricebook_read_cache_lookups_total",
			Help: "Read-cache lookups, by result (hit or miss)."}, []string{"result"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pricebook_webhook_attempts_total",
			Help: "Webhook delivery attempts, by result (success or failure)."}, []string{"result"}),
		deliveryLag: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "pricebook_webhook_delivery_lag_seconds",
			Help: "Time from an event to the start of a delivery attempt of it.", Buckets: prometheus.ExponentialBuckets(0.01, 4, 12)}),
		faults: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pricebook_faults_injected_total",
			Help: "Faults injected, by source (header or rule)."}, []string{"source"}),
	}
	m.reg.MustRegister(m.requests, m.duration, m.batch, m.commit, m.poolWait, m.cache, m.deliveries, m.deliveryLag, m.faults,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Watch adds the gauges read from st at each scrape: the journal's
// horizon lag and the webhook backlog.
func (m *Metrics) Watch(st *store.Store) {
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "pricebook_journal_horizon_lag_seconds",
			Help: "Age of the oldest transaction running on the database server: ascending journal reads wait below it (0 on SQLite)."},
			func() float64 { return scrape(st.JournalHorizonLag).Seconds() }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "pricebook_webhook_backlog",
			Help: "Webhook deliveries waiting to be attempted (due now, scheduled or to be retried)."},
			func() float64 { return float64(scrape(st.WebhookBacklog)) }),
	)
}

// scrape reads one value from the store, within a scrape's patience.
func scrape[T any](read func(context.Context) (T, error)) T {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	v, _ := read(ctx)
	return v
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Instrument counts and times next's requests under the face's name and
// the route's pattern.
func (m *Metrics) Instrument(face, route string, next http.Handler) http.Handler {
	if m == nil {
		return next
	}
	labels := prometheus.Labels{"face": face, "route": route}
	return promhttp.InstrumentHandlerCounter(m.requests.MustCurryWith(labels),
		promhttp.InstrumentHandlerDuration(m.duration.MustCurryWith(labels), next))
}

// WriteBatch records one commit of n writes (store.Observer).
func (m *Metrics) WriteBatch(n int, commit time.Duration) {
	if m == nil {
		return
	}
	if n > 0 {
		m.batch.Observe(float64(n))
	}
	m.commit.Observe(commit.Seconds())
}

// PoolWait records a wait for a pool turn (store.Observer).
func (m *Metrics) PoolWait(d time.Duration) {
	if m != nil {
		m.poolWait.Observe(d.Seconds())
	}
}

// CacheLookup records a read-cache lookup.
func (m *Metrics) CacheLookup(hit bool) {
	if m != nil {
		m.cache.WithLabelValues(map[bool]string{true: "hit", false: "miss"}[hit]).Inc()
	}
}

// Delivery records a webhook attempt and how long after its event it began.
func (m *Metrics) Delivery(ok bool, lag time.Duration) {
	if m == nil {
		return
	}
	m.deliveries.WithLabelValues(map[bool]string{true: "success", false: "failure"}[ok]).Inc()
	m.deliveryLag.Observe(lag.Seconds())
}

// Fault records an injected fault from source ("header" or "rule").
func (m *Metrics) Fault(source string) {
	if m != nil {
		m.faults.WithLabelValues(source).Inc()
	}
}
