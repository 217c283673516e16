package catalogfile

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Server names the two faces apply talks to: a Dodo Payments API (Bearer
// key) and a ChartMogul API (Basic key), by default the same server.
type Server struct {
	DodoURL       string
	DodoKey       string
	ChartMogulURL string // "" is DodoURL
	ChartMogulKey string // "" is DodoKey
	// HTTP is the client; nil is one with a 60 s timeout.
	HTTP *http.Client
}

// errNotFound marks a 404 from a server.
var errNotFound = errors.New("not found")

// APIError is a refusal of a face.
type APIError struct {
	Method, Path string
	Status       int
	Code         string // Dodo's code, when there is one
	Body         string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s %s: %d %s", e.Method, e.Path, e.Status, strings.TrimSpace(e.Body))
}

// face is one face's client.
type face struct {
	base string
	auth string
	http *http.Client
}

func (s Server) faces() (dodo, cm *face) {
	hc := s.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	cmURL, cmKey := s.ChartMogulURL, s.ChartMogulKey
	if cmURL == "" {
		cmURL = s.DodoURL
	}
	if cmKey == "" {
		cmKey = s.DodoKey
	}
	dodo = &face{base: strings.TrimRight(s.DodoURL, "/"), auth: "Bearer " + s.DodoKey, http: hc}
	cm = &face{base: strings.TrimRight(cmURL, "/"), http: hc,
		auth: "Basic " + base64.StdEncoding.EncodeToString([]byte(cmKey+":"))}
	return dodo, cm
}

// do sends a request; body nil sends none. idem, when not empty, is the
// Idempotency-Key. A 2xx answer is decoded into out (when not nil);
// anything else is an *APIError. A 409 that says a request with the same
// key is still running is waited out.
func (f *face) do(ctx context.Context, method, path string, body any, idem string, out any) error {
	_, err := f.send(ctx, method, path, body, idem, out)
	return err
}

// create POSTs an object under an Idempotency-Key. An answer replayed
// from the key names what an earlier apply made, which a reset or a
// delete may have removed since: then (at names the object, from out) the
// object is made anew under a fresh key.
func (f *face) create(ctx context.Context, path string, body any, idem string, out any, at func() string) error {
	replayed, err := f.send(ctx, "POST", path, body, idem, out)
	if err != nil || !replayed {
		return err
	}
	if err := f.get(ctx, at(), nil); !errors.Is(err, errNotFound) {
		return err
	}
	_, err = f.send(ctx, "POST", path, body, idem+"/again-"+randomHex(), out)
	return err
}

// send is do, telling whether the answer was replayed.
func (f *face) send(ctx context.Context, method, path string, body any, idem string, out any) (replayed bool, _ error) {
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return false, err
		}
	}
	for attempt := 0; ; attempt++ {
		var rd io.Reader
		if raw != nil {
			rd = bytes.NewReader(raw)
		}
		req, err := http.NewRequestWithContext(ctx, method, f.base+path, rd)
		if err != nil {
			return false, err
		}
		req.Header.Set("Authorization", f.auth)
		req.Header.Set("Accept", "application/json")
		if raw != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if idem != "" {
			req.Header.Set("Idempotency-Key", idem)
		}
		res, err := f.http.Do(req)
		if err != nil {
			return false, fmt.Errorf("%s %s: %w", method, path, err)
		}
		data, err := io.ReadAll(io.LimitReader(res.Body, 32<<20))
		res.Body.Close()
		if err != nil {
			return false, fmt.Errorf("%s %s: %w", method, path, err)
		}
		if res.StatusCode/100 == 2 {
			if out != nil && len(bytes.TrimSpace(data)) > 0 {
				if err := json.Unmarshal(data, out); err != nil {
					return false, fmt.Errorf("%s %s: the answer is not the expected JSON: %w", method, path, err)
				}
			}
			return res.Header.Get("Idempotent-Replayed") == "true", nil
		}
		inFlight := res.StatusCode == http.StatusConflict && idem != "" && res.Header.Get("X-Should-Retry") != "false"
		if inFlight && attempt < 100 {
			// The racing request with this key answers soon; its stored
			// answer is then replayed to us.
			if err := wait(ctx, 100*time.Millisecond); err != nil {
				return false, err
			}
			continue
		}
		if res.StatusCode == http.StatusTooManyRequests && attempt < 5 {
			// A rate limit: wait as told (at most a minute). Other
			// failures stop the apply; the next one goes on from there.
			d := time.Second
			if secs, err := strconv.Atoi(res.Header.Get("Retry-After")); err == nil && secs >= 0 && secs <= 60 {
				d = time.Duration(secs) * time.Second
			}
			if err := wait(ctx, d); err != nil {
				return false, err
			}
			continue
		}
		e := &APIError{Method: method, Path: path, Status: res.StatusCode, Body: string(data)}
		var env struct{ Code any }
		if json.Unmarshal(data, &env) == nil {
			if c, ok := env.Code.(string); ok {
				e.Code = c
			}
		}
		if e.Status == http.StatusNotFound {
			return false, fmt.Errorf("%w: %w", errNotFound, e)
		}
		if idem != "" && res.Header.Get("Idempotent-Replayed") == "true" && !strings.Contains(idem, "/again-") {
			// A refusal stored for this key by an earlier apply: what
			// refused it may have changed since, so ask once more.
			idem += "/again-" + randomHex()
			continue
		}
		return false, e
	}
}

// get GETs path into out.
func (f *face) get(ctx context.Context, path string, out any) error {
	return f.do(ctx, "GET", path, nil, "", out)
}

// idemKey derives an Idempotency-Key from what is created and how: two
// applies of one file that create the same object send the same key, so
// the server makes it once.
func idemKey(kind, key string, body any) string {
	raw, _ := json.Marshal(body)
	sum := sha256.Sum256(raw)
	k := "pricebook-catalog/" + kind + "/" + key
	if len(k) > 200 {
		ks := sha256.Sum256([]byte(k))
		k = "pricebook-catalog/" + kind + "/" + hex.EncodeToString(ks[:12])
	}
	return k + "/" + hex.EncodeToString(sum[:12])
}

func randomHex() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// pages GETs every page of a Dodo list into each item.
func (f *face) pages(ctx context.Context, path string, q url.Values, each func(json.RawMessage) error) error {
	for page := 0; ; page++ {
		q.Set("page_size", "100")
		q.Set("page_number", fmt.Sprint(page))
		var l struct{ Items []json.RawMessage }
		if err := f.get(ctx, path+"?"+q.Encode(), &l); err != nil {
			return err
		}
		for _, it := range l.Items {
			if err := each(it); err != nil {
				return err
			}
		}
		if len(l.Items) < 100 {
			return nil
		}
	}
}

// cursorPages GETs every page of a ChartMogul list (root the list's key).
func (f *face) cursorPages(ctx context.Context, path string, q url.Values, root string, each func(json.RawMessage) error) error {
	cursor := ""
	for {
		q.Set("per_page", "200")
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var l map[string]json.RawMessage
		if err := f.get(ctx, path+"?"+q.Encode(), &l); err != nil {
			return err
		}
		var items []json.RawMessage
		json.Unmarshal(l[root], &items)
		for _, it := range items {
			if err := each(it); err != nil {
				return err
			}
		}
		var more bool
		json.Unmarshal(l["has_more"], &more)
		var next *string
		json.Unmarshal(l["cursor"], &next)
		if !more || next == nil || len(items) == 0 {
			return nil
		}
		cursor = *next
	}
}

// wait waits d, or until ctx ends.
func wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
