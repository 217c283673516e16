package face

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
)

// FaultHeader asks for a fault on one request (test-mode keys only).
const FaultHeader = "Pricebook-Fault"

// FaultAppliedHeader names, on a faulted response, the fault that fired.
const FaultAppliedHeader = "Pricebook-Fault-Applied"

// Fault is what a Pricebook-Fault header or a fault rule injects:
// parameters separated by ";", such as "status=503; retry-after=2",
// "delay=300ms", "drop", "after-commit; status=500", "after-commit; drop".
type Fault struct {
	Status     int           // 429, 500, 502, 503 or 504; 0 for none
	RetryAfter int           // seconds, with a 429 or a 503
	Delay      time.Duration // before anything else happens
	Drop       bool          // the connection is closed without an answer
	// AfterCommit runs the request, its writes committed, then answers
	// the fault (Status or Drop) instead of the request's own answer.
	AfterCommit bool
}

// faultStatuses are the statuses a fault may answer, with the HTTP
// layer's reason each face words.
var faultStatuses = map[int]httpx.Reason{
	http.StatusTooManyRequests:     httpx.RateLimited,
	http.StatusInternalServerError: httpx.ServerError,
	http.StatusBadGateway:          httpx.BadGateway,
	http.StatusServiceUnavailable:  httpx.Unavailable,
	http.StatusGatewayTimeout:      httpx.GatewayTimeout,
}

// maxFaultDelay bounds a fault's delay: the server's own write timeout
// would cut a longer one off.
const maxFaultDelay = 30 * time.Second

// ParseFault reads a fault; its error says what is wrong, for a 400.
func ParseFault(s string) (Fault, error) {
	var f Fault
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ";") {
		name, value, hasValue := strings.Cut(strings.TrimSpace(part), "=")
		name, value = strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(value)
		if name == "" {
			return f, fmt.Errorf("an empty parameter in %q", s)
		}
		if seen[name] {
			return f, fmt.Errorf("%s is given twice", name)
		}
		seen[name] = true
		flag := name == "drop" || name == "after-commit"
		switch name {
		case "status", "retry-after", "delay", "drop", "after-commit":
		default:
			return f, fmt.Errorf("unknown parameter %q (status, retry-after, delay, drop, after-commit)", name)
		}
		if flag == hasValue {
			if flag {
				return f, fmt.Errorf("%s takes no value", name)
			}
			return f, fmt.Errorf("%s needs a value (%s=...)", name, name)
		}
		switch name {
		case "status":
			n, err := strconv.Atoi(value)
			if _, ok := faultStatuses[n]; err != nil || !ok {
				return f, fmt.Errorf("status must be 429, 500, 502, 503 or 504, not %q", value)
			}
			f.Status = n
		case "retry-after":
			n, err := strconv.Atoi(value)
			if err != nil || n < 0 || n > 3600 {
				return f, fmt.Errorf("retry-after must be whole seconds from 0 to 3600, not %q", value)
			}
			f.RetryAfter = n
		case "delay":
			d, err := time.ParseDuration(value)
			if err != nil || d < 0 || d > maxFaultDelay {
				return f, fmt.Errorf("delay must be a duration from 0s to %v, such as 300ms, not %q", maxFaultDelay, value)
			}
			f.Delay = d
		case "drop":
			f.Drop = true
		case "after-commit":
			f.AfterCommit = true
		}
	}
	switch {
	case f.Drop && f.Status != 0:
		return f, fmt.Errorf("drop and status exclude each other")
	case seen["retry-after"] && f.Status != http.StatusTooManyRequests && f.Status != http.StatusServiceUnavailable:
		return f, fmt.Errorf("retry-after goes with status=429 or status=503")
	case f.AfterCommit && f.Status == 0 && !f.Drop:
		return f, fmt.Errorf("after-commit needs status=... or drop")
	}
	return f, nil
}

