package web_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pricebook/pricebook/internal/api/dodo"
	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/pgtest"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
	"github.com/pricebook/pricebook/internal/web"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// fixture is a dashboard over a fresh SQLite store, with the Dodo face
// built beside it so the journal renders its events as in serve.
type fixture struct {
	st   *store.Store
	dash *web.Dashboard
	srv  *httptest.Server
	keys map[string]string
	tn   catalog.Tenant
}

func newFixture(t testing.TB) *fixture { return newFixtureOn(t, store.SQLite) }

func newFixtureOn(t testing.TB, engine store.Engine) *fixture {
	st := storetest.Open(t, engine)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	deps := face.Deps{Store: st, Log: log, PublicURL: "http://pricebook.test"}
	dodo.New(deps) // registers the journal's renderers
	f := &fixture{st: st, keys: storetest.Keys(t, st)}
	f.dash = web.New(web.Config{Store: st, Log: log, PublicURL: "http://pricebook.test"})
	f.srv = httptest.NewServer(f.dash)
	t.Cleanup(f.srv.Close)
	k, err := st.Authenticate(context.Background(), f.keys["a"])
	if err != nil {
		t.Fatal(err)
	}
	f.tn = catalog.Tenant{BusinessID: k.BusinessID, Mode: k.Mode}
	return f
}

// browser is a client with a cookie jar that does not follow redirects.
type browser struct {
	t testing.TB
	f *fixture
	c *http.Client
}

func (f *fixture) browser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, f: f, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type answer struct {
	code int
	h    http.Header
	body string
}

func (b *browser) do(method, path string, form url.Values, header ...string) answer {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.f.srv.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return answer{code: resp.StatusCode, h: resp.Header, body: string(raw)}
}

func (b *browser) get(path string) answer { return b.do("GET", path, nil) }

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t testing.TB, body string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF field in:\n%s", body)
	}
	return m[1]
}

// signIn signs the browser in with a key and returns the session's CSRF
// token.
func (b *browser) signIn(key string) string {
	b.t.Helper()
	form := b.get("/dashboard/signin")
	a := b.do("POST", "/dashboard/signin", url.Values{"key": {key}, "csrf": {csrfOf(b.t, form.body)}, "next": {"/dashboard/"}})
	if a.code != http.StatusSeeOther || a.h.Get("Location") != "/dashboard/" {
		b.t.Fatalf("sign in: %d %v\n%s", a.code, a.h, a.body)
	}
	page := b.get("/dashboard/")
	if page.code != 200 {
		b.t.Fatalf("overview after sign-in: %d\n%s", page.code, page.body)
	}
	return csrfOf(b.t, page.body)
}

func TestSignInAndOut(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	a := b.get("/dashboard/products?q=x")
	if a.code != http.StatusSeeOther || a.h.Get("Location") != "/dashboard/signin?next=%2Fdashboard%2Fproducts%3Fq%3Dx" {
		t.Fatalf("signed out page: %d %v", a.code, a.h)
	}
	form := b.get("/dashboard/signin")
	tok := csrfOf(t, form.body)
	// A wrong key, and a sign-in form posted without its token.
	if a := b.do("POST", "/dashboard/signin", url.Values{"key": {"pb_test_0000000000000000_00000000000000000000000000000000"}, "csrf": {tok}}); a.code != http.StatusUnauthorized || !strings.Contains(a.body, `id="e-key"`) {
		t.Fatalf("wrong key: %d\n%s", a.code, a.body)
	}
	form = b.get("/dashboard/signin")
	if a := b.do("POST", "/dashboard/signin", url.Values{"key": {f.keys["a"]}, "csrf": {"forged"}}); a.code != http.StatusForbidden {
		t.Fatalf("forged sign-in token: %d", a.code)
	}
	a = b.do("POST", "/dashboard/signin", url.Values{"key": {f.keys["a"]}, "csrf": {csrfOf(t, form.body)}, "next": {"https://evil.example/"}})
	if a.code != http.StatusSeeOther || a.h.Get("Location") != "/dashboard/" {
		t.Fatalf("sign in: %d %v", a.code, a.h)
	}
	cookie := a.h.Values("Set-Cookie")
	var session string
	for _, c := range cookie {
		if strings.HasPrefix(c, "pb_session=") {
			session = c
		}
	}
	for _, want := range []string{"HttpOnly", "SameSite=Strict", "Path=/dashboard/"} {
		if !strings.Contains(session, want) {
			t.Errorf("session cookie %q lacks %s", session, want)
		}
	}
	if strings.Contains(session, "Secure") {
		t.Errorf("session cookie over plain HTTP is Secure: %q", session)
	}
	if strings.Contains(session, f.keys["a"]) {
		t.Error("the session cookie holds the API key")
	}
	value := strings.TrimPrefix(strings.SplitN(session, ";", 2)[0], "pb_session=")
	page := b.get("/dashboard/")
	if page.code != 200 || !strings.Contains(page.body, "<h1>Overview</h1>") {
		t.Fatalf("overview: %d\n%s", page.code, page.body)
	}
	csrf := csrfOf(t, page.body)
	// Sign out, then replay the old cookie: the session is gone on the
	// server, not only in this browser.
	if a := b.do("POST", "/dashboard/signout", url.Values{"csrf": {csrf}}); a.code != http.StatusSeeOther {
		t.Fatalf("sign out: %d", a.code)
	}
	thief := f.browser(t)
	u, _ := url.Parse(f.srv.URL + "/dashboard/")
	thief.c.Jar.SetCookies(u, []*http.Cookie{{Name: "pb_session", Value: value, Path: "/dashboard/"}})
	if a := thief.get("/dashboard/"); a.code != http.StatusSeeOther {
		t.Fatalf("a signed-out session still works: %d", a.code)
	}
	if a := b.get("/dashboard/"); a.code != http.StatusSeeOther {
		t.Fatalf("after sign-out: %d", a.code)
	}
}

