// Package httpx holds the small HTTP helpers both API faces share: the
// error-returning handler adapter, JSON encoding, request logging, panic
// recovery and body limits. It knows no vendor's wire format and no
// database: the face kit adapts the store to IdempotencyStore.
package httpx

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

// HandlerFunc is an HTTP handler that returns its error instead of writing
// it; an ErrorWriter turns the error into the face's envelope.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// ErrorWriter writes err to w in a face's error envelope.
type ErrorWriter func(w http.ResponseWriter, r *http.Request, err error)

// Adapt turns h into an http.Handler that writes h's error with ew.
func Adapt(ew ErrorWriter, h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			ew(w, r, err)
		}
	})
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// WriteJSON writes v as a JSON response with the given status. The body is
// encoded first, so an encoding failure never leaves a half-written reply.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		return err
	}
	writeBody(w, status, buf.Bytes())
	return nil
}

// WriteDocument answers with doc, a JSON document json.Marshal encoded,
// byte for byte as WriteJSON would have sent the value.
func WriteDocument(w http.ResponseWriter, status int, doc json.RawMessage) {
	body := make([]byte, len(doc)+1)
	copy(body, doc)
	body[len(doc)] = '\n' // what json.Encoder adds
	writeBody(w, status, body)
}

// encodeJSON returns v encoded as WriteJSON sends it, in a slice of its own.
func encodeJSON(v any) ([]byte, error) {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil
}

// WriteEmpty answers with status and no body. For 200 a JSON content type
// with an explicit Content-Length: 0 is what JSON clients read as "no
// value" (the Node SDK resolves void calls to undefined) instead of
// failing to parse an empty body.
func WriteEmpty(w http.ResponseWriter, status int) {
	if status != http.StatusNoContent {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "0")
	}
	w.WriteHeader(status)
}

// ReadBody reads the whole request body, which LimitBody has capped.
func ReadBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	if err == nil {
		return b, nil
	}
	var mbe *http.MaxBytesError
	var ne net.Error
	switch {
	case errors.As(err, &mbe):
		return nil, ErrBodyTooLarge
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, ErrBodyIncomplete
	case errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return nil, ErrBodyTimeout
	}
	return nil, fmt.Errorf("%w: %v", ErrBodyUnreadable, err)
}

// LimitBody caps every request body at n bytes.
func LimitBody(n int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, n)
		next.ServeHTTP(w, r)
	})
}

type ctxKey int

const requestIDKey ctxKey = iota

// RequestID returns the id Log gave the request.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// statusWriter records the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Log gives each request an id (returned in X-Request-Id) and writes one
// structured line per request. It never logs headers, so keys stay out.
func Log(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := newRequestID()
		w.Header().Set("X-Request-Id", id)
		sw := &statusWriter{ResponseWriter: w}
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey, id))
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", sw.status),
			slog.Duration("duration", time.Since(start)),
			slog.Int("bytes", sw.bytes),
			slog.String("request_id", id))
	})
}

func newRequestID() string {
	var b [12]byte
	rand.Read(b[:])
	return "req_" + hex.EncodeToString(b[:])
}

// Recover turns a panic in next into a 500 written by ew, logging it.
func Recover(logger *slog.Logger, ew ErrorWriter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				logger.Error("panic", "request_id", RequestID(r.Context()), "panic", v)
				ew(w, r, errors.New("internal error"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// MaxJSONDepth bounds how deeply a request body may nest objects and
// arrays; no request of either API needs more than a handful of levels.
const MaxJSONDepth = 32

// JSONTooDeep reports whether body nests objects or arrays deeper than
// max, scanning the bytes once, outside strings.
func JSONTooDeep(body []byte, max int) bool {
	depth, inString, escaped := 0, false, false
	for _, c := range body {
		switch {
		case inString:
			if escaped {
				escaped = false
			} else if c == '\\' {
				escaped = true
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			if depth > max {
				return true
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return false
}
