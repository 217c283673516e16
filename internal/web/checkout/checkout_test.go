package checkout_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/pgtest"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
	"github.com/pricebook/pricebook/internal/web/checkout"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const public = "http://pricebook.test"

func get(h http.Handler, method, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec
}

func ptr[T any](v T) *T { return &v }

func TestShortLinkToCheckoutPage(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		mux := http.NewServeMux()
		checkout.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), public).Mount(mux)
		// Everything else is the face's; here a marker.
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "face", 404) })

		p := &catalog.Product{Name: `Pro <script>alert("x")</script>`, Description: ptr("Everything & more"), TaxCategory: "saas",
			Price: catalog.Price{Type: catalog.PriceRecurring, Currency: "USD", Price: 1999, DiscountBps: 1250,
				PaymentFrequencyCount: 1, PaymentFrequencyInterval: "Month", SubscriptionPeriodCount: 1, SubscriptionPeriodInterval: "Year",
				TrialPeriodDays: 14}}
		if err := st.CreateProduct(ctx, tn, p); err != nil {
			t.Fatal(err)
		}
		l := &catalog.ShortLink{ProductID: p.ID, Slug: "pro", Params: map[string]string{"quantity": "2", "email": "a+b@example.com",
			"disableEmail": "true", "metadata_orderId": "<b>7</b>", "custom": "kept as given"}}
		if err := st.CreateShortLink(ctx, tn, l); err != nil {
			t.Fatal(err)
		}

		r := get(mux, "GET", l.ShortPath())
		loc := r.Header().Get("Location")
		if r.Code != http.StatusFound || loc != public+l.CheckoutPath() || r.Header().Get("Content-Security-Policy") != checkout.CSP() {
			t.Fatalf("short link: %d Location %q %v", r.Code, loc, r.Header())
		}
		r = get(mux, "GET", strings.TrimPrefix(loc, public))
		body := r.Body.String()
		if r.Code != 200 || r.Header().Get("Content-Type") != "text/html; charset=utf-8" || r.Header().Get("Content-Security-Policy") != checkout.CSP() ||
			r.Header().Get("X-Content-Type-Options") != "nosniff" || r.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("page: %d %v", r.Code, r.Header())
		}
		for _, want := range []string{
			"Pro &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", "Everything &amp; more", "Test mode",
			"Subscription: USD 19.99, billed every month, for a subscription period of 1 year.",
			"Trial: 14 days free before the first payment.", "Discount: 12.50% off.",
			"Tax category: software as a service (SaaS).",
			"<dt>Quantity</dt><dd>2</dd>", "<dt>Prefilled email</dt><dd>a&#43;b@example.com</dd>",
			"<dt>Locked email</dt><dd>cannot be changed</dd>", "<dt>Metadata orderId</dt><dd>&lt;b&gt;7&lt;/b&gt;</dd>",
			"<dt>custom</dt><dd>kept as given</dd>", "No payment is taken here",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %q:\n%s", want, body)
			}
		}
		if strings.Contains(body, "<script") || strings.Contains(body, " style=") || strings.Contains(body, "http") && strings.Contains(body, "src=") {
			t.Errorf("page has a script, inline style attribute or external asset:\n%s", body)
		}
		// The one inline stylesheet is what the policy's hash allows.
		_, css, _ := strings.Cut(body, "<style>")
		css, _, _ = strings.Cut(css, "</style>")
		sum := sha256.Sum256([]byte(css))
		if !strings.Contains(checkout.CSP(), "style-src 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") || !strings.Contains(checkout.CSP(), "default-src 'none'") {
			t.Errorf("CSP %q does not allow the page's style", checkout.CSP())
		}
		if r := get(mux, "HEAD", strings.TrimPrefix(loc, public)); r.Code != 200 || r.Body.Len() != 0 {
			t.Errorf("HEAD: %d %d bytes", r.Code, r.Body.Len())
		}

		// One-time and pay-what-you-want prices in words.
		one := &catalog.Product{Name: "Book", TaxCategory: "e_book", Price: catalog.Price{Type: catalog.PriceOneTime, Currency: "JPY", Price: 1500,
			TaxInclusive: ptr(true)}}
		pwyw := &catalog.Product{Name: "Tip", TaxCategory: "digital_products", Price: catalog.Price{Type: catalog.PriceOneTime, Currency: "EUR",
			Price: 100, PayWhatYouWant: true, SuggestedPrice: ptr(int64(500))}}
		for _, x := range []*catalog.Product{one, pwyw} {
			if err := st.CreateProduct(ctx, tn, x); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct {
			l    *catalog.ShortLink
			want []string
		}{
			{&catalog.ShortLink{ProductID: one.ID, Slug: "book", Params: map[string]string{"quantity": "3"}},
				[]string{"One-time payment of JPY 1500.", "For 3: JPY 4500.", "Prices include tax.", "Tax category: e-books."}},
			{&catalog.ShortLink{ProductID: pwyw.ID, Slug: "tip", Params: map[string]string{"paymentAmount": "250"}},
				[]string{"Pay what you want: at least EUR 1.00, suggested EUR 5.00, paid once.", "<dt>Amount chosen</dt><dd>EUR 2.50</dd>"}},
		} {
			if err := st.CreateShortLink(ctx, tn, c.l); err != nil {
				t.Fatal(err)
			}
			body := get(mux, "GET", c.l.CheckoutPath()).Body.String()
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s lacks %q:\n%s", c.l.Slug, w, body)
				}
			}
		}

		// Parameters of any text survive the URL: escaped there, equal after.
		odd := &catalog.ShortLink{ProductID: one.ID, Slug: "odd", Params: map[string]string{"metadata_note": "a b&c=d/é+?#%", "": ""}}
		delete(odd.Params, "")
		if err := st.CreateShortLink(ctx, tn, odd); err != nil {
			t.Fatal(err)
		}
		if r := get(mux, "GET", odd.CheckoutPath()); r.Code != 200 || !strings.Contains(r.Body.String(), "<dd>a b&amp;c=d/é&#43;?#%</dd>") {
			t.Errorf("odd parameters: %d %s", r.Code, r.Body)
		}

		// Only what a short link names: tampering, other tenants and
		// unknown slugs are the 404 page.
		other := storetest.Tenant(t, st)
		for _, path := range []string{
			"/buy/" + p.ID, // no parameters: no link was made for that
			"/buy/" + p.ID + "?quantity=3&email=a%2Bb%40example.com&disableEmail=true&metadata_orderId=%3Cb%3E7%3C%2Fb%3E&custom=kept+as+given",
			strings.Replace(l.CheckoutPath(), "quantity=2", "quantity=2&quantity=2", 1),
			l.CheckoutPath() + "&extra=1",
			"/buy/pdt_unknown", "/buy/" + p.ID + "?q=%ff", "/buy/" + p.ID + "?q=%00", "/buy/%ff", "/buy/" + p.ID + "?%zz",
			"/s/test/" + tn.BusinessID + "/nope", "/s/live/" + tn.BusinessID + "/pro", "/s/test/" + other.BusinessID + "/pro",
			"/s/prod/" + tn.BusinessID + "/pro", "/s/test/" + tn.BusinessID + "/%ff", "/s/test/%00/pro",
		} {
			r := get(mux, "GET", path)
			if r.Code != 404 || r.Header().Get("Content-Security-Policy") != checkout.CSP() || !strings.Contains(r.Body.String(), "There is no checkout at this address.") {
				t.Errorf("GET %s: %d %s", path, r.Code, r.Body)
			}
		}
		// A different method, or a longer path, is the face's.
		for _, req := range [][2]string{{"POST", l.ShortPath()}, {"GET", l.ShortPath() + "/x"}, {"DELETE", "/buy/" + p.ID}} {
			if r := get(mux, req[0], req[1]); r.Body.String() != "face\n" {
				t.Errorf("%s %s: %d %s", req[0], req[1], r.Code, r.Body)
			}
		}

		// An archived product's page says it is gone; the short link still leads there.
		if err := st.ArchiveProduct(ctx, tn, p.ID); err != nil {
			t.Fatal(err)
		}
		if r := get(mux, "GET", l.CheckoutPath()); r.Code != http.StatusGone || !strings.Contains(r.Body.String(), "no longer sold") ||
			strings.Contains(r.Body.String(), "Pro &lt;script") {
			t.Errorf("archived: %d %s", r.Code, r.Body)
		}
	})
}