func TestSecureCookieOverTLS(t *testing.T) {
	f := newFixture(t)
	srv := httptest.NewTLSServer(f.dash)
	defer srv.Close()
	c := srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.Transport.(*http.Transport).TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
	resp, err := c.Get(srv.URL + "/dashboard/signin")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, ck := range resp.Header.Values("Set-Cookie") {
		if !strings.Contains(ck, "Secure") {
			t.Errorf("cookie over TLS without Secure: %s", ck)
		}
	}
}

func TestRevokedKeyEndsSession(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	key, _, err := f.st.CreateKey(context.Background(), f.tn.BusinessID, catalog.ModeTest, false)
	if err != nil {
		t.Fatal(err)
	}
	b.signIn(key)
	if err := f.st.RevokeKey(context.Background(), key); err != nil {
		t.Fatal(err)
	}
	if a := b.get("/dashboard/"); a.code != http.StatusSeeOther {
		t.Fatalf("a revoked key's session still works: %d", a.code)
	}
}

func TestCSRFAndOrigin(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	csrf := b.signIn(f.keys["a"])
	form := func(token string) url.Values {
		return url.Values{"csrf": {token}, "name": {"Pro"}, "tax_category": {"saas"}, "price.type": {"one_time_price"},
			"price.currency": {"USD"}, "price.price": {"19.99"}}
	}
	for name, a := range map[string]answer{
		"no token":     b.do("POST", "/dashboard/products", url.Values{"name": {"Pro"}}),
		"forged token": b.do("POST", "/dashboard/products", form("forged")),
		"other origin": b.do("POST", "/dashboard/products", form(csrf), "Origin", "https://evil.example"),
	} {
		if a.code != http.StatusForbidden || !strings.Contains(a.body, "CSRF") {
			t.Errorf("%s: %d\n%s", name, a.code, a.body)
		}
	}
	if n := countProducts(t, f); n != 0 {
		t.Fatalf("refused forms created %d products", n)
	}
	// The public URL's origin is this server too (behind a proxy).
	if a := b.do("POST", "/dashboard/signout", url.Values{"csrf": {"x"}}, "Origin", "http://pricebook.test"); a.code != http.StatusForbidden || !strings.Contains(a.body, "CSRF") {
		t.Fatalf("public origin, bad token: %d", a.code)
	}
	a := b.do("POST", "/dashboard/products", form(csrf), "Origin", "http://pricebook.test")
	if a.code != http.StatusSeeOther {
		t.Fatalf("create from the public origin: %d\n%s", a.code, a.body)
	}
	a = b.do("POST", "/dashboard/products", form(csrf), "Origin", f.srv.URL)
	if a.code != http.StatusSeeOther || !strings.HasPrefix(a.h.Get("Location"), "/dashboard/products/pdt_") {
		t.Fatalf("create: %d %v\n%s", a.code, a.h, a.body)
	}
	// The change is the API's: journaled with the key that made it.
	ev, err := f.st.ListEvents(context.Background(), f.tn, catalog.EventFilter{Limit: 5})
	if err != nil || len(ev.Items) != 2 || ev.Items[0].Type != "product.created" || ev.Items[0].KeyID == "" {
		t.Fatalf("journal: %+v %v", ev.Items, err)
	}
}

func countProducts(t testing.TB, f *fixture) int {
	t.Helper()
	list, _, err := f.st.SearchProducts(context.Background(), f.tn, catalog.ProductSearch{Page: catalog.Page{Size: 100}})
	if err != nil {
		t.Fatal(err)
	}
	return len(list.Items)
}

// inlineScript matches a script element with content or an event
// handler attribute: what the policy forbids and the pages never hold.
var inlineScript = regexp.MustCompile(`(?i)<script[^>]*>[^<]+</script>|<[a-z]+[^>]*\son[a-z]+=|\sstyle=`)

// attrValue matches a quoted attribute value, whose text is no markup.
var attrValue = regexp.MustCompile(`="[^"]*"`)

