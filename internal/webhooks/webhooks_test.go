package webhooks_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/pgtest"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
	"github.com/pricebook/pricebook/internal/webhooks"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// verify checks a message as a Standard Webhooks receiver does: the
// timestamp within five minutes, and one of the space-separated v1
// signatures the HMAC-SHA256 of "id.timestamp.body" under the secret's
// base64-decoded key.
func verify(secret string, h http.Header, body []byte) error {
	id, ts, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || ts == "" || sigs == "" {
		return fmt.Errorf("missing headers")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return err
	}
	if d := time.Since(time.Unix(sec, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return fmt.Errorf("timestamp too far off: %v", d)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + "." + ts + "."))
	m.Write(body)
	want := m.Sum(nil)
	for _, s := range strings.Fields(sigs) {
		v, b64, ok := strings.Cut(s, ",")
		if !ok || v != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(b64)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return fmt.Errorf("no valid signature")
}

type received struct {
	id, typ string
	header  http.Header
	body    map[string]any
}

// receiver records deliveries, verifying each against the endpoint's
// secret (set once the endpoint exists), failing the first fail ones.
type receiver struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	secret string
	fail   int
	got    []received
	calls  int
}

func newReceiver(t *testing.T, fail int) *receiver {
	r := &receiver{t: t, fail: fail}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.calls++
		if err := verify(r.secret, req.Header, body); err != nil {
			t.Errorf("signature: %v", err)
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Errorf("body: %v", err)
		}
		r.got = append(r.got, received{id: req.Header.Get("webhook-id"), typ: fmt.Sprint(m["type"]), header: req.Header.Clone(), body: m})
		if r.calls <= r.fail {
			http.Error(w, "not yet", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok"))
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) snapshot() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

func (r *receiver) endpoint(t *testing.T, st *store.Store, tn catalog.Tenant, w catalog.WebhookEndpoint) *catalog.WebhookEndpoint {
	t.Helper()
	w.URL = r.srv.URL + "/hook"
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := st.CreateWebhookEndpoint(context.Background(), tn, &w); err != nil {
		t.Fatal(err)
	}
	r.secret = w.Secret
	return &w
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(40 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestDeliveries(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		all, filtered, disabled, flaky := newReceiver(t, 0), newReceiver(t, 0), newReceiver(t, 0), newReceiver(t, 2)
		// Events: each endpoint's creation, then flaky's update.
		e1 := all.endpoint(t, st, tn, catalog.WebhookEndpoint{Headers: map[string]string{"X-Custom": "yes"}})
		filtered.endpoint(t, st, tn, catalog.WebhookEndpoint{FilterTypes: []string{"product.created"}})
		disabled.endpoint(t, st, tn, catalog.WebhookEndpoint{Disabled: true})
		e4 := flaky.endpoint(t, st, tn, catalog.WebhookEndpoint{FilterTypes: []string{"webhook_endpoint.updated"}})
		desc := "changed"
		if _, err := st.UpdateWebhookEndpoint(ctx, tn, e4.ID, &catalog.WebhookEndpointPatch{Description: &desc}); err != nil {
			t.Fatal(err)
		}
		// Started after the writes: the jobs waited in the database.
		jobs, err := webhooks.Start(ctx, st, webhooks.Config{Schedule: []time.Duration{0, 200 * time.Millisecond, 200 * time.Millisecond}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { jobs.Stop(context.Background()) })

		waitFor(t, "five deliveries to the unfiltered endpoint", func() bool { return len(all.snapshot()) >= 5 })
		waitFor(t, "three attempts at the flaky endpoint", func() bool { return len(flaky.snapshot()) >= 3 })
		time.Sleep(500 * time.Millisecond) // nothing more is due
		got := all.snapshot()
		if len(got) != 5 {
			t.Errorf("unfiltered endpoint: %d deliveries, want 5", len(got))
		}
		types := map[string]int{}
		for _, g := range got {
			types[g.typ]++
			if g.header.Get("X-Custom") != "yes" || g.header.Get("Content-Type") != "application/json" {
				t.Errorf("headers: %v", g.header)
			}
			if g.body["business_id"] != tn.BusinessID || g.body["data"] == nil {
				t.Errorf("body: %v", g.body)
			}
			if _, err := time.Parse(time.RFC3339, fmt.Sprint(g.body["timestamp"])); err != nil {
				t.Errorf("timestamp: %v", err)
			}
		}
		if types["webhook_endpoint.created"] != 4 || types["webhook_endpoint.updated"] != 1 {
			t.Errorf("types: %v", types)
		}
		if n := len(filtered.snapshot()); n != 0 {
			t.Errorf("filtered endpoint got %d deliveries", n)
		}
		if n := len(disabled.snapshot()); n != 0 {
			t.Errorf("disabled endpoint got %d deliveries", n)
		}
		fl := flaky.snapshot()
		if len(fl) != 3 {
			t.Fatalf("flaky endpoint: %d attempts, want 3", len(fl))
		}
		for _, g := range fl {
			if g.id != fl[0].id || g.typ != "webhook_endpoint.updated" {
				t.Errorf("attempt: id %s type %s, want id %s", g.id, g.typ, fl[0].id)
			}
		}

		// The delivery log: three attempts, the failures with a next retry.
		var log catalog.List[*catalog.WebhookDelivery]
		waitFor(t, "the delivery log", func() bool {
			log, err = st.ListWebhookDeliveries(ctx, tn, catalog.WebhookDeliveryFilter{EndpointID: e4.ID, Page: catalog.Page{Size: 10}})
			return err == nil && len(log.Items) == 3
		})
		for i, d := range log.Items { // newest first
			attempt := 3 - i
			if d.Attempt != attempt || d.EventID != fl[0].id || d.StatusCode == nil {
				t.Fatalf("log %d: %+v", i, d)
			}
			if ok := *d.StatusCode == 200; ok != (attempt == 3) || (d.NextRetryAt == nil) != ok {
				t.Errorf("attempt %d: status %d, next retry %v", attempt, *d.StatusCode, d.NextRetryAt)
			}
		}
		if l, err := st.ListWebhookDeliveries(ctx, tn, catalog.WebhookDeliveryFilter{EndpointID: e1.ID, Page: catalog.Page{Size: 2}}); err != nil || len(l.Items) != 2 || !l.More {
			t.Errorf("paged log: %v %+v", err, l)
		}
	})
}

// TestPrivateAddressRefusedAtConnect: under the policy "never" a
// delivery to a loopback address fails where it connects.
func TestPrivateAddressRefusedAtConnect(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t, store.SQLite)
	tn := storetest.Tenant(t, st)
	r := newReceiver(t, 0)
	ep := r.endpoint(t, st, tn, catalog.WebhookEndpoint{})
	jobs, err := webhooks.Start(ctx, st, webhooks.Config{Schedule: []time.Duration{0}, PrivateURLs: catalog.PrivateURLsNever})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { jobs.Stop(context.Background()) })
	var log catalog.List[*catalog.WebhookDelivery]
	waitFor(t, "the refused attempt", func() bool {
		log, err = st.ListWebhookDeliveries(ctx, tn, catalog.WebhookDeliveryFilter{EndpointID: ep.ID, Page: catalog.Page{Size: 10}})
		return err == nil && len(log.Items) == 1
	})
	if d := log.Items[0]; d.StatusCode != nil || !strings.Contains(d.Error, "private") || d.NextRetryAt != nil {
		t.Errorf("refused attempt: %+v", d)
	}
	if n := len(r.snapshot()); n != 0 {
		t.Errorf("receiver got %d deliveries", n)
	}
}

// TestRateLimit: an endpoint with rate_limit 1 gets its three events a
// second apart or more, each as its first attempt (a delivery over the
// rate waits; waiting is no attempt).
func TestRateLimit(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t, store.SQLite)
	tn := storetest.Tenant(t, st)
	var mu sync.Mutex
	var at []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		at = append(at, time.Now())
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	one := 1
	ep := catalog.WebhookEndpoint{URL: srv.URL, RateLimit: &one}
	if err := st.CreateWebhookEndpoint(ctx, tn, &ep); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"a", "b"} { // two more events
		if _, err := st.UpdateWebhookEndpoint(ctx, tn, ep.ID, &catalog.WebhookEndpointPatch{Description: &d}); err != nil {
			t.Fatal(err)
		}
	}
	jobs, err := webhooks.Start(ctx, st, webhooks.Config{Schedule: []time.Duration{0}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { jobs.Stop(context.Background()) })
	waitFor(t, "three deliveries", func() bool { mu.Lock(); defer mu.Unlock(); return len(at) >= 3 })
	mu.Lock()
	span := at[2].Sub(at[0])
	mu.Unlock()
	if span < 1800*time.Millisecond {
		t.Errorf("three deliveries at 1/s took %v", span)
	}
	var log catalog.List[*catalog.WebhookDelivery]
	waitFor(t, "three logged deliveries", func() bool {
		log, err = st.ListWebhookDeliveries(ctx, tn, catalog.WebhookDeliveryFilter{EndpointID: ep.ID, Page: catalog.Page{Size: 10}})
		return err == nil && len(log.Items) == 3
	})
	for _, d := range log.Items {
		if d.Attempt != 1 || d.StatusCode == nil || *d.StatusCode != 200 {
			t.Errorf("delivery: %+v", d)
		}
	}
}
