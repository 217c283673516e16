package catalog

import (
	"strings"
	"time"
)

// FaultRule injects a fault (face.Fault's syntax) into the requests of
// its tenant (test mode only) that match its method and path, on every
// match, the next Count, or a Fraction of them, until it expires.
type FaultRule struct {
	ID     string // flt_...
	Method string // "" for any
	// Path is a route-table pattern ("/products/{id}"): a {name} segment
	// matches any one segment, others match themselves.
	Path      string
	Fault     string
	Count     *int     // fires left; nil fires on every match
	Fraction  *float64 // of the matches that fire; nil for all
	ExpiresAt *time.Time
	Fired     int
	CreatedAt time.Time
}

// Limits of fault rules.
const (
	MaxFaultRules   = 100 // per tenant
	MaxFaultPathLen = 500
)

// Matches reports whether a request of method to path is one of the
// rule's.
func (r *FaultRule) Matches(method, path string) bool {
	if r.Method != "" && !strings.EqualFold(r.Method, method) {
		return false
	}
	want, got := strings.Split(strings.Trim(r.Path, "/"), "/"), strings.Split(strings.Trim(path, "/"), "/")
	if len(want) != len(got) {
		return false
	}
	for i, w := range want {
		if !(strings.HasPrefix(w, "{") && strings.HasSuffix(w, "}")) && w != got[i] {
			return false
		}
	}
	return true
}

// Validate checks the rule's fields other than its fault (the face's to
// parse).
func (r *FaultRule) Validate(p *Problems) {
	switch strings.ToUpper(r.Method) {
	case "", "GET", "POST", "PUT", "PATCH", "DELETE":
	default:
		p.Add("method", "must be GET, POST, PUT, PATCH or DELETE (or left out for any)")
	}
	switch {
	case r.Path == "" || r.Path[0] != '/':
		p.Add("path", "must be a path starting with /, such as /products/{id}")
	case len(r.Path) > MaxFaultPathLen:
		p.Add("path", "must be at most %d bytes", MaxFaultPathLen)
	}
	if r.Count != nil && r.Fraction != nil {
		p.Add("count", "count and fraction exclude each other")
	}
	if r.Count != nil && *r.Count < 1 {
		p.Add("count", "must be at least 1")
	}
	if r.Fraction != nil && !(*r.Fraction > 0 && *r.Fraction <= 1) {
		p.Add("fraction", "must be more than 0 and at most 1")
	}
}
