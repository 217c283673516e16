package httpx

import (
	"bytes"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
)

// The inspector keeps each tenant's recent requests in memory, for test
// suites to see what their client sent and got (GET
// /_pricebook/v1/requests): bounded per tenant and in tenants, bodies cut
// at InspectBodyBytes, credentials redacted. It holds what this process
// served; other servers keep their own.

// Inspector limits: each tenant keeps its last InspectPerTenant
// requests, and all of them together fit the inspector's byte budget
// (over it, the least recently active tenant's oldest requests go first).
const (
	InspectBodyBytes     = 16 << 10 // of each body kept
	InspectPerTenant     = 200
	inspectRedacted      = "[redacted]"
	inspectHeaderMaxKeep = 50
	inspectOverhead      = 512 // bytes counted per request besides its bodies
)

// Inspected is one request as the inspector keeps it.
type Inspected struct {
	RequestID      string
	At             time.Time
	Method, Path   string
	Query          string
	Status         int // 0 when the connection was dropped without an answer
	Duration       time.Duration
	IdempotencyKey string
	Fault          string // what Pricebook-Fault-Applied named; "" for none
	// The headers and the bodies (their first InspectBodyBytes) as they
	// came: redacted when read (RedactHeaders, Body.Redacted), not on the
	// request's path.
	RequestHeaders    http.Header
	Request, Response Body
}

// Body is a body's first InspectBodyBytes, its length and type.
type Body struct {
	Kept  []byte
	Total int64
	Type  string
}

// Redacted returns the body as the inspector shows it (RedactBody) and
// whether it was cut.
func (b Body) Redacted() (string, bool) { return RedactBody(b.Kept, b.Total, b.Type) }

// Inspector holds the recent requests of each tenant.
type Inspector struct {
	mu      sync.Mutex
	tenants map[catalog.Tenant]*inspectRing
	tick    uint64
	bytes   int // kept, as size counts them
	budget  int
}

type inspectRing struct {
	items []*Inspected // oldest first, at most InspectPerTenant
	used  uint64       // Inspector.tick at the last add
}

// NewInspector returns an empty inspector that keeps about budget bytes.
func NewInspector(budget int) *Inspector {
	return &Inspector{tenants: map[catalog.Tenant]*inspectRing{}, budget: budget}
}

func (q *Inspected) size() int { return len(q.Request.Kept) + len(q.Response.Kept) + inspectOverhead }

// Add keeps q for tn, dropping the tenant's oldest request over
// InspectPerTenant, and the least recently active tenants' oldest ones
// over the byte budget.
func (in *Inspector) Add(tn catalog.Tenant, q *Inspected) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.tick++
	ring := in.tenants[tn]
	if ring == nil {
		ring = &inspectRing{}
		in.tenants[tn] = ring
	}
	ring.used = in.tick
	if len(ring.items) >= InspectPerTenant {
		in.dropOldest(tn, ring)
	}
	ring.items = append(ring.items, q)
	in.bytes += q.size()
	for in.bytes > in.budget {
		var least catalog.Tenant
		var lr *inspectRing
		for t, r := range in.tenants {
			if lr == nil || r.used < lr.used {
				least, lr = t, r
			}
		}
		if lr == ring && len(ring.items) == 1 {
			break // keep the request just added
		}
		in.dropOldest(least, lr)
	}
}

func (in *Inspector) dropOldest(tn catalog.Tenant, ring *inspectRing) {
	in.bytes -= ring.items[0].size()
	ring.items[0] = nil
	ring.items = ring.items[1:]
	if len(ring.items) == 0 {
		delete(in.tenants, tn)
	}
}

// List returns up to limit of tn's requests, newest first, after the
// request with id after ("" from the newest); more reports whether older
// ones remain.
func (in *Inspector) List(tn catalog.Tenant, after string, limit int) (out []*Inspected, more bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	ring := in.tenants[tn]
	if ring == nil {
		return nil, false
	}
	i := len(ring.items) - 1
	if after != "" {
		for i >= 0 && ring.items[i].RequestID != after {
			i--
		}
		i-- // after it
	}
	for ; i >= 0 && len(out) < limit; i-- {
		out = append(out, ring.items[i])
	}
	return out, i >= 0
}