func TestHeadersAndNoInlineScript(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.signIn(f.keys["a"])
	p := hostileProduct(t, f)
	for _, path := range []string{"/dashboard/signin", "/dashboard/", "/dashboard/products", "/dashboard/products/new", "/dashboard/products/" + p.ID,
		"/dashboard/products/" + p.ID + "/edit", "/dashboard/products/" + p.ID + "/history", "/dashboard/collections", "/dashboard/addons",
		"/dashboard/discounts", "/dashboard/usage", "/dashboard/chartmogul", "/dashboard/webhooks", "/dashboard/activity", "/dashboard/requests", "/dashboard/nothing"} {
		a := b.get(path)
		if a.code != 200 && !(path == "/dashboard/nothing" && a.code == 404) {
			t.Errorf("GET %s: %d\n%s", path, a.code, a.body)
		}
		csp := a.h.Get("Content-Security-Policy")
		if csp != f.dash.CSP() || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("GET %s: CSP %q", path, csp)
		}
		if a.h.Get("X-Frame-Options") != "DENY" || a.h.Get("X-Content-Type-Options") != "nosniff" || a.h.Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s: headers %v", path, a.h)
		}
		if m := inlineScript.FindString(attrValue.ReplaceAllString(a.body, `=""`)); m != "" {
			t.Errorf("GET %s: inline script or style %q", path, m)
		}
		if strings.Contains(a.body, "http://") && regexp.MustCompile(`(src|href)="https?://[^"]*"`).MatchString(strings.ReplaceAll(a.body, "http://pricebook.test", "")) {
			t.Errorf("GET %s: an asset from another host", path)
		}
	}
	// The assets are served, typed, and cached by hash.
	a := b.get("/dashboard/assets/app.js")
	if a.code != 200 || !strings.HasPrefix(a.h.Get("Content-Type"), "text/javascript") {
		t.Fatalf("app.js: %d %v", a.code, a.h)
	}
}

// hostile is markup that would run if a page did not escape it.
const hostile = `<img src=x onerror="alert(1)"><script>alert(2)</script>"'><svg onload=alert(3)>`

func hostileProduct(t testing.TB, f *fixture) *catalog.Product {
	t.Helper()
	desc := "Desc " + hostile
	p := &catalog.Product{Name: "N " + hostile[:50], Description: &desc, TaxCategory: "saas",
		Metadata: catalog.Metadata{"note": []byte(`"` + strings.ReplaceAll(hostile, `"`, `\"`) + `"`)},
		Price:    catalog.Price{Type: catalog.PriceOneTime, Currency: "USD", Price: 1000}}
	if err := f.st.CreateProduct(context.Background(), f.tn, p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEscaping(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.signIn(f.keys["a"])
	p := hostileProduct(t, f)
	for _, path := range []string{"/dashboard/", "/dashboard/products", "/dashboard/products/" + p.ID, "/dashboard/products/" + p.ID + "/edit",
		"/dashboard/products/" + p.ID + "/history", "/dashboard/activity"} {
		a := b.get(path)
		for _, raw := range []string{"<img src=x", "<script>alert", "<svg onload"} {
			if strings.Contains(a.body, raw) {
				t.Errorf("GET %s: %q unescaped", path, raw)
			}
		}
		if !strings.Contains(a.body, "&lt;img src=x") {
			t.Errorf("GET %s: the hostile name is not shown escaped", path)
		}
	}
}

func TestReadOnlyKey(t *testing.T) {
	f := newFixture(t)
	hostileProduct(t, f)
	b := f.browser(t)
	csrf := b.signIn(f.keys["aRO"])
	list := b.get("/dashboard/products")
	if strings.Contains(list.body, "New product") {
		t.Error("a read-only dashboard offers New product")
	}
	p, _, _ := f.st.SearchProducts(context.Background(), f.tn, catalog.ProductSearch{Page: catalog.Page{Size: 1}})
	id := p.Items[0].ID
	for _, path := range []string{"/dashboard/products/" + id, "/dashboard/products/new", "/dashboard/collections", "/dashboard/addons"} {
		body := b.get(path).body
		// Only the session's own forms (switch mode, sign out) remain.
		if n := strings.Count(body, `method="post"`); n != 2 {
			t.Errorf("GET %s: %d forms that post, want only switch mode and sign out", path, n)
		}
	}
	for path, form := range map[string]url.Values{
		"/dashboard/products":                    {"name": {"X"}, "tax_category": {"saas"}, "price.type": {"one_time_price"}, "price.currency": {"USD"}, "price.price": {"1"}},
		"/dashboard/products/" + id + "/archive": {},
		"/dashboard/collections":                 {"name": {"C"}, "product": {id}},
	} {
		form.Set("csrf", csrf)
		if a := b.do("POST", path, form); a.code != http.StatusForbidden || !strings.Contains(a.body, "read-only") {
			t.Errorf("POST %s with a read-only key: %d", path, a.code)
		}
	}
	if n := countProducts(t, f); n != 1 {
		t.Errorf("%d products after refused writes", n)
	}
	if got, _ := f.st.GetProduct(context.Background(), f.tn, id); got.Archived {
		t.Error("a read-only key archived a product")
	}
	// Signing out is the session's, not the catalog's: allowed.
	if a := b.do("POST", "/dashboard/signout", url.Values{"csrf": {csrf}}); a.code != http.StatusSeeOther {
		t.Errorf("read-only sign out: %d", a.code)
	}
}

func TestValidationShowsNextToFields(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	csrf := b.signIn(f.keys["a"])
	a := b.do("POST", "/dashboard/products", url.Values{"csrf": {csrf}, "name": {""}, "tax_category": {"saas"}, "price.type": {"one_time_price"},
		"price.currency": {"XXX"}, "price.price": {"12"}, "description": {"kept <b>"}})
	if a.code != http.StatusUnprocessableEntity {
		t.Fatalf("invalid product: %d\n%s", a.code, a.body)
	}
	for _, want := range []string{`id="e-name"`, `id="e-currency"`, "must not be empty", "kept &lt;b&gt;"} {
		if !strings.Contains(a.body, want) {
			t.Errorf("form lacks %q", want)
		}
	}
	a = b.do("POST", "/dashboard/products", url.Values{"csrf": {csrf}, "name": {"A"}, "tax_category": {"saas"}, "price.type": {"one_time_price"},
		"price.currency": {"USD"}, "price.price": {"12.345"}})
	if a.code != http.StatusUnprocessableEntity || !strings.Contains(a.body, `id="e-price"`) {
		t.Fatalf("bad amount: %d\n%s", a.code, a.body)
	}
}

func TestEditPriceHistoryAndDiff(t *testing.T) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) { testEditPriceHistoryAndDiff(t, newFixtureOn(t, engine)) })
	}
}

