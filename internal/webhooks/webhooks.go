// Package webhooks delivers the journal's events to webhook endpoints:
// the River workers that send the jobs write transactions enqueue
// (store/delivery.go), signed as Standard Webhooks (the way Dodo signs
// them), with Dodo's retry schedule and every attempt recorded.
package webhooks

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/riverqueue/river"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
)

// DefaultSchedule is Dodo's: the first attempt at once, then retries 5 s,
// 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after each failure.
var DefaultSchedule = []time.Duration{0, 5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour,
	5 * time.Hour, 10 * time.Hour, 10 * time.Hour}

// ParseSchedule reads a comma-separated list of durations: when each
// attempt is due after the one before failed (the first is the first
// attempt's, normally 0s).
func ParseSchedule(s string) ([]time.Duration, error) {
	var out []time.Duration
	for _, part := range strings.Split(s, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(part))
		if err != nil || d < 0 {
			return nil, fmt.Errorf("retry schedule: %q is not a duration", part)
		}
		out = append(out, d)
	}
	return out, nil
}

// Config tunes the deliveries.
type Config struct {
	Schedule    []time.Duration // DefaultSchedule when empty
	PrivateURLs catalog.PrivateURLs
	Timeout     time.Duration // per attempt; DefaultTimeout when zero
	Workers     int           // concurrent deliveries; DefaultWorkers when zero
	Log         *slog.Logger
	// Observe, when set, hears of each attempt: whether it succeeded and
	// how long after its event it began (metrics).
	Observe func(ok bool, lag time.Duration)
}

// DefaultWorkers is how many deliveries one server attempts at once.
const DefaultWorkers = 20

// DefaultTimeout is Dodo's: an attempt that has no answer after 15 s failed.
const DefaultTimeout = 15 * time.Second

// Worker sends one delivery job.
type Worker struct {
	river.WorkerDefaults[store.DeliveryArgs]
	st     *store.Store
	cfg    Config
	client map[catalog.Mode]*http.Client
}

// jobTimeout bounds one attempt's job: the HTTP client's own timeout in
// charge, with room to record the attempt.
func (c Config) jobTimeout() time.Duration { return c.Timeout + 5*time.Second }

// rescueAfter is when River takes a job still running for one whose
// server died mid-attempt and makes it due again (River's rescuer looks
// every 30 s): an attempt in flight when a server is killed is retried
// within about a minute, by any server.
func (c Config) rescueAfter() time.Duration { return c.jobTimeout() + 10*time.Second }

// Start starts River's client working the deliveries; stop it with Stop.
func Start(ctx context.Context, st *store.Store, cfg Config) (*river.Client[*sql.Tx], error) {
	if len(cfg.Schedule) == 0 {
		cfg.Schedule = DefaultSchedule
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Workers == 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	w := &Worker{st: st, cfg: cfg, client: map[catalog.Mode]*http.Client{}}
	for _, m := range []catalog.Mode{catalog.ModeTest, catalog.ModeLive} {
		w.client[m] = w.httpClient(cfg.PrivateURLs.Allows(m))
	}
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, w); err != nil {
		return nil, err
	}
	c, err := river.NewClient(st.River(), &river.Config{
		Queues:            map[string]river.QueueConfig{store.DeliveryQueue: {MaxWorkers: cfg.Workers}},
		Workers:           workers,
		FetchPollInterval: 100 * time.Millisecond, // the least River takes
		FetchCooldown:     50 * time.Millisecond,
		// The default (an hour) would leave a delivery caught by a crash
		// undelivered that long.
		JobTimeout:           cfg.jobTimeout(),
		RescueStuckJobsAfter: cfg.rescueAfter(),
		// River's own lines (job counts every few seconds, each retry) at
		// warning and above only: every attempt is in the delivery log.
		Logger: slog.New(atLeast{cfg.Log.Handler(), slog.LevelWarn}),
	})
	if err != nil {
		return nil, err
	}
	return c, c.Start(ctx)
}

// atLeast passes on records of level min and above.
type atLeast struct {
	slog.Handler
	min slog.Level
}

func (h atLeast) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h atLeast) WithAttrs(a []slog.Attr) slog.Handler { return atLeast{h.Handler.WithAttrs(a), h.min} }
func (h atLeast) WithGroup(n string) slog.Handler      { return atLeast{h.Handler.WithGroup(n), h.min} }

// errPolicy is a connection refused by the private-address policy.
var errPolicy = errors.New("the address is private and the policy forbids it")