// Get returns one of tn's requests by its request id.
func (in *Inspector) Get(tn catalog.Tenant, requestID string) (*Inspected, bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if ring := in.tenants[tn]; ring != nil {
		for _, q := range ring.items {
			if q.RequestID == requestID {
				return q, true
			}
		}
	}
	return nil, false
}

// Reset forgets tn's requests.
func (in *Inspector) Reset(tn catalog.Tenant) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if ring := in.tenants[tn]; ring != nil {
		for len(ring.items) > 0 {
			in.dropOldest(tn, ring)
		}
	}
}

// sensitiveName matches header and JSON key names whose values are
// credentials.
var sensitiveName = regexp.MustCompile(`(?i)secret|password|passwd|token|api[-_]?key|authorization|cookie|signature`)

// sensitiveJSON matches a JSON member whose key is sensitive and whose
// value is a string, also one a cut body ends inside.
var sensitiveJSON = regexp.MustCompile(`(?i)("[^"\\]*(?:secret|password|passwd|token|api[-_]?key|authorization|cookie|signature)[^"\\]*"\s*:\s*)"(?:[^"\\]|\\.)*("|$)`)

// RedactHeaders returns the request's headers, one value each, with the
// values of credentials replaced (the scheme of Authorization kept).
func RedactHeaders(h http.Header) map[string]string {
	out := map[string]string{}
	for name, vs := range h {
		if len(out) >= inspectHeaderMaxKeep {
			break
		}
		v := strings.Join(vs, ", ")
		if sensitiveName.MatchString(name) {
			scheme, _, hasScheme := strings.Cut(v, " ")
			v = inspectRedacted
			if hasScheme && strings.EqualFold(name, "Authorization") {
				v = scheme + " " + inspectRedacted
			}
		}
		out[name] = v
	}
	return out
}

// RedactBody cuts a body at InspectBodyBytes and replaces the string
// values of credential-named JSON members; a body that is not text is
// described, not kept.
func RedactBody(b []byte, total int64, contentType string) (string, bool) {
	cut := total > int64(len(b))
	if !ValidText(string(b)) {
		return "[" + formatBytes(total) + " of " + orUnknown(contentType) + "]", cut
	}
	return sensitiveJSON.ReplaceAllString(string(b), `$1"`+inspectRedacted+`"`), cut
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown type"
	}
	return s
}

func formatBytes(n int64) string { return strconv.FormatInt(n, 10) + " bytes" }

// CaptureBody wraps r's body so that its first InspectBodyBytes are kept
// as the handler reads it; the returned func gives them and the length
// read.
func CaptureBody(r *http.Request) func() ([]byte, int64) {
	c := &capped{}
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.TeeReader(r.Body, c), r.Body}
	}
	return func() ([]byte, int64) { return c.buf.Bytes(), c.n }
}

// capped keeps the first InspectBodyBytes written to it and counts all.
type capped struct {
	buf bytes.Buffer
	n   int64
}

func (c *capped) Write(b []byte) (int, error) {
	if room := InspectBodyBytes - c.buf.Len(); room > 0 {
		c.buf.Write(b[:min(room, len(b))])
	}
	c.n += int64(len(b))
	return len(b), nil
}

// CaptureWriter records a response's status and first InspectBodyBytes.
type CaptureWriter struct {
	http.ResponseWriter
	Status int
	body   capped
}

func (c *CaptureWriter) WriteHeader(code int) {
	if c.Status == 0 {
		c.Status = code
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *CaptureWriter) Write(b []byte) (int, error) {
	if c.Status == 0 {
		c.Status = http.StatusOK
	}
	c.body.Write(b)
	return c.ResponseWriter.Write(b)
}

// Body returns the first InspectBodyBytes written and the length written.
func (c *CaptureWriter) Body() ([]byte, int64) { return c.body.buf.Bytes(), c.body.n }

// Unwrap lets http.ResponseController reach the real writer.
func (c *CaptureWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }
