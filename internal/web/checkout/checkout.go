// Package checkout serves the public pages short links lead to: the
// redirect of a short URL and Pricebook's static checkout page of one
// product. They need no API key, since they are links meant to be shared,
// and live outside every face's paths (/s/ and /buy/), so the vendor faces
// stay exact.
package checkout

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/store"
)

//go:embed page.html style.css
var files embed.FS

var (
	style = mustRead("style.css")
	// csp allows nothing but the one stylesheet of the page, by its hash:
	// no script, no external asset, no frame, no form.
	csp = "default-src 'none'; style-src 'sha256-" + hashOf(style) + "'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	tpl = template.Must(template.New("page.html").ParseFS(files, "page.html"))
)

func mustRead(name string) string {
	b, err := files.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func hashOf(s string) string {
	h := sha256.Sum256([]byte(s))
	return base64.StdEncoding.EncodeToString(h[:])
}

// CSP is the Content-Security-Policy header of every page.
func CSP() string { return csp }

// Pages serves the short-link redirect and the static checkout page.
type Pages struct {
	store  *store.Store
	log    *slog.Logger
	public string
}

// New returns the pages over st; public is the server's public base URL.
func New(st *store.Store, log *slog.Logger, public string) *Pages {
	return &Pages{store: st, log: log, public: public}
}

// Mount registers the pages' routes on mux. Other paths under /s/ and
// /buy/ fall through to the face mounted at the root.
func (p *Pages) Mount(mux *http.ServeMux) {
	mux.HandleFunc("GET /s/{mode}/{business}/{slug}", p.shortLink)
	mux.HandleFunc("GET /buy/{product_id}", p.checkout)
}

// plain is what path values and parameters must look like before they
// reach the database: printable ASCII ids and slugs.
var plain = regexp.MustCompile(`^[A-Za-z0-9_-]{1,100}$`)

// shortLink redirects a short URL to its static checkout URL.
func (p *Pages) shortLink(w http.ResponseWriter, r *http.Request) {
	mode, business, slug := catalog.Mode(r.PathValue("mode")), r.PathValue("business"), r.PathValue("slug")
	if !mode.Valid() || !plain.MatchString(business) || !plain.MatchString(slug) {
		p.fail(w, r, catalog.NotFound("Short link", slug))
		return
	}
	l, err := p.store.GetShortLinkBySlug(r.Context(), catalog.Tenant{BusinessID: business, Mode: mode}, slug)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	headers(w)
	// 302, not 301: a browser would keep a permanent redirect for ever.
	http.Redirect(w, r, p.public+l.CheckoutPath(), http.StatusFound)
}

// checkout renders the static checkout page of the product with the
// parameters of the URL; only pairs a short link was made for exist.
func (p *Pages) checkout(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("product_id")
	values, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil || !plain.MatchString(id) {
		p.fail(w, r, catalog.NotFound("Checkout", id))
		return
	}
	params := map[string]string{}
	for k, vs := range values {
		if len(vs) != 1 || !httpx.ValidText(k) || !httpx.ValidText(vs[0]) {
			p.fail(w, r, catalog.NotFound("Checkout", id))
			return
		}
		params[k] = vs[0]
	}
	l, prod, err := p.store.StaticCheckout(r.Context(), id, params)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if prod.Archived {
		p.render(w, r, http.StatusGone, view{Title: "No longer available",
			Message: "This product is no longer sold.", Test: l.Mode == catalog.ModeTest})
		return
	}
	p.render(w, r, http.StatusOK, pageOf(l, prod))
}

// fail answers an error with a page: 404 for anything not found, 500 for
// the rest, which is logged and never described.
func (p *Pages) fail(w http.ResponseWriter, r *http.Request, err error) {
	if catalog.ErrorKind(err) == catalog.KindNotFound {
		p.render(w, r, http.StatusNotFound, view{Title: "Not found", Message: "There is no checkout at this address."})
		return
	}
	var e *catalog.Error
	if !errors.As(err, &e) {
		p.log.Error("checkout page", "request_id", httpx.RequestID(r.Context()), "path", r.URL.Path, "err", err)
	}
	p.render(w, r, http.StatusInternalServerError, view{Title: "Something went wrong",
		Message: "The page could not be shown; the request id is " + httpx.RequestID(r.Context()) + "."})
}

func (p *Pages) render(w http.ResponseWriter, r *http.Request, status int, v view) {
	v.Style = template.CSS(style)
	var buf bytes.Buffer
	if err := tpl.Execute(&buf, v); err != nil {
		p.log.Error("checkout page: template", "request_id", httpx.RequestID(r.Context()), "err", err)
		status, buf = http.StatusInternalServerError, *bytes.NewBufferString("internal error\n")
	}
	headers(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

// headers are the security headers of every answer of these pages.
func headers(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
}
