package catalog

import "time"

// Mode separates test data from live data; every key belongs to one.
type Mode string

// The two modes.
const (
	ModeTest Mode = "test"
	ModeLive Mode = "live"
)

// Valid reports whether m is a known mode.
func (m Mode) Valid() bool { return m == ModeTest || m == ModeLive }

// Tenant is the partition all data lives in: one business in one mode.
// Objects of another tenant do not exist for a caller.
type Tenant struct {
	BusinessID string
	Mode       Mode
}

// String names the tenant uniquely: "business/mode".
func (t Tenant) String() string { return t.BusinessID + "/" + string(t.Mode) }

// Business is a tenant's business; its primary brand shares its id.
type Business struct {
	ID        string
	Name      string
	CreatedAt time.Time
}

// APIKey is a stored API key; the secret itself is never kept.
type APIKey struct {
	ID         string
	BusinessID string
	Mode       Mode
	ReadOnly   bool
	Prefix     string
	CreatedAt  time.Time
	RevokedAt  *time.Time
}
