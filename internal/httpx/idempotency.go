package httpx

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
)

// MaxIdempotencyKeyLen bounds the Idempotency-Key header.
const MaxIdempotencyKeyLen = 255

// replayedHeaders are the response headers a replay repeats.
var replayedHeaders = []string{"Content-Type", "X-Should-Retry", "Retry-After"}

// Idempotent gives a mutating handler Stripe's idempotency semantics for
// requests that carry an Idempotency-Key: the first request's response is
// stored for the tenant; a repeat of the same request gets it back, marked
// Idempotent-Replayed: true, and does nothing else; the same key with a
// different request is refused. ew writes h's error, so error responses
// are stored too. Unexpected internal errors are not stored: a retry runs
// again.
func Idempotent(st *store.Store, tn catalog.Tenant, ew ErrorWriter, h HandlerFunc) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		key := r.Header.Get("Idempotency-Key")
		if key == "" {
			return h(w, r)
		}
		if len(key) > MaxIdempotencyKeyLen {
			return &Error{Status: http.StatusBadRequest, Reason: IdempotencyKeyTooLong,
				Message: "Idempotency-Key must be at most " + strconv.Itoa(MaxIdempotencyKeyLen) + " characters"}
		}
		body, err := ReadBody(r)
		if err != nil {
			return err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.New()
		io.WriteString(sum, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery+"\n")
		sum.Write(body)
		fingerprint := hex.EncodeToString(sum.Sum(nil))

		replay, claim, err := st.BeginIdempotent(r.Context(), tn, key, fingerprint)
		if err != nil {
			return idempotencyError(w, err)
		}
		if replay != nil {
			var hdr map[string]string
			json.Unmarshal([]byte(replay.Headers), &hdr)
			for k, v := range hdr {
				w.Header().Set(k, v)
			}
			w.Header().Set("Idempotent-Replayed", "true")
			if replay.Status != http.StatusNoContent {
				w.Header().Set("Content-Length", strconv.Itoa(len(replay.Body)))
			}
			w.WriteHeader(replay.Status)
			w.Write(replay.Body)
			return nil
		}

		// The request runs as one store unit with its stored response: a
		// response is sent only once both are committed, so an
		// acknowledged request is never run again by a retry.
		rec := &recorder{header: http.Header{}}
		err = st.RunIdempotent(r.Context(), claim, func(ctx context.Context) (store.Replay, error) {
			if err := h(rec, r.WithContext(ctx)); err != nil {
				ew(rec, r, err)
			}
			if rec.status == 0 {
				rec.status = http.StatusOK
			}
			if rec.status >= 500 && rec.header.Get("X-Should-Retry") == "" {
				return store.Replay{}, store.ErrNotStored
			}
			hdr := map[string]string{}
			for _, k := range replayedHeaders {
				if v := rec.header.Get(k); v != "" {
					hdr[k] = v
				}
			}
			hj, _ := json.Marshal(hdr)
			return store.Replay{Status: rec.status, Headers: string(hj), Body: rec.body.Bytes()}, nil
		})
		if err != nil && !errors.Is(err, store.ErrNotStored) {
			// Nothing of the request was committed: a retry runs it anew.
			st.AbandonIdempotent(r.Context(), claim)
			return idempotencyError(w, err)
		}
		if errors.Is(err, store.ErrNotStored) {
			st.AbandonIdempotent(r.Context(), claim)
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.status)
		w.Write(rec.body.Bytes())
		return nil
	}
}

// recorder buffers a response so it can be stored before it is sent.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
