// Package web is the dashboard: server-rendered pages under /dashboard/
// over the same store use cases as the API faces, so each change made in
// a browser validates, lands in the journal and fires webhooks exactly as
// the same change made through the API. A browser signs in with an API
// key and gets a session cookie; every form carries a CSRF token; the
// Content-Security-Policy allows only the dashboard's own embedded
// stylesheet and script; a read-only key gets pages without forms, and
// its writes are refused.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/uploads"
)

// Prefix is where the dashboard is mounted.
const Prefix = "/dashboard/"

//go:embed templates/*.html assets/*
var files embed.FS

// Config is what the dashboard is built from.
type Config struct {
	Store *store.Store
	Log   *slog.Logger
	// Inspector is the request inspector the faces record into; nil: off.
	Inspector *httpx.Inspector
	// Uploads renders image URLs; nil shows image ids only.
	Uploads *uploads.Service
	// PublicURL is the server's public base URL, for links handed out.
	PublicURL string
	// Done closes at shutdown, ending the live tail.
	Done <-chan struct{}
	// SessionTTL is how long a sign-in lasts (default 12 hours).
	SessionTTL time.Duration
}

// Dashboard serves the dashboard's pages.
type Dashboard struct {
	cfg    Config
	st     *store.Store
	log    *slog.Logger
	mux    *http.ServeMux
	pages  map[string]*template.Template
	assets map[string]asset
	csp    string
}

type asset struct {
	body        []byte
	contentType string
	hash        string
}

// New returns the dashboard with its routes registered.
func New(cfg Config) *Dashboard {
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	d := &Dashboard{cfg: cfg, st: cfg.Store, log: cfg.Log, mux: http.NewServeMux(), assets: map[string]asset{}}
	for name, ct := range map[string]string{"style.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8"} {
		b, err := files.ReadFile("assets/" + name)
		if err != nil {
			panic(err)
		}
		h := sha256.Sum256(b)
		d.assets[name] = asset{body: b, contentType: ct, hash: hex.EncodeToString(h[:8])}
	}
	img := "'self'"
	if u, err := url.Parse(cfg.PublicURL); err == nil && u.Scheme != "" && u.Host != "" {
		img += " " + u.Scheme + "://" + u.Host
	}
	// Only the dashboard's own files: no inline script or style, nothing
	// from another host, no frames, forms post only here.
	d.csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src " + img +
		"; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
	d.pages = parsePages()
	d.routes()
	return d
}

// CSP is the Content-Security-Policy of every dashboard answer.
func (d *Dashboard) CSP() string { return d.csp }

func parsePages() map[string]*template.Template {
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		panic(err)
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		out[name] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html", n))
	}
	return out
}

// ServeHTTP serves the dashboard with its security headers.
func (d *Dashboard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", d.csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	d.mux.ServeHTTP(w, r)
}

// WantsHTML reports whether a request is a browser's asking for a page:
// its Accept names text/html. API clients (JSON, */*) do not.
func WantsHTML(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, _ := strings.Cut(part, ";")
		if strings.EqualFold(strings.TrimSpace(mt), "text/html") {
			return true
		}
	}
	return false
}

// Root answers GET / for a browser: the dashboard.
func (d *Dashboard) Root(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, Prefix, http.StatusSeeOther)
}

// view is what every page template gets.
type view struct {
	Title    string
	Nav      string
	Session  *store.Session
	ReadOnly bool
	CSRF     string
	Notice   string
	Assets   map[string]string // asset name -> hash, for cache-busting URLs
	// Form and Errors re-show a form that failed validation: values by
	// field path, and each field's problem next to it.
	Form   url.Values
	Errors map[string]string
	// Problem is an error without a field.
	Problem string
	Data    any
}

// Field returns a submitted value, for re-showing a form.
func (v *view) Field(name string) string { return v.Form.Get(name) }

// notices are the messages a redirect after a write may show, by code:
// only these, so a link cannot make the dashboard say anything.
var notices = map[string]string{
	"created": "Created.", "saved": "Saved.", "archived": "Archived.", "unarchived": "Unarchived.",
	"replayed": "The delivery was queued again.", "tested": "A test event was queued.", "signedout": "You are signed out.",
	"switched": "Switched mode.", "moved": "Group order saved.", "added": "Added.", "deleted": "Deleted.",
}

func (d *Dashboard) render(w http.ResponseWriter, r *http.Request, status int, page string, v *view) {
	if v.Session != nil {
		v.CSRF, v.ReadOnly = v.Session.CSRF, v.Session.Key.ReadOnly
	}
	if v.Notice == "" {
		v.Notice = notices[r.URL.Query().Get("ok")]
	}
	v.Assets = map[string]string{}
	for n, a := range d.assets {
		v.Assets[n] = a.hash
	}
	t, ok := d.pages[page]
	if !ok {
		panic("web: no page template " + page)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		d.log.Error("dashboard: template", "page", page, "request_id", httpx.RequestID(r.Context()), "err", err)
		status, buf = http.StatusInternalServerError, *bytes.NewBufferString("internal error\n")
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

// fail answers an error with a page: the domain's kinds by their status,
// anything else as a 500 that is logged and never described.
func (d *Dashboard) fail(w http.ResponseWriter, r *http.Request, sess *store.Session, err error) {
	status, msg := http.StatusInternalServerError, "Something went wrong; the request id is "+httpx.RequestID(r.Context())+"."
	var e *catalog.Error
	if errors.As(err, &e) {
		msg = e.Message
		switch e.Kind {
		case catalog.KindNotFound:
			status = http.StatusNotFound
		case catalog.KindInvalid:
			status = http.StatusUnprocessableEntity
		case catalog.KindConflict:
			status = http.StatusConflict
		case catalog.KindGone:
			status = http.StatusGone
		case catalog.KindUnauthorized, catalog.KindForbidden:
			status = http.StatusForbidden
		default:
			msg = "Something went wrong; the request id is " + httpx.RequestID(r.Context()) + "."
		}
	}
	if status == http.StatusInternalServerError {
		d.log.Error("dashboard", "request_id", httpx.RequestID(r.Context()), "method", r.Method, "path", r.URL.Path, "err", err)
	}
	d.render(w, r, status, "error", &view{Title: http.StatusText(status), Session: sess, Problem: msg})
}

// asset serves an embedded stylesheet or script; its URL carries its
// hash, so it is cached for good.
func (d *Dashboard) asset(w http.ResponseWriter, r *http.Request) {
	a, ok := d.assets[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.contentType)
	if r.URL.Query().Get("v") == a.hash {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	w.Write(a.body)
}

// notFound answers every other path under the prefix.
func (d *Dashboard) notFound(w http.ResponseWriter, r *http.Request) {
	d.refuse(w, r, nil, http.StatusNotFound, "There is no dashboard page at this address.")
}