// httpClient returns a client that, unless allowPrivate, refuses to
// connect to private addresses: checked on the address actually dialled,
// after DNS, which the URL check at write time cannot see.
func (w *Worker) httpClient(allowPrivate bool) *http.Client {
	d := &net.Dialer{Timeout: w.cfg.Timeout}
	if !allowPrivate {
		d.Control = func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip, err := netip.ParseAddr(host)
			if err != nil || catalog.PrivateAddress(ip) {
				return errPolicy
			}
			return nil
		}
	}
	tr := &http.Transport{DialContext: d.DialContext, Proxy: nil, MaxIdleConnsPerHost: 4, IdleConnTimeout: 90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second}
	return &http.Client{Transport: tr, Timeout: w.cfg.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// NextRetry follows the schedule: attempt n failed, attempt n+1 is due
// schedule[n] later.
func (w *Worker) NextRetry(job *river.Job[store.DeliveryArgs]) time.Time {
	return time.Now().Add(w.delay(job.Attempt))
}

func (w *Worker) delay(attempt int) time.Duration {
	if attempt < len(w.cfg.Schedule) {
		return w.cfg.Schedule[attempt]
	}
	return w.cfg.Schedule[len(w.cfg.Schedule)-1]
}

// Timeout bounds one attempt's job (Config.jobTimeout).
func (w *Worker) Timeout(*river.Job[store.DeliveryArgs]) time.Duration { return w.cfg.jobTimeout() }

// Work makes one attempt.
func (w *Worker) Work(ctx context.Context, job *river.Job[store.DeliveryArgs]) error {
	a := job.Args
	tn := catalog.Tenant{BusinessID: a.BusinessID, Mode: catalog.Mode(a.Mode)}
	ep, err := w.st.WebhookEndpointForDelivery(ctx, a)
	if catalog.ErrorKind(err) == catalog.KindNotFound {
		return nil // deleted since: nothing to send
	}
	if err != nil {
		return err
	}
	if ep.Disabled {
		return nil // disabled since the event: skipped
	}
	if ep.RateLimit != nil && *ep.RateLimit > 0 {
		if wait, err := w.overRate(ctx, ep.ID, *ep.RateLimit); err != nil || wait > 0 {
			if err != nil {
				return err
			}
			return river.JobSnooze(wait) // waiting is no attempt
		}
	}
	d := &catalog.WebhookDelivery{EndpointID: ep.ID, EventID: a.EventID, EventType: a.Type, Attempt: job.Attempt}
	data, err := w.st.DeliveryData(ctx, a)
	if catalog.ErrorKind(err) == catalog.KindNotFound {
		// Pruned from the journal before it was sent: logged, not retried.
		d.Error = "the event is no longer in the journal (its retention ended first)"
		if err := w.st.RecordWebhookDelivery(context.WithoutCancel(ctx), tn, d); err != nil {
			w.cfg.Log.Error("webhook delivery log", "err", err)
		}
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	body, err := json.Marshal(struct {
		BusinessID string          `json:"business_id"`
		Type       string          `json:"type"`
		Timestamp  string          `json:"timestamp"`
		Data       json.RawMessage `json:"data"`
	}{a.BusinessID, a.Type, a.Timestamp.UTC().Format(time.RFC3339), data})
	if err != nil {
		return err
	}
	began := time.Now()
	sendErr := w.send(ctx, w.client[tn.Mode], ep, a.EventID, body, d)
	if w.cfg.Observe != nil {
		w.cfg.Observe(sendErr == nil, began.Sub(a.Timestamp))
	}
	last := job.Attempt >= len(w.cfg.Schedule)
	if sendErr != nil && !last {
		next := time.Now().Add(w.delay(job.Attempt)).UTC()
		d.NextRetryAt = &next
	}
	if err := w.st.RecordWebhookDelivery(context.WithoutCancel(ctx), tn, d); err != nil {
		w.cfg.Log.Error("webhook delivery log", "err", err)
	}
	switch {
	case sendErr == nil:
		return nil
	case last:
		return river.JobCancel(sendErr)
	}
	return sendErr
}

// overRate admits this delivery under the endpoint's rate, shared by
// every server through the database (store.TakeWebhookSlot), or says how
// long to wait, with up to a tenth of a second more so that the waiting
// deliveries do not all come back at once.
func (w *Worker) overRate(ctx context.Context, id string, perSecond int) (time.Duration, error) {
	wait, err := w.st.TakeWebhookSlot(ctx, id, perSecond, time.Now())
	if err != nil || wait == 0 {
		return 0, err
	}
	return wait + rand.N(100*time.Millisecond), nil
}

// responseExcerpt is how much of a response the delivery log keeps.
const responseExcerpt = 1024

// send posts body to the endpoint, signed, and fills d with what came
// back; only a 2xx answer succeeds.
func (w *Worker) send(ctx context.Context, c *http.Client, ep *catalog.WebhookEndpoint, id string, body []byte, d *catalog.WebhookDelivery) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(body))
	if err != nil {
		d.Error = err.Error()
		return err
	}
	for k, v := range ep.Headers {
		req.Header.Set(k, v)
	}
	now := time.Now()
	ts := now.Unix()
	var sigs []string
	for _, secret := range ep.SigningSecrets(now) {
		sig, err := Sign(secret, id, ts, body)
		if err != nil {
			d.Error = err.Error()
			return err
		}
		sigs = append(sigs, sig)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	// Standard Webhooks: space-separated signatures, one per valid secret
	// (two for a day after a rotation).
	req.Header.Set("webhook-signature", strings.Join(sigs, " "))
	start := time.Now()
	resp, err := c.Do(req)
	d.Duration = time.Since(start)
	if err != nil {
		d.Error = err.Error()
		return err
	}
	defer resp.Body.Close()
	excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, responseExcerpt))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // lets the connection be reused
	code := resp.StatusCode
	d.StatusCode, d.Response = &code, strings.ToValidUTF8(string(excerpt), "")
	if code < 200 || code > 299 {
		d.Error = fmt.Sprintf("webhook endpoint answered %d", code)
		return errors.New(d.Error)
	}
	return nil
}

// Sign returns the Standard Webhooks signature header value of a message:
// "v1," and the base64 HMAC-SHA256 of "id.timestamp.body" keyed with the
// secret's base64 part (after "whsec_").
func Sign(secret, id string, ts int64, body []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return "", fmt.Errorf("webhook secret: %w", err)
	}
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%s.%d.", id, ts)
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil)), nil
}
