package webhooks_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
	"github.com/pricebook/pricebook/internal/webhooks"
)

// TestResendReplayAndTestEvent: a test send, a replay of one delivery and
// a resend of one event each reach the endpoint signed, the replay and
// the resend with the event's own webhook-id; a resend without an
// endpoint goes only where the filter lets it; a disabled endpoint and
// an event of another partition are refused, and nothing is queued.
func TestResendReplayAndTestEvent(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		all, products := newReceiver(t, 0), newReceiver(t, 0)
		e := all.endpoint(t, st, tn, catalog.WebhookEndpoint{})
		f := products.endpoint(t, st, tn, catalog.WebhookEndpoint{FilterTypes: []string{"product.created"}})
		jobs, err := webhooks.Start(ctx, st, webhooks.Config{Schedule: []time.Duration{0}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { jobs.Stop(context.Background()) })
		// e gets both endpoints' creations; f gets nothing yet.
		waitFor(t, "the creations", func() bool { return len(all.snapshot()) == 2 })
		first := all.snapshot()[0]
		if first.typ != "webhook_endpoint.created" {
			t.Fatalf("first delivery: %+v", first)
		}

		test, err := st.SendTestEvent(ctx, tn, e.ID)
		if err != nil || test.EventType != catalog.WebhookTestEventType || len(test.EndpointIDs) != 1 || !strings.HasPrefix(test.EventID, "evt_") {
			t.Fatalf("test send: %+v %v", test, err)
		}
		waitFor(t, "the test event", func() bool { return len(all.snapshot()) == 3 })
		got := all.snapshot()[2]
		if got.id != test.EventID || got.typ != "webhook.test" || got.body["data"].(map[string]any)["endpoint_id"] != e.ID {
			t.Errorf("test delivery: %+v", got)
		}

		var log catalog.List[*catalog.WebhookDelivery]
		waitFor(t, "three logged deliveries", func() bool {
			log, err = st.ListWebhookDeliveries(ctx, tn, catalog.WebhookDeliveryFilter{EndpointID: e.ID, Page: catalog.Page{Size: 10}})
			return err == nil && len(log.Items) == 3
		})
		var firstDelivery, testDelivery string
		for _, d := range log.Items {
			switch d.EventID {
			case first.id:
				firstDelivery = d.ID
			case test.EventID:
				testDelivery = d.ID
			}
		}
		if _, err := st.ReplayWebhookDelivery(ctx, tn, e.ID, firstDelivery); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ReplayWebhookDelivery(ctx, tn, e.ID, testDelivery); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the replays", func() bool { return len(all.snapshot()) == 5 })
		ids := map[string]int{}
		for _, g := range all.snapshot()[3:] {
			ids[g.id]++
		}
		if ids[first.id] != 1 || ids[test.EventID] != 1 {
			t.Errorf("replayed ids: %v, want %s and %s", ids, first.id, test.EventID)
		}

		// A resend to every subscriber: e wants everything, f only products.
		send, err := st.ResendEvent(ctx, tn, first.id, "")
		if err != nil || len(send.EndpointIDs) != 1 || send.EndpointIDs[0] != e.ID || send.EventID != first.id {
			t.Fatalf("resend: %+v %v", send, err)
		}
		// Named, the endpoint gets it whatever its filter.
		if send, err := st.ResendEvent(ctx, tn, first.id, f.ID); err != nil || len(send.EndpointIDs) != 1 || send.EndpointIDs[0] != f.ID {
			t.Fatalf("resend to f: %+v %v", send, err)
		}
		waitFor(t, "the resends", func() bool { return len(all.snapshot()) == 6 && len(products.snapshot()) == 1 })
		if g := products.snapshot()[0]; g.id != first.id || g.typ != "webhook_endpoint.created" {
			t.Errorf("resent to f: %+v", g)
		}

		// Refusals.
		yes := true
		if _, err := st.UpdateWebhookEndpoint(ctx, tn, f.ID, &catalog.WebhookEndpointPatch{Disabled: &yes}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the update's event", func() bool { return len(all.snapshot()) == 7 })
		var ce *catalog.Error
		if _, err := st.SendTestEvent(ctx, tn, f.ID); !errors.As(err, &ce) || ce.Reason != catalog.WebhookDisabled || ce.Kind != catalog.KindConflict {
			t.Errorf("test send to a disabled endpoint: %v", err)
		}
		other := storetest.Tenant(t, st)
		if _, err := st.ResendEvent(ctx, other, first.id, ""); catalog.ErrorKind(err) != catalog.KindNotFound {
			t.Errorf("another partition's event: %v", err)
		}
		if _, err := st.ReplayWebhookDelivery(ctx, other, e.ID, firstDelivery); catalog.ErrorKind(err) != catalog.KindNotFound {
			t.Errorf("another partition's delivery: %v", err)
		}
		if _, err := st.SendTestEvent(ctx, other, e.ID); catalog.ErrorKind(err) != catalog.KindNotFound {
			t.Errorf("another partition's endpoint: %v", err)
		}
		time.Sleep(300 * time.Millisecond)
		if n, m := len(all.snapshot()), len(products.snapshot()); n != 7 || m != 1 {
			t.Errorf("after the refusals: %d and %d deliveries, want 7 and 1", n, m)
		}
	})
}

