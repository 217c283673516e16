package store_test

import (
	"context"
	"encoding/base64"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

func endpoint(url string) *catalog.WebhookEndpoint {
	return &catalog.WebhookEndpoint{URL: url, Description: "Orders", Metadata: map[string]string{"team": "billing"}}
}

func TestWebhookEndpointLifecycle(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		w := endpoint("https://hooks.example.com/in")
		w.FilterTypes, w.Headers = []string{"payment.succeeded"}, map[string]string{"X-Team": "billing"}
		if err := st.CreateWebhookEndpoint(ctx, tn, w); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(w.ID, "whk_") || w.BusinessID != tn.BusinessID {
			t.Errorf("id %q business %q", w.ID, w.BusinessID)
		}
		key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(w.Secret, "whsec_"))
		if !strings.HasPrefix(w.Secret, "whsec_") || err != nil || len(key) != catalog.WebhookSecretBytes {
			t.Errorf("secret %q: %v, %d bytes", w.Secret, err, len(key))
		}
		got, err := st.GetWebhookEndpoint(ctx, tn, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.URL != w.URL || got.Secret != w.Secret || got.FilterTypes[0] != "payment.succeeded" || got.Metadata["team"] != "billing" ||
			got.Headers["X-Team"] != "billing" || got.RateLimit != nil || got.Disabled || !got.CreatedAt.Equal(w.CreatedAt) {
			t.Errorf("read back %+v, wrote %+v", got, w)
		}

		rate := 10
		up, err := st.UpdateWebhookEndpoint(ctx, tn, w.ID, &catalog.WebhookEndpointPatch{URL: ptr("https://hooks.example.com/v2"),
			RateLimit: catalog.Some(rate), FilterTypes: catalog.Null[[]string](), Disabled: ptr(true),
			Headers: map[string]string{"Authorization": "Bearer x"}})
		if err != nil {
			t.Fatal(err)
		}
		if up.URL != "https://hooks.example.com/v2" || up.RateLimit == nil || *up.RateLimit != 10 || up.FilterTypes != nil || !up.Disabled ||
			up.Description != "Orders" || up.Headers["X-Team"] != "billing" || up.Headers["Authorization"] != "Bearer x" || up.Secret != w.Secret {
			t.Errorf("updated %+v", up)
		}
		got, _ = st.GetWebhookEndpoint(ctx, tn, w.ID)
		if got.RateLimit == nil || len(got.Headers) != 2 || !got.Disabled {
			t.Errorf("stored %+v", got)
		}
		up, err = st.UpdateWebhookEndpoint(ctx, tn, w.ID, &catalog.WebhookEndpointPatch{RateLimit: catalog.Null[int]()})
		if err != nil || up.RateLimit != nil {
			t.Errorf("clearing rate_limit: %v %+v", err, up)
		}

		list, err := st.ListWebhookEndpoints(ctx, tn, catalog.WebhookEndpointFilter{Page: catalog.Page{Size: 10}})
		if err != nil || len(list.Items) != 1 || list.More {
			t.Fatalf("list: %v %+v", err, list)
		}
		if err := st.DeleteWebhookEndpoint(ctx, tn, w.ID); err != nil {
			t.Fatal(err)
		}
		for _, err := range []error{
			st.DeleteWebhookEndpoint(ctx, tn, w.ID),
			func() error { _, err := st.GetWebhookEndpoint(ctx, tn, w.ID); return err }(),
			func() error {
				_, err := st.UpdateWebhookEndpoint(ctx, tn, w.ID, &catalog.WebhookEndpointPatch{})
				return err
			}(),
		} {
			if catalog.ErrorKind(err) != catalog.KindNotFound {
				t.Errorf("after delete: %v, want not found", err)
			}
		}
		list, _ = st.ListWebhookEndpoints(ctx, tn, catalog.WebhookEndpointFilter{Page: catalog.Page{Size: 10}})
		if len(list.Items) != 0 {
			t.Errorf("a deleted endpoint is listed: %+v", list.Items)
		}
	})
}