func testEditPriceHistoryAndDiff(t *testing.T, f *fixture) {
	b := f.browser(t)
	csrf := b.signIn(f.keys["a"])
	a := b.do("POST", "/dashboard/products", url.Values{"csrf": {csrf}, "name": {"Team plan"}, "tax_category": {"saas"}, "price.type": {"recurring_price"},
		"price.currency": {"USD"}, "price.price": {"19.99"}, "price.payment_frequency_count": {"1"}, "price.payment_frequency_interval": {"Month"},
		"price.subscription_period_count": {"1"}, "price.subscription_period_interval": {"Year"}, "price.trial_period_days": {"14"}, "metadata": {"tier=team\n"}})
	if a.code != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", a.code, a.body)
	}
	id := strings.TrimSuffix(strings.TrimPrefix(a.h.Get("Location"), "/dashboard/products/"), "?ok=created")
	page := b.get("/dashboard/products/" + id)
	for _, want := range []string{"Subscription: USD 19.99, billed every month, for a subscription period of 1 year.", "Trial: 14 days free", "tier"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("product page lacks %q", want)
		}
	}
	edit := b.get("/dashboard/products/" + id + "/edit")
	if !strings.Contains(edit.body, `value="19.99"`) {
		t.Fatalf("edit form lacks the price:\n%s", edit.body)
	}
	a = b.do("POST", "/dashboard/products/"+id, url.Values{"csrf": {csrf}, "name": {"Team plan"}, "tax_category": {"saas"}, "price.type": {"recurring_price"},
		"price.currency": {"USD"}, "price.price": {"24.50"}, "price.payment_frequency_count": {"1"}, "price.payment_frequency_interval": {"Month"},
		"price.subscription_period_count": {"1"}, "price.subscription_period_interval": {"Year"}, "price.trial_period_days": {"14"}, "metadata": {"tier=team\n"}})
	if a.code != http.StatusSeeOther {
		t.Fatalf("update: %d\n%s", a.code, a.body)
	}
	got, _ := f.st.GetProduct(context.Background(), f.tn, id)
	if got.Price.Price != 2450 || got.Price.TrialPeriodDays != 14 || string(got.Metadata["tier"]) != `"team"` || got.Description != nil {
		t.Fatalf("updated product: %+v", got)
	}
	h := b.get("/dashboard/products/" + id + "/history")
	for _, want := range []string{"product.created", "product.updated", "<code>price.price</code></th><td class=\"before\">1999</td><td class=\"after\">2450</td>"} {
		if !strings.Contains(h.body, want) {
			t.Errorf("history lacks %q:\n%s", want, h.body)
		}
	}
	// Only the price changed (and updated_at): the untouched description
	// and metadata are not in the diff.
	if n := strings.Count(h.body[strings.Index(h.body, `id="diff"`):], `<th scope="row">`); n != 2 {
		t.Errorf("the diff has %d rows, want price.price and updated_at:\n%s", n, h.body)
	}
	asOf := b.get("/dashboard/products/" + id + "/history?as_of=" + url.QueryEscape(got.CreatedAt.Add(-1e9).Format("2006-01-02T15:04:05")))
	if !strings.Contains(asOf.body, "It did not exist yet") {
		t.Errorf("as of before creation:\n%s", asOf.body)
	}
	asOf = b.get("/dashboard/products/" + id + "/history?as_of=2999-01-01T00:00")
	if !strings.Contains(asOf.body, `id="asof"`) || !strings.Contains(asOf.body, "2450") {
		t.Errorf("as of now:\n%s", asOf.body)
	}
}

