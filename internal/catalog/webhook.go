package catalog

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net"
	"net/netip"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Webhook endpoint limits.
const (
	MaxWebhookURLLen        = 2048
	MaxWebhookFilterTypes   = 100
	MaxWebhookEventTypeLen  = 100
	MaxWebhookRateLimit     = 65535 // messages per second, at most
	MaxWebhookHeaders       = 20
	MaxWebhookHeaderNameLen = 100
	MaxWebhookHeaderLen     = 4096
	// WebhookSecretBytes is the size of a signing secret's random key.
	WebhookSecretBytes = 24
)

// WebhookEndpoint is a URL that events of a tenant are sent to, signed
// with its secret (Standard Webhooks). Deleting one keeps its row, so that
// deliveries made to it can still name it.
type WebhookEndpoint struct {
	ID          string
	BusinessID  string
	URL         string
	Description string
	// FilterTypes lists the only event types sent; nil sends every type.
	FilterTypes []string
	// RateLimit caps the messages sent per second; nil is no cap.
	RateLimit *int
	Disabled  bool
	Metadata  map[string]string
	// Headers are sent with every delivery. They may carry credentials,
	// so they are never rendered into the journal.
	Headers map[string]string `json:"-"`
	// Secret signs deliveries: "whsec_" and the base64 of its key. It is
	// never rendered into the journal.
	Secret string `json:"-"`
	// PreviousSecret, after a rotation, signs deliveries next to Secret
	// until PreviousSecretExpiresAt, so receivers can switch keys without
	// refusing a message; empty when there is none.
	PreviousSecret          string     `json:"-"`
	PreviousSecretExpiresAt *time.Time `json:"-"`
	CreatedAt               time.Time
	UpdatedAt               time.Time
}

// Validate checks every field rule of an endpoint that needs no database.
// Whether the URL may name a private address is a policy of the server,
// checked by CheckWebhookAddress.
func (w *WebhookEndpoint) Validate(pr *Problems) {
	checkWebhookURL(pr, "url", w.URL)
	checkText(pr, "description", w.Description, 0, MaxDescriptionLen)
	if len(w.FilterTypes) > MaxWebhookFilterTypes {
		pr.Add("filter_types", "at most %d event types are allowed, got %d", MaxWebhookFilterTypes, len(w.FilterTypes))
	}
	seen := map[string]bool{}
	for i, t := range w.FilterTypes {
		path := fmt.Sprintf("filter_types[%d]", i)
		checkText(pr, path, t, 1, MaxWebhookEventTypeLen)
		if seen[t] {
			pr.Add(path, "event type %q is listed twice", t)
		}
		seen[t] = true
	}
	if w.RateLimit != nil && (*w.RateLimit < 1 || *w.RateLimit > MaxWebhookRateLimit) {
		pr.Add("rate_limit", "must be from 1 to %d", MaxWebhookRateLimit)
	}
	checkStringMap(pr, "metadata", w.Metadata, MaxMetadataKeys, MaxMetadataKeyLen, MaxMetadataValueLen)
	ValidateWebhookHeaders(pr, "headers", w.Headers)
}

// checkWebhookURL checks that s is an absolute http or https URL with a
// host, of bounded length.
func checkWebhookURL(pr *Problems, path, s string) {
	if s == "" {
		pr.Add(path, "is required")
		return
	}
	if len(s) > MaxWebhookURLLen {
		pr.Add(path, "must be at most %d bytes, got %d", MaxWebhookURLLen, len(s))
		return
	}
	u, err := url.Parse(s)
	switch {
	case err != nil || !utf8.ValidString(s):
		pr.Add(path, "must be a valid URL")
	case u.Scheme != "http" && u.Scheme != "https":
		pr.Add(path, "must be an absolute http or https URL")
	case u.Hostname() == "" || u.Opaque != "":
		pr.Add(path, "must name a host")
	case u.User != nil:
		pr.Add(path, "must not carry a user name or password")
	case u.Fragment != "":
		pr.Add(path, "must not have a fragment")
	}
}

// PrivateURLs says when a webhook URL may name a private address.
type PrivateURLs string

// The policies: private addresses allowed for test mode only (the
// default), always, or never.
const (
	PrivateURLsTest   PrivateURLs = "test"
	PrivateURLsAlways PrivateURLs = "always"
	PrivateURLsNever  PrivateURLs = "never"
)