func TestWebhookEndpointPages(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		var mu sync.Mutex
		made := map[string]bool{}
		var wg sync.WaitGroup
		for range 7 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w := endpoint("https://hooks.example.com/in")
				if err := st.CreateWebhookEndpoint(ctx, tn, w); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				made[w.ID] = true
				mu.Unlock()
			}()
		}
		wg.Wait()
		seen := map[string]bool{}
		var after *catalog.Keyset
		for pages := 0; ; pages++ {
			l, err := st.ListWebhookEndpoints(ctx, tn, catalog.WebhookEndpointFilter{Page: catalog.Page{Size: 3, After: after}})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range l.Items {
				if seen[w.ID] || !made[w.ID] {
					t.Errorf("%s seen twice or not made", w.ID)
				}
				seen[w.ID] = true
				after = &catalog.Keyset{CreatedAt: w.CreatedAt, ID: w.ID}
			}
			if !l.More {
				break
			}
		}
		if len(seen) != 7 {
			t.Errorf("walked %d endpoints, want 7", len(seen))
		}
	})
}

func TestWebhookEndpointTenantIsolation(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a, b := storetest.Tenant(t, st), storetest.Tenant(t, st)
		live := catalog.Tenant{BusinessID: a.BusinessID, Mode: catalog.ModeLive}
		w := endpoint("https://hooks.example.com/in")
		if err := st.CreateWebhookEndpoint(ctx, a, w); err != nil {
			t.Fatal(err)
		}
		for _, other := range []catalog.Tenant{b, live} {
			if _, err := st.GetWebhookEndpoint(ctx, other, w.ID); catalog.ErrorKind(err) != catalog.KindNotFound {
				t.Errorf("%s reads A's endpoint: %v", other, err)
			}
			if _, err := st.UpdateWebhookEndpoint(ctx, other, w.ID, &catalog.WebhookEndpointPatch{Disabled: ptr(true)}); catalog.ErrorKind(err) != catalog.KindNotFound {
				t.Errorf("%s updates A's endpoint: %v", other, err)
			}
			if err := st.DeleteWebhookEndpoint(ctx, other, w.ID); catalog.ErrorKind(err) != catalog.KindNotFound {
				t.Errorf("%s deletes A's endpoint: %v", other, err)
			}
			l, _ := st.ListWebhookEndpoints(ctx, other, catalog.WebhookEndpointFilter{Page: catalog.Page{Size: 10}})
			if len(l.Items) != 0 {
				t.Errorf("%s lists A's endpoint", other)
			}
		}
		if got, err := st.GetWebhookEndpoint(ctx, a, w.ID); err != nil || got.Disabled {
			t.Errorf("A's endpoint after the others: %v %+v", err, got)
		}
	})
}