func TestModeSwitch(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	csrf := b.signIn(f.keys["a"])
	a := b.do("POST", "/dashboard/mode", url.Values{"csrf": {csrf}, "mode": {"live"}})
	if a.code != http.StatusSeeOther || a.h.Get("Location") != "/dashboard/signin?add=live" {
		t.Fatalf("switch without a live key: %d %v", a.code, a.h)
	}
	// Another business's key cannot join the session.
	form := b.get("/dashboard/signin?add=live")
	if a := b.do("POST", "/dashboard/signin", url.Values{"key": {f.keys["b"]}, "csrf": {csrfOf(t, form.body)}}); a.code != http.StatusForbidden {
		t.Fatalf("other business's key: %d", a.code)
	}
	form = b.get("/dashboard/signin?add=live")
	if a := b.do("POST", "/dashboard/signin", url.Values{"key": {f.keys["aLive"]}, "csrf": {csrfOf(t, form.body)}}); a.code != http.StatusSeeOther {
		t.Fatalf("add live key: %d", a.code)
	}
	page := b.get("/dashboard/")
	if !strings.Contains(page.body, "live mode") {
		t.Fatalf("not in live mode:\n%s", page.body)
	}
	if a := b.do("POST", "/dashboard/mode", url.Values{"csrf": {csrfOf(t, page.body)}, "mode": {"test"}}); a.code != http.StatusSeeOther || a.h.Get("Location") != "/dashboard/?ok=switched" {
		t.Fatalf("switch back: %d %v", a.code, a.h)
	}
	if !strings.Contains(b.get("/dashboard/").body, "test mode") {
		t.Fatal("not back in test mode")
	}
}

func TestWantsHTML(t *testing.T) {
	for accept, want := range map[string]bool{
		"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8": true,
		"application/json": false, "*/*": false, "": false, "TEXT/HTML": true,
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept", accept)
		if got := web.WantsHTML(r); got != want {
			t.Errorf("Accept %q: %v", accept, got)
		}
	}
}

