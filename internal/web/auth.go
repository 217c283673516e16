package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/store"
)

// Cookie names: the session, and the sign-in form's own CSRF token (a
// double-submit cookie, since there is no session yet).
const (
	sessionCookie = "pb_session"
	signinCookie  = "pb_signin"
)

// maxFormBytes caps a form body.
const maxFormBytes = 64 << 10

// handler is a dashboard page or action: it runs for a signed-in session.
type handler func(w http.ResponseWriter, r *http.Request, s *store.Session) error

// Route kinds: a page reads; an action writes the catalog (refused for a
// read-only key); a session action (sign out, switch mode) changes only
// the session, so a read-only key may do it too.
type routeKind int

const (
	page routeKind = iota
	action
	sessionAction
)

// signedIn runs h for the request's session. Without one a page
// redirects to the sign-in form and a form post is refused. A post must
// carry the session's CSRF token and, if the browser names one, this
// origin; an action also needs a key that may write.
func (d *Dashboard) signedIn(kind routeKind, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token := cookieValue(r, sessionCookie)
		sess, err := d.st.GetSession(r.Context(), token)
		if err != nil {
			if catalog.ErrorKind(err) != catalog.KindUnauthorized {
				d.fail(w, r, nil, err)
				return
			}
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, Prefix+"signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			d.refuse(w, r, nil, http.StatusForbidden, "Your session has ended; sign in again.")
			return
		}
		if kind != page {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
			if err := r.ParseForm(); err != nil {
				d.refuse(w, r, &sess, http.StatusBadRequest, "The form could not be read.")
				return
			}
			if !d.sameOrigin(r) || !equalTokens(r.PostForm.Get("csrf"), sess.CSRF) {
				d.refuse(w, r, &sess, http.StatusForbidden, "The form was stale or forged (its CSRF token did not match); reload the page and try again.")
				return
			}
			if kind == action && sess.Key.ReadOnly {
				d.refuse(w, r, &sess, http.StatusForbidden, "This API key is read-only: the dashboard shows the catalog but changes nothing.")
				return
			}
		}
		// The journal names who made each change, as for the API.
		ctx := store.WithActor(r.Context(), store.Actor{KeyID: sess.Key.ID, RequestID: httpx.RequestID(r.Context())})
		if err := h(w, r.WithContext(ctx), &sess); err != nil {
			d.fail(w, r, &sess, err)
		}
	}
}

func (d *Dashboard) refuse(w http.ResponseWriter, r *http.Request, sess *store.Session, status int, msg string) {
	d.render(w, r, status, "error", &view{Title: http.StatusText(status), Session: sess, Problem: msg})
}

func cookieValue(r *http.Request, name string) string {
	c, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	return c.Value
}

func equalTokens(a, b string) bool {
	return a != "" && b != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// sameOrigin refuses a post whose Origin header names another host than
// the request's or the public URL's (a proxy may rewrite Host); a browser
// without one is left to the CSRF token and SameSite.
func (d *Dashboard) sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	if err != nil || u.Host == "" {
		return false
	}
	if u.Host == r.Host {
		return true
	}
	pub, err := url.Parse(d.cfg.PublicURL)
	return err == nil && pub.Host != "" && u.Host == pub.Host && u.Scheme == pub.Scheme
}

// secure reports whether cookies must be Secure: served over TLS, or
// behind a proxy at an https public URL.
func (d *Dashboard) secure(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(d.cfg.PublicURL, "https://")
}

func (d *Dashboard) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: Prefix, MaxAge: maxAge,
		HttpOnly: true, Secure: d.secure(r), SameSite: http.SameSiteStrictMode})
}

type signinData struct {
	Next string
	Add  string // the mode a signed-in session is adding a key for
}

// signinForm shows the sign-in form, with a fresh double-submit token.
func (d *Dashboard) signinForm(w http.ResponseWriter, r *http.Request) {
	d.showSignin(w, r, http.StatusOK, "")
}