// ParsePrivateURLs reads a policy's name.
func ParsePrivateURLs(s string) (PrivateURLs, error) {
	switch p := PrivateURLs(s); p {
	case PrivateURLsTest, PrivateURLsAlways, PrivateURLsNever:
		return p, nil
	}
	return "", fmt.Errorf("must be test, always or never, got %q", s)
}

// Allows reports whether the policy allows private addresses in mode.
func (p PrivateURLs) Allows(m Mode) bool {
	switch p {
	case PrivateURLsAlways:
		return true
	case PrivateURLsNever:
		return false
	}
	return m == ModeTest
}

// CheckWebhookAddress refuses a URL whose host is a loopback, private,
// link-local or unspecified address, or a name that always means the
// local machine ("localhost"). It looks up no names: a public name that
// resolves to a private address can only be caught when a delivery
// connects, which is where the delivery engine checks again.
func CheckWebhookAddress(pr *Problems, path, s string) {
	u, err := url.Parse(s)
	if err != nil {
		return // Validate reports it
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		pr.Add(path, "must not name the local machine")
		return
	}
	ip, ok := literalIP(host)
	if !ok {
		return
	}
	if PrivateAddress(ip) {
		pr.Add(path, "must not name a loopback, private, link-local or unspecified address (%s)", ip)
	}
}

// PrivateAddress reports whether ip is a loopback, private, link-local,
// unspecified or multicast address: one a webhook may not reach unless
// the policy allows it (checked on the URL, and again where deliveries
// connect).
func PrivateAddress(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast()
}

// literalIP reads host as an IP address, in the forms a URL host takes
// and resolvers accept (dotted, and the short and numeric IPv4 forms such
// as 127.1 and 2130706433, which net.ParseIP rejects but inet_aton reads).
func literalIP(host string) (netip.Addr, bool) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip.Unmap(), true
	}
	if ip := net.ParseIP(host); ip != nil {
		a, ok := netip.AddrFromSlice(ip)
		return a.Unmap(), ok
	}
	return atonIPv4(host)
}