func TestCollectionPreviewAndOrder(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	csrf := b.signIn(f.keys["a"])
	var ids []string
	for _, n := range []string{"Solo", "Team"} {
		p := &catalog.Product{Name: n, TaxCategory: "saas", Price: catalog.Price{Type: catalog.PriceRecurring, Currency: "USD", Price: 1000,
			PaymentFrequencyCount: 1, PaymentFrequencyInterval: "Month", SubscriptionPeriodCount: 1, SubscriptionPeriodInterval: "Year"}}
		if err := f.st.CreateProduct(context.Background(), f.tn, p); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	a := b.do("POST", "/dashboard/collections", url.Values{"csrf": {csrf}, "name": {"Plans"}, "group_name": {"Small"}, "product": {ids[0]}})
	if a.code != http.StatusSeeOther {
		t.Fatalf("create collection: %d\n%s", a.code, a.body)
	}
	path := strings.TrimSuffix(a.h.Get("Location"), "?ok=created")
	a = b.do("POST", path+"/groups", url.Values{"csrf": {csrf}, "group_name": {"Large"}, "product_ids": {ids[1]}})
	if a.code != http.StatusSeeOther {
		t.Fatalf("add group: %d\n%s", a.code, a.body)
	}
	page := b.get(path)
	small, large := strings.Index(page.body, `<h3 id="card-`), strings.LastIndex(page.body, `<h3 id="card-`)
	if !strings.Contains(page.body, `id="pricing-table"`) || small < 0 || !strings.Contains(page.body[small:large], "Small") || !strings.Contains(page.body[large:], "Large") {
		t.Fatalf("preview:\n%s", page.body)
	}
	grp := regexp.MustCompile(`name="group" value="([^"]+)"><input type="hidden" name="dir" value="down">`).FindStringSubmatch(page.body)
	if grp == nil {
		t.Fatal("no move-down form")
	}
	if a := b.do("POST", path+"/order", url.Values{"csrf": {csrf}, "group": {grp[1]}, "dir": {"down"}}); a.code != http.StatusSeeOther {
		t.Fatalf("move: %d\n%s", a.code, a.body)
	}
	page = b.get(path)
	if strings.Index(page.body, ">Large</h3>") > strings.Index(page.body, ">Small</h3>") {
		t.Fatalf("order not changed:\n%s", page.body)
	}
	// The whole order at once (what a drag posts); one that is no
	// permutation of the groups is the store's validation error.
	groups := regexp.MustCompile(`data-group="([^"]+)"`).FindAllStringSubmatch(page.body, -1)
	if len(groups) != 2 {
		t.Fatalf("groups: %v", groups)
	}
	if a := b.do("POST", path+"/order", url.Values{"csrf": {csrf}, "order": {groups[1][1] + "," + groups[0][1]}}); a.code != http.StatusSeeOther {
		t.Fatalf("set order: %d\n%s", a.code, a.body)
	}
	if page = b.get(path); strings.Index(page.body, ">Small</h3>") > strings.Index(page.body, ">Large</h3>") {
		t.Fatal("order not set back")
	}
	if a := b.do("POST", path+"/order", url.Values{"csrf": {csrf}, "order": {groups[0][1]}}); a.code != http.StatusUnprocessableEntity {
		t.Fatalf("a partial order: %d", a.code)
	}
	// Take a product out of its group, then delete the group.
	item := regexp.MustCompile(`action="(` + regexp.QuoteMeta(path) + `/groups/[^/]+/items/[^/]+/delete)"`).FindStringSubmatch(b.get(path).body)
	if item == nil {
		t.Fatal("no remove form")
	}
	if a := b.do("POST", item[1], url.Values{"csrf": {csrf}}); a.code != http.StatusSeeOther {
		t.Fatalf("remove item: %d\n%s", a.code, a.body)
	}
	if a := b.do("POST", path+"/groups/"+groups[1][1]+"/delete", url.Values{"csrf": {csrf}}); a.code != http.StatusSeeOther {
		t.Fatalf("delete group: %d\n%s", a.code, a.body)
	}
	if n := len(regexp.MustCompile(`data-group="`).FindAllString(b.get(path).body, -1)); n != 1 {
		t.Fatalf("%d groups after the delete", n)
	}
}

func TestLocalizedPricesAndShortLinks(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	csrf := b.signIn(f.keys["a"])
	form := url.Values{"csrf": {csrf}, "name": {"Pro"}, "tax_category": {"saas"}, "price.type": {"one_time_price"},
		"price.currency": {"USD"}, "price.price": {"20"}, "pricing_mode": {"by_currency"}}
	a := b.do("POST", "/dashboard/products", form)
	if a.code != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", a.code, a.body)
	}
	path := strings.TrimSuffix(a.h.Get("Location"), "?ok=created")
	if a := b.do("POST", path+"/localized_prices", url.Values{"csrf": {csrf}, "lp.currency": {"EUR"}, "lp.amount": {"18.50"}}); a.code != http.StatusSeeOther {
		t.Fatalf("localized price: %d\n%s", a.code, a.body)
	}
	if a := b.do("POST", path+"/localized_prices", url.Values{"csrf": {csrf}, "lp.currency": {"EUR"}, "lp.amount": {"x"}}); a.code != 422 || !strings.Contains(a.body, `id="e-lpamount"`) {
		t.Fatalf("bad localized amount: %d", a.code)
	}
	page := b.get(path)
	if !strings.Contains(page.body, "EUR 18.50") {
		t.Fatalf("no localized price:\n%s", page.body)
	}
	lp := regexp.MustCompile(`localized_prices/([^/]+)/archive`).FindStringSubmatch(page.body)
	if a := b.do("POST", path+"/localized_prices/"+lp[1]+"/archive", url.Values{"csrf": {csrf}}); a.code != http.StatusSeeOther {
		t.Fatalf("archive localized price: %d", a.code)
	}
	if strings.Contains(b.get(path).body, "EUR 18.50") {
		t.Fatal("archived localized price still shown")
	}
	if a := b.do("POST", path+"/short_links", url.Values{"csrf": {csrf}, "sl.slug": {"pro-plan"}}); a.code != http.StatusSeeOther {
		t.Fatalf("short link: %d\n%s", a.code, a.body)
	}
	if a := b.do("POST", path+"/short_links", url.Values{"csrf": {csrf}, "sl.slug": {"pro-plan"}}); a.code != 422 || !strings.Contains(a.body, `id="e-slug"`) {
		t.Fatalf("taken slug: %d\n%s", a.code, a.body)
	}
	page = b.get(path)
	if !strings.Contains(page.body, `href="http://pricebook.test/s/test/`) || !strings.Contains(page.body, `static checkout page</a>`) {
		t.Fatalf("no checkout links:\n%s", page.body)
	}
}