// TestRotatedSecretSignsTooForADay: after a rotation a delivery carries
// two signatures, one with the new secret and one with the old, so a
// receiver holding either verifies it; the old one is gone once it
// expires (catalog.WebhookEndpoint.SigningSecrets).
func TestRotatedSecretSignsTooForADay(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		var mu sync.Mutex
		var headers []http.Header
		var bodies [][]byte
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			headers, bodies = append(headers, r.Header.Clone()), append(bodies, b)
			mu.Unlock()
		}))
		t.Cleanup(srv.Close)
		ep := catalog.WebhookEndpoint{URL: srv.URL, FilterTypes: []string{"webhook_endpoint.updated"}}
		if err := st.CreateWebhookEndpoint(ctx, tn, &ep); err != nil {
			t.Fatal(err)
		}
		old := ep.Secret
		rotated, err := st.RotateWebhookSecret(ctx, tn, ep.ID)
		if err != nil || rotated.Secret == old || !strings.HasPrefix(rotated.Secret, "whsec_") || rotated.PreviousSecret != old {
			t.Fatalf("rotate: %+v %v", rotated, err)
		}
		if d := time.Until(*rotated.PreviousSecretExpiresAt); d < 23*time.Hour || d > 25*time.Hour {
			t.Errorf("previous secret expires in %v", d)
		}
		stored, err := st.GetWebhookEndpoint(ctx, tn, ep.ID)
		if err != nil || stored.Secret != rotated.Secret || stored.PreviousSecret != old {
			t.Fatalf("stored: %+v %v", stored, err)
		}
		jobs, err := webhooks.Start(ctx, st, webhooks.Config{Schedule: []time.Duration{0}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { jobs.Stop(context.Background()) })
		// The rotation is itself an update event, journaled without a secret.
		waitFor(t, "the rotation's event", func() bool { mu.Lock(); defer mu.Unlock(); return len(bodies) == 1 })
		mu.Lock()
		h, b := headers[0], bodies[0]
		mu.Unlock()
		if n := len(strings.Fields(h.Get("webhook-signature"))); n != 2 {
			t.Errorf("signatures: %q", h.Get("webhook-signature"))
		}
		for name, secret := range map[string]string{"new": rotated.Secret, "old": old} {
			if err := verify(secret, h, b); err != nil {
				t.Errorf("the %s secret does not verify: %v", name, err)
			}
		}
		if strings.Contains(string(b), old) || strings.Contains(string(b), rotated.Secret) {
			t.Errorf("body: %s", b)
		}
		expired := time.Now().Add(-time.Second)
		stored.PreviousSecretExpiresAt = &expired
		if s := stored.SigningSecrets(time.Now()); len(s) != 1 || s[0] != rotated.Secret {
			t.Errorf("after expiry: %v", s)
		}
	})
}