func TestWebhookEndpointValidation(t *testing.T) {
	bad := map[string]struct {
		w    catalog.WebhookEndpoint
		path string
	}{
		"no url":         {catalog.WebhookEndpoint{}, "url"},
		"relative":       {catalog.WebhookEndpoint{URL: "/hooks"}, "url"},
		"ftp":            {catalog.WebhookEndpoint{URL: "ftp://example.com/x"}, "url"},
		"no host":        {catalog.WebhookEndpoint{URL: "https:///x"}, "url"},
		"opaque":         {catalog.WebhookEndpoint{URL: "https:example.com"}, "url"},
		"userinfo":       {catalog.WebhookEndpoint{URL: "https://u:p@example.com/"}, "url"},
		"too long":       {catalog.WebhookEndpoint{URL: "https://example.com/" + strings.Repeat("a", catalog.MaxWebhookURLLen)}, "url"},
		"rate zero":      {catalog.WebhookEndpoint{URL: "https://example.com", RateLimit: ptr(0)}, "rate_limit"},
		"duplicate type": {catalog.WebhookEndpoint{URL: "https://example.com", FilterTypes: []string{"a.b", "a.b"}}, "filter_types[1]"},
		"long desc":      {catalog.WebhookEndpoint{URL: "https://example.com", Description: strings.Repeat("d", catalog.MaxDescriptionLen+1)}, "description"},
		"reserved hdr":   {catalog.WebhookEndpoint{URL: "https://example.com", Headers: map[string]string{"webhook-signature": "x"}}, "headers.webhook-signature"},
		"bad hdr value":  {catalog.WebhookEndpoint{URL: "https://example.com", Headers: map[string]string{"X-A": "a\r\nb: c"}}, "headers.X-A"},
		"bad hdr name":   {catalog.WebhookEndpoint{URL: "https://example.com", Headers: map[string]string{"X A": "a"}}, "headers"},
	}
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		for name, c := range bad {
			w := c.w
			err := st.CreateWebhookEndpoint(ctx, tn, &w)
			if !hasField(err, c.path) {
				t.Errorf("%s: %v, want a problem at %s", name, err, c.path)
			}
		}
		w := endpoint("https://example.com/ok")
		if err := st.CreateWebhookEndpoint(ctx, tn, w); err != nil {
			t.Fatal(err)
		}
		if _, err := st.UpdateWebhookEndpoint(ctx, tn, w.ID, &catalog.WebhookEndpointPatch{URL: ptr("mailto:x@example.com")}); !hasField(err, "url") {
			t.Errorf("update to a bad url: %v", err)
		}
		if got, _ := st.GetWebhookEndpoint(ctx, tn, w.ID); got.URL != "https://example.com/ok" {
			t.Errorf("a refused update changed the url to %s", got.URL)
		}
	})
}

func hasField(err error, path string) bool {
	e, ok := err.(*catalog.Error)
	if !ok || e.Kind != catalog.KindInvalid {
		return false
	}
	for _, f := range e.Fields {
		if f.Path == path {
			return true
		}
	}
	return false
}

// TestWebhookPrivateURLs checks each policy against private and public
// hosts in both modes.
func TestWebhookPrivateURLs(t *testing.T) {
	private := []string{"http://127.0.0.1:8080/x", "http://localhost/x", "http://api.localhost/", "http://10.1.2.3/", "http://192.168.0.1/",
		"http://172.16.0.1/", "http://169.254.169.254/latest", "http://[::1]/", "http://[fe80::1]/", "http://0.0.0.0/", "http://[::]/",
		"http://[::ffff:127.0.0.1]/", "http://127.1/", "http://2130706433/", "http://0x7f000001/", "http://[fd00::1]/", "http://LOCALHOST./"}
	public := []string{"https://example.com/x", "http://93.184.216.34/", "https://[2606:2800:220:1::]/", "https://10.example.com/"}
	ctx := context.Background()
	for _, policy := range []catalog.PrivateURLs{"", catalog.PrivateURLsTest, catalog.PrivateURLsAlways, catalog.PrivateURLsNever} {
		st := storetest.OpenDSN(t, filepath.Join(t.TempDir(), "p.db"), store.Options{WebhookPrivateURLs: policy})
		test := storetest.Tenant(t, st)
		live := catalog.Tenant{BusinessID: test.BusinessID, Mode: catalog.ModeLive}
		for _, tn := range []catalog.Tenant{test, live} {
			allowed := policy == catalog.PrivateURLsAlways || policy != catalog.PrivateURLsNever && tn.Mode == catalog.ModeTest
			for _, u := range private {
				err := st.CreateWebhookEndpoint(ctx, tn, endpoint(u))
				if allowed && err != nil || !allowed && !hasField(err, "url") {
					t.Errorf("policy %q, %s mode, %s: %v (allowed: %v)", policy, tn.Mode, u, err, allowed)
				}
			}
			for _, u := range public {
				if err := st.CreateWebhookEndpoint(ctx, tn, endpoint(u)); err != nil {
					t.Errorf("policy %q, %s mode, %s: %v", policy, tn.Mode, u, err)
				}
			}
		}
	}
}