func TestAddonsAndDiscounts(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	csrf := b.signIn(f.keys["a"])
	if a := b.do("POST", "/dashboard/addons", url.Values{"csrf": {csrf}, "name": {"Seat"}, "currency": {"USD"}, "price": {"4.99"}, "tax_category": {"saas"}}); a.code != http.StatusSeeOther {
		t.Fatalf("addon: %d\n%s", a.code, a.body)
	}
	list := b.get("/dashboard/addons")
	id := regexp.MustCompile(`/dashboard/addons/(adn_[^"]+)"`).FindStringSubmatch(list.body)
	if id == nil || !strings.Contains(list.body, "USD 4.99") {
		t.Fatalf("addons:\n%s", list.body)
	}
	if a := b.do("POST", "/dashboard/addons/"+id[1], url.Values{"csrf": {csrf}, "name": {""}, "currency": {"USD"}, "price": {"5"}, "tax_category": {"saas"}}); a.code != 422 || !strings.Contains(a.body, `id="e-aname"`) {
		t.Fatalf("invalid addon edit: %d", a.code)
	}
	if a := b.do("POST", "/dashboard/addons/"+id[1], url.Values{"csrf": {csrf}, "name": {"Seat+"}, "currency": {"USD"}, "price": {"5"}, "tax_category": {"saas"}}); a.code != http.StatusSeeOther {
		t.Fatalf("addon edit: %d\n%s", a.code, a.body)
	}
	if h := b.get("/dashboard/addons/" + id[1] + "/history"); !strings.Contains(h.body, "addon.updated") || !strings.Contains(h.body, "499") {
		t.Fatalf("addon history:\n%s", h.body)
	}
	if a := b.do("POST", "/dashboard/discounts", url.Values{"csrf": {csrf}, "code": {"SPRING"}, "amount": {"12.5"}}); a.code != http.StatusSeeOther {
		t.Fatalf("discount: %d\n%s", a.code, a.body)
	}
	if a := b.do("POST", "/dashboard/discounts", url.Values{"csrf": {csrf}, "code": {"SPRING"}, "amount": {"10"}}); a.code != 422 || !strings.Contains(a.body, `id="e-code"`) {
		t.Fatalf("duplicate code: %d\n%s", a.code, a.body)
	}
	dl := b.get("/dashboard/discounts")
	did := regexp.MustCompile(`/dashboard/discounts/(dsc_[^"]+)"`).FindStringSubmatch(dl.body)
	if did == nil || !strings.Contains(dl.body, "12.5%") {
		t.Fatalf("discounts:\n%s", dl.body)
	}
	if a := b.do("POST", "/dashboard/discounts/"+did[1], url.Values{"csrf": {csrf}, "code": {"SPRING"}, "amount": {"15"}}); a.code != http.StatusSeeOther {
		t.Fatalf("discount edit: %d\n%s", a.code, a.body)
	}
	if a := b.do("POST", "/dashboard/discounts/"+did[1]+"/delete", url.Values{"csrf": {csrf}}); a.code != http.StatusSeeOther {
		t.Fatalf("discount delete: %d", a.code)
	}
	if strings.Contains(b.get("/dashboard/discounts").body, "SPRING") {
		t.Fatal("deleted discount listed")
	}
}

func TestWebhookPages(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	csrf := b.signIn(f.keys["a"])
	if a := b.do("POST", "/dashboard/webhooks", url.Values{"csrf": {csrf}, "url": {"not a url"}}); a.code != 422 || !strings.Contains(a.body, `id="e-wurl"`) {
		t.Fatalf("bad url: %d\n%s", a.code, a.body)
	}
	a := b.do("POST", "/dashboard/webhooks", url.Values{"csrf": {csrf}, "url": {"https://hooks.example/in"}, "description": {"<i>x</i>"}})
	if a.code != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", a.code, a.body)
	}
	path := strings.TrimSuffix(a.h.Get("Location"), "?ok=created")
	if a := b.do("POST", path+"/test", url.Values{"csrf": {csrf}}); a.code != http.StatusSeeOther || a.h.Get("Location") != path+"?ok=tested" {
		t.Fatalf("send test: %d %v", a.code, a.h)
	}
	if a := b.do("POST", path+"/state", url.Values{"csrf": {csrf}, "disabled": {"true"}}); a.code != http.StatusSeeOther {
		t.Fatalf("disable: %d", a.code)
	}
	page := b.get(path)
	if !strings.Contains(page.body, "disabled") || !strings.Contains(page.body, "&lt;i&gt;x&lt;/i&gt;") {
		t.Fatalf("endpoint page:\n%s", page.body)
	}
	// A test event to a disabled endpoint is a conflict, shown as a page.
	if a := b.do("POST", path+"/test", url.Values{"csrf": {csrf}}); a.code != http.StatusConflict {
		t.Fatalf("send test to a disabled endpoint: %d", a.code)
	}
}

func TestProductPagesByCursor(t *testing.T) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) { testProductPagesByCursor(t, newFixtureOn(t, engine)) })
	}
}

