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
)

// MaxIdempotencyKeyLen bounds the Idempotency-Key header.
const MaxIdempotencyKeyLen = 255

// replayedHeaders are the response headers a replay repeats.
var replayedHeaders = []string{"Content-Type", "X-Should-Retry", "Retry-After"}

// Replay is a stored response to repeat.
type Replay struct {
	Status  int
	Headers string // JSON object of the headers that matter
	Body    []byte
}

// Claim is an IdempotencyStore's hold on a key for one request. Only the
// store that handed it out reads it.
type Claim any

// IdempotencyStore keeps the responses of one caller's idempotent
// requests. httpx knows no database: the face kit (internal/api/face)
// adapts the store to it.
type IdempotencyStore interface {
	// BeginIdempotent claims key for a request with the given
	// fingerprint. It returns a stored response to replay, or a claim
	// under which the request runs with RunIdempotent (or is given up
	// with AbandonIdempotent). Its outcomes other than success are
	// ErrIdempotencyMismatch and ErrIdempotencyInFlight.
	BeginIdempotent(ctx context.Context, key, fingerprint string) (*Replay, Claim, error)
	// RunIdempotent runs a claimed request and stores the response run
	// returns, as one unit: every store call made with the context run
	// gets joins it, so the request's writes and its stored response
	// commit together or not at all. An error from run (ErrNotStored for
	// a response that must not be stored) rolls everything back and is
	// returned. A claim taken over meanwhile fails with
	// ErrIdempotencyInFlight and writes nothing.
	RunIdempotent(ctx context.Context, c Claim, run func(ctx context.Context) (Replay, error)) error
	// AbandonIdempotent releases a claim without a stored response, so
	// a retry runs the request again.
	AbandonIdempotent(ctx context.Context, c Claim) error
}

// The outcomes of an IdempotencyStore.
var (
	// ErrIdempotencyMismatch: the key was used with another request.
	ErrIdempotencyMismatch = errors.New("httpx: idempotency key used with a different request")
	// ErrIdempotencyInFlight: a request with the key is still running.
	ErrIdempotencyInFlight = errors.New("httpx: idempotency key in flight")
	// ErrNotStored is what RunIdempotent's run returns for a response
	// that must not be stored (an unexpected internal error: a retry
	// runs again).
	ErrNotStored = errors.New("httpx: response not stored")
)

// Idempotent gives a mutating handler Stripe's idempotency semantics for
// requests that carry an Idempotency-Key: the first request's response is
// stored for the caller; a repeat of the same request gets it back, marked
// Idempotent-Replayed: true, and does nothing else; the same key with a
// different request is refused. st holds the caller's keys. ew writes
// h's error, so error responses are stored too. Unexpected internal
// errors are not stored: a retry runs again.
func Idempotent(st IdempotencyStore, ew ErrorWriter, h HandlerFunc) HandlerFunc {
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

		replay, claim, err := st.BeginIdempotent(r.Context(), key, fingerprint)
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
		err = st.RunIdempotent(r.Context(), claim, func(ctx context.Context) (Replay, error) {
			if err := h(rec, r.WithContext(ctx)); err != nil {
				ew(rec, r, err)
			}
			if rec.status == 0 {
				rec.status = http.StatusOK
			}
			if rec.status >= 500 && rec.header.Get("X-Should-Retry") == "" {
				return Replay{}, ErrNotStored
			}
			hdr := map[string]string{}
			for _, k := range replayedHeaders {
				if v := rec.header.Get(k); v != "" {
					hdr[k] = v
				}
			}
			hj, _ := json.Marshal(hdr)
			return Replay{Status: rec.status, Headers: string(hj), Body: rec.body.Bytes()}, nil
		})
		if err != nil && !errors.Is(err, ErrNotStored) {
			// Nothing of the request was committed: a retry runs it anew.
			st.AbandonIdempotent(r.Context(), claim)
			return idempotencyError(w, err)
		}
		if errors.Is(err, ErrNotStored) {
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