func (d *Dashboard) showSignin(w http.ResponseWriter, r *http.Request, status int, problem string) {
	b := make([]byte, 24)
	rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	d.setCookie(w, r, signinCookie, tok, 3600)
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		q = r.PostForm
	}
	add := q.Get("add")
	if !catalog.Mode(add).Valid() {
		add = "" // only a mode, so a link cannot make the page say anything else
	}
	v := &view{Title: "Sign in", CSRF: tok, Problem: problem, Data: signinData{Next: safeNext(q.Get("next")), Add: add}}
	if problem != "" {
		v.Errors = map[string]string{"key": problem}
	}
	d.render(w, r, status, "signin", v)
}

// safeNext keeps a post-sign-in destination only inside the dashboard.
func safeNext(s string) string {
	if strings.HasPrefix(s, Prefix) && !strings.HasPrefix(s, "//") && !strings.ContainsAny(s, "\\\r\n") {
		return s
	}
	return Prefix
}

// signin checks the key and starts a session (or, for a signed-in
// browser, adds the key to its session: the other mode of its business).
func (d *Dashboard) signin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil || !d.sameOrigin(r) || !equalTokens(r.PostForm.Get("csrf"), cookieValue(r, signinCookie)) {
		d.refuse(w, r, nil, http.StatusForbidden, "The form was stale or forged (its CSRF token did not match); reload the page and try again.")
		return
	}
	key := strings.TrimSpace(r.PostForm.Get("key"))
	next := safeNext(r.PostForm.Get("next"))
	if !httpx.LooksLikeKey(key) {
		d.showSignin(w, r, http.StatusUnauthorized, "That is not an API key of this server.")
		return
	}
	if cur := cookieValue(r, sessionCookie); cur != "" {
		if _, err := d.st.GetSession(r.Context(), cur); err == nil {
			err := d.st.AddSessionKey(r.Context(), cur, key)
			switch catalog.ErrorKind(err) {
			case catalog.KindUnauthorized:
				d.showSignin(w, r, http.StatusUnauthorized, "That key is not valid (unknown or revoked).")
				return
			case catalog.KindForbidden:
				d.showSignin(w, r, http.StatusForbidden, "That key belongs to another business; sign out first to use it.")
				return
			}
			if err != nil {
				d.fail(w, r, nil, err)
				return
			}
			d.setCookie(w, r, signinCookie, "", -1)
			http.Redirect(w, r, next, http.StatusSeeOther)
			return
		}
	}
	token, _, err := d.st.CreateSession(r.Context(), key, d.cfg.SessionTTL)
	if catalog.ErrorKind(err) == catalog.KindUnauthorized {
		d.showSignin(w, r, http.StatusUnauthorized, "That key is not valid (unknown or revoked).")
		return
	}
	if err != nil {
		d.fail(w, r, nil, err)
		return
	}
	d.setCookie(w, r, signinCookie, "", -1)
	d.setCookie(w, r, sessionCookie, token, int(d.cfg.SessionTTL.Seconds()))
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// signout deletes the session, so its cookie is worthless even where a
// copy of it survives, and clears the cookie.
func (d *Dashboard) signout(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	if err := d.st.DeleteSession(r.Context(), cookieValue(r, sessionCookie)); err != nil {
		return err
	}
	d.setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, Prefix+"signin?ok=signedout", http.StatusSeeOther)
	return nil
}

// switchMode moves the session to the other mode; without a key for it,
// the sign-in form asks for one.
func (d *Dashboard) switchMode(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	mode := catalog.Mode(r.PostForm.Get("mode"))
	if !mode.Valid() {
		return catalog.Errorf(catalog.KindInvalid, catalog.Invalid, "mode: must be test or live")
	}
	err := d.st.SwitchSessionMode(r.Context(), cookieValue(r, sessionCookie), mode)
	if catalog.ErrorKind(err) == catalog.KindUnauthorized {
		http.Redirect(w, r, Prefix+"signin?add="+string(mode), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, Prefix+"?ok=switched", http.StatusSeeOther)
	return nil
}