func testProductPagesByCursor(t *testing.T, f *fixture) {
	if err := f.st.SeedProducts(context.Background(), f.tn, 60, func(i int) *catalog.Product {
		return &catalog.Product{Name: "P" + strconv.Itoa(i), TaxCategory: "saas", Price: catalog.Price{Type: catalog.PriceOneTime, Currency: "USD", Price: 100}}
	}); err != nil {
		t.Fatal(err)
	}
	b := f.browser(t)
	b.signIn(f.keys["a"])
	next := regexp.MustCompile(`href="(/dashboard/products\?[^"]*)" rel="next"`)
	row := regexp.MustCompile(`<a href="/dashboard/products/(pdt_[^"]+)">`)
	seen := map[string]bool{}
	path, pages := "/dashboard/products", 0
	for path != "" {
		page := b.get(strings.ReplaceAll(path, "&amp;", "&"))
		pages++
		for _, m := range row.FindAllStringSubmatch(page.body, -1) {
			if seen[m[1]] {
				t.Fatalf("%s on two pages", m[1])
			}
			seen[m[1]] = true
		}
		path = ""
		if m := next.FindStringSubmatch(page.body); m != nil {
			path = m[1]
			if !strings.Contains(path, "after=") || strings.Contains(path, "page") {
				t.Fatalf("next link %q is no cursor", path)
			}
		}
	}
	if len(seen) != 60 || pages != 3 {
		t.Fatalf("%d products on %d pages", len(seen), pages)
	}
	// A search, and a filter that keeps nothing.
	if body := b.get("/dashboard/products?q=P59").body; len(row.FindAllString(body, -1)) != 1 {
		t.Fatalf("search P59:\n%s", body)
	}
	if body := b.get("/dashboard/products?recurring=yes").body; !strings.Contains(body, "No products match") {
		t.Fatal("recurring filter")
	}
}

func TestRequestInspectorPage(t *testing.T) {
	f := newFixture(t)
	in := httpx.NewInspector(1 << 20)
	in.Add(f.tn, &httpx.Inspected{RequestID: "req_1", At: time.Now(), Method: "POST", Path: "/products", Status: 200,
		RequestHeaders: http.Header{"Authorization": {"Bearer pb_test_inspectedSecret"}}, // as it came: redacted when shown
		Request:        httpx.Body{Kept: []byte(`{"name":"<b>x</b>","api_key":"secret"}`), Total: 38, Type: "application/json"}})
	dash := web.New(web.Config{Store: f.st, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Inspector: in})
	srv := httptest.NewServer(dash)
	defer srv.Close()
	f.srv = srv
	b := f.browser(t)
	b.signIn(f.keys["a"])
	if body := b.get("/dashboard/requests").body; !strings.Contains(body, `href="/dashboard/requests/req_1"`) {
		t.Fatalf("requests:\n%s", body)
	}
	body := b.get("/dashboard/requests/req_1").body
	if !strings.Contains(body, "&lt;b&gt;x&lt;/b&gt;") || strings.Contains(body, `"secret"`) || strings.Contains(body, "inspectedSecret") || !strings.Contains(body, "Bearer [redacted]") {
		t.Fatalf("request:\n%s", body)
	}
}

func TestUsagePageAndProductRefs(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := &catalog.Meter{Name: "API <calls>", EventName: "api.call", MeasurementUnit: "calls", Aggregation: catalog.MeterAggregation{Type: "count"}}
	feature, ftype := "pro", "boolean"
	e := &catalog.Entitlement{Name: "Pro flag", IntegrationType: "feature_flag", Config: catalog.IntegrationConfig{FeatureID: &feature, FeatureType: &ftype}}
	c := &catalog.CreditEntitlement{Name: "Tokens", Precision: 2, Unit: "tokens"}
	if err := errors.Join(f.st.CreateMeter(ctx, f.tn, m), f.st.CreateEntitlement(ctx, f.tn, e), f.st.CreateCreditEntitlement(ctx, f.tn, c)); err != nil {
		t.Fatal(err)
	}
	per := "0.01"
	p := &catalog.Product{Name: "Metered", TaxCategory: "saas", Entitlements: []string{e.ID},
		CreditEntitlements: []catalog.CreditGrant{{CreditEntitlementID: c.ID, CreditsAmount: "100"}},
		Price: catalog.Price{Type: catalog.PriceUsage, Currency: "USD", FixedPrice: 500, PaymentFrequencyCount: 1, PaymentFrequencyInterval: "Month",
			SubscriptionPeriodCount: 1, SubscriptionPeriodInterval: "Year", Meters: []catalog.MeterPrice{{MeterID: m.ID, PricePerUnit: &per}}}}
	if err := f.st.CreateProduct(ctx, f.tn, p); err != nil {
		t.Fatal(err)
	}
	b := f.browser(t)
	b.signIn(f.keys["a"])
	usage := b.get("/dashboard/usage")
	for _, want := range []string{"API &lt;calls&gt;", "Pro flag", "Tokens", "/dashboard/usage/" + m.ID + "/history"} {
		if !strings.Contains(usage.body, want) {
			t.Errorf("usage page lacks %q", want)
		}
	}
	if h := b.get("/dashboard/usage/" + m.ID + "/history"); h.code != 200 || !strings.Contains(h.body, "meter.created") {
		t.Errorf("meter history: %d", h.code)
	}
	page := b.get("/dashboard/products/" + p.ID)
	for _, want := range []string{"API &lt;calls&gt;", "USD 0.01 per unit", "Pro flag", "Tokens", "100 credits", "USD 5.00 / month &#43; usage"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("product page lacks %q", want)
		}
	}
	if edit := b.get("/dashboard/products/" + p.ID + "/edit"); !strings.Contains(edit.body, "Fixed fee") || !strings.Contains(edit.body, `value="5.00"`) {
		t.Error("usage-based edit form")
	}
}