// String writes the fault in the header's syntax.
func (f Fault) String() string {
	var parts []string
	if f.AfterCommit {
		parts = append(parts, "after-commit")
	}
	if f.Delay > 0 {
		parts = append(parts, "delay="+f.Delay.String())
	}
	if f.Status != 0 {
		parts = append(parts, "status="+strconv.Itoa(f.Status))
	}
	if f.RetryAfter > 0 {
		parts = append(parts, "retry-after="+strconv.Itoa(f.RetryAfter))
	}
	if f.Drop {
		parts = append(parts, "drop")
	}
	return strings.Join(parts, "; ")
}

// err is the fault's answer in the face's envelope (each face words the
// reason), retryable as a real outage is; nil for a fault without status.
func (f Fault) err(w http.ResponseWriter) error {
	if f.Status == 0 {
		return nil
	}
	h := w.Header()
	if f.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(f.RetryAfter))
	}
	msg := "Injected by Pricebook-Fault: " + f.String()
	if f.Status == http.StatusTooManyRequests {
		h.Set("X-RateLimit-Limit", "0")
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Reset", strconv.Itoa(f.RetryAfter))
	}
	return &httpx.Error{Status: f.Status, Reason: faultStatuses[f.Status], Message: msg, Retryable: true}
}

// faultFor returns the fault r asks for (its Pricebook-Fault header) or
// that a rule of the tenant injects, with the words that name it in
// Pricebook-Fault-Applied; nil when none. A header on a live-mode key is
// refused, never ignored.
func (h *Handler) faultFor(r *http.Request, tn catalog.Tenant) (*Fault, string, error) {
	if v, asked := r.Header[FaultHeader]; asked {
		if tn.Mode != catalog.ModeTest {
			return nil, "", &httpx.Error{Status: http.StatusForbidden, Reason: httpx.FaultForbidden,
				Message: FaultHeader + " is for test-mode keys only"}
		}
		if len(v) != 1 {
			return nil, "", &httpx.Error{Status: http.StatusBadRequest, Reason: httpx.FaultInvalid, Param: FaultHeader,
				Message: FaultHeader + ": one fault per request, in one header"}
		}
		f, err := ParseFault(v[0])
		if err != nil {
			return nil, "", &httpx.Error{Status: http.StatusBadRequest, Reason: httpx.FaultInvalid, Param: FaultHeader,
				Message: FaultHeader + ": " + err.Error()}
		}
		return &f, f.String(), nil
	}
	if tn.Mode != catalog.ModeTest {
		return nil, "", nil
	}
	rules, err := h.store.FaultRules(r.Context(), tn)
	if err != nil || len(rules) == 0 {
		return nil, "", err
	}
	now := time.Now()
	for _, rule := range rules {
		if !rule.Matches(r.Method, r.URL.Path) || rule.ExpiresAt != nil && !now.Before(*rule.ExpiresAt) ||
			rule.Fraction != nil && rand.Float64() >= *rule.Fraction {
			continue
		}
		f, err := ParseFault(rule.Fault)
		if err != nil {
			continue // checked when the rule was made
		}
		fired, err := h.store.FireFaultRule(r.Context(), rule)
		if err != nil {
			return nil, "", err
		}
		if fired {
			return &f, f.String() + "; rule=" + rule.ID, nil
		}
	}
	return nil, "", nil
}

// inject applies f around serve (the rest of the request: idempotency
// and the handler): after its delay, a fault without after-commit
// answers (or drops) before serve runs, so it writes nothing; with
// after-commit serve runs to the end, its answer is thrown away, and the
// fault answers instead.
func inject(w http.ResponseWriter, r *http.Request, f Fault, applied string, serve httpx.HandlerFunc) error {
	w.Header().Set(FaultAppliedHeader, applied)
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return r.Context().Err()
		}
	}
	if f.AfterCommit {
		serve(&discardWriter{header: http.Header{}}, r) // its answer, error or not, is what the fault replaces
	} else if !f.Drop && f.Status == 0 {
		return serve(w, r) // a delay only
	}
	if f.Drop {
		dropConnection(w)
		return nil
	}
	return f.err(w)
}

// dropConnection closes the request's connection without an answer.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // HTTP/2: the server resets the stream
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0) // a reset, as a dying server's connection ends
	}
	conn.Close()
}

// discardWriter takes a response that is not sent.
type discardWriter struct{ header http.Header }

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}