// atonIPv4 reads the inet_aton forms of an IPv4 address: one to four
// parts, each decimal, octal (leading 0) or hex (0x), the last filling
// the remaining bytes.
func atonIPv4(host string) (netip.Addr, bool) {
	parts := strings.Split(host, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var vals []uint64
	for _, p := range parts {
		if !numeric(p) {
			return netip.Addr{}, false
		}
		v, err := strconv.ParseUint(p, 0, 32)
		if err != nil {
			return netip.Addr{}, false
		}
		vals = append(vals, v)
	}
	var n uint64
	for i, v := range vals {
		if i < len(vals)-1 {
			if v > 255 {
				return netip.Addr{}, false
			}
			n |= v << (8 * (3 - i))
			continue
		}
		if v >= 1<<(8*(4-i)) {
			return netip.Addr{}, false
		}
		n |= v
	}
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true
}

// numeric reports whether p is a decimal, octal or hex number.
func numeric(p string) bool {
	digits := p
	hex := strings.HasPrefix(p, "0x") || strings.HasPrefix(p, "0X")
	if hex {
		digits = p[2:]
	}
	if digits == "" {
		return false
	}
	for _, c := range digits {
		ok := c >= '0' && c <= '9' || hex && (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')
		if !ok {
			return false
		}
	}
	return true
}

// CanonicalHeaders returns h with each name in its canonical form
// (Content-Type), so that names differing in case are one header.
func CanonicalHeaders(h map[string]string) map[string]string {
	if h == nil {
		return nil
	}
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[textproto.CanonicalMIMEHeaderKey(k)] = v
	}
	return out
}

// reservedHeaders are the headers a delivery sets itself.
var reservedHeaders = map[string]bool{
	"webhook-id": true, "webhook-timestamp": true, "webhook-signature": true, "content-type": true,
	"content-length": true, "host": true, "connection": true, "transfer-encoding": true, "user-agent": true,
}

// ValidateWebhookHeaders checks the custom headers of an endpoint: valid
// names (RFC 9110 tokens) that a delivery does not set itself, and values
// without line breaks.
func ValidateWebhookHeaders(pr *Problems, path string, h map[string]string) {
	if len(h) > MaxWebhookHeaders {
		pr.Add(path, "at most %d headers are allowed, got %d", MaxWebhookHeaders, len(h))
		return
	}
	for k, v := range h {
		kp := path + "." + k
		switch {
		case k == "" || len(k) > MaxWebhookHeaderNameLen || !isToken(k):
			pr.Add(path, "header name %q must be 1 to %d token characters", k, MaxWebhookHeaderNameLen)
		case reservedHeaders[strings.ToLower(k)]:
			pr.Add(kp, "is set by every delivery and cannot be configured")
		case len(v) > MaxWebhookHeaderLen || strings.ContainsAny(v, "\r\n\x00"):
			pr.Add(kp, "must be at most %d bytes without line breaks", MaxWebhookHeaderLen)
		}
	}
}

func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// SensitiveHeader reports whether a header's value is a credential, which
// reads name without showing its value.
func SensitiveHeader(name string) bool {
	n := strings.ToLower(name)
	return n == "authorization" || n == "proxy-authorization" || n == "cookie" ||
		strings.Contains(n, "token") || strings.Contains(n, "secret") || strings.Contains(n, "api-key") || strings.Contains(n, "apikey")
}

// checkStringMap checks a flat map of strings against key and value limits.
func checkStringMap(pr *Problems, path string, m map[string]string, maxKeys, maxKey, maxValue int) {
	if len(m) > maxKeys {
		pr.AddReason(TooManyMetadataKeys, path, "at most %d keys are allowed, got %d", maxKeys, len(m))
		return
	}
	for k, v := range m {
		if k == "" || utf8.RuneCountInString(k) > maxKey {
			pr.Add(path, "key %q must be 1 to %d characters", k, maxKey)
			continue
		}
		checkText(pr, path+"."+k, v, 0, maxValue)
	}
}

// RotatedSecretValidity is how long a rotated secret keeps signing.
const RotatedSecretValidity = 24 * time.Hour

// SigningSecrets returns the secrets that sign a delivery made at now:
// the current one first, then the previous one while it is still valid.
func (w *WebhookEndpoint) SigningSecrets(now time.Time) []string {
	out := []string{w.Secret}
	if w.PreviousSecret != "" && w.PreviousSecretExpiresAt != nil && now.Before(*w.PreviousSecretExpiresAt) {
		out = append(out, w.PreviousSecret)
	}
	return out
}

// NewWebhookSecret returns a new signing secret in the Standard Webhooks
// form: "whsec_" and the standard base64 of 24 random bytes.
func NewWebhookSecret() string {
	b := make([]byte, WebhookSecretBytes)
	if _, err := rand.Read(b); err != nil {
		panic("catalog: crypto/rand failed: " + err.Error()) // never on supported systems
	}
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

// WebhookEndpointFilter selects endpoints for a list page.
type WebhookEndpointFilter struct {
	Page Page
}

// WebhookEndpointPatch is a partial update of an endpoint. A nil pointer
// leaves the field unchanged; FilterTypes and RateLimit are cleared by
// null (every event type; no cap).
type WebhookEndpointPatch struct {
	URL         *string
	Description *string
	FilterTypes Opt[[]string]
	RateLimit   Opt[int]
	Disabled    *bool
	Metadata    *map[string]string
	// Headers are merged into the endpoint's: each one is added or
	// replaced.
	Headers map[string]string
}

// Apply merges the patch into w. The caller validates the result.
func (u *WebhookEndpointPatch) Apply(w *WebhookEndpoint) {
	setIf(&w.URL, u.URL)
	setIf(&w.Description, u.Description)
	if u.FilterTypes.Set {
		w.FilterTypes = nil
		if v, ok := u.FilterTypes.Value(); ok && len(v) > 0 {
			w.FilterTypes = v
		}
	}
	if u.RateLimit.Set {
		w.RateLimit = nil
		if v, ok := u.RateLimit.Value(); ok {
			w.RateLimit = &v
		}
	}
	setIf(&w.Disabled, u.Disabled)
	setIf(&w.Metadata, u.Metadata)
	if len(u.Headers) > 0 {
		merged := make(map[string]string, len(w.Headers)+len(u.Headers))
		for k, v := range w.Headers {
			merged[k] = v
		}
		for k, v := range u.Headers {
			merged[k] = v
		}
		w.Headers = merged
	}
}
