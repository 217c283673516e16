package catalog

import (
	"strings"
	"time"
)

// Data source defaults and limits.
const (
	// DataSourceSystemCustom is the billing system of sources created
	// through the API.
	DataSourceSystemCustom = "Custom"
	// DataSourceStatusIdle is the status of a source with nothing to import.
	DataSourceStatusIdle = "idle"
	// MaxDataSourceNameLen bounds a data source's name and system.
	MaxDataSourceNameLen = 255
)

// DataSource is a named source of billing data in a tenant; plans belong to
// exactly one. Names are unique in the tenant.
type DataSource struct {
	ID        string
	Name      string
	System    string
	Status    string
	CreatedAt time.Time
}

// Validate checks the fields a client sets.
func (d *DataSource) Validate(pr *Problems) {
	if strings.TrimSpace(d.Name) == "" {
		pr.Add("name", "must not be blank")
	}
	checkText(pr, "name", d.Name, 1, MaxDataSourceNameLen)
	checkText(pr, "system", d.System, 0, MaxDataSourceNameLen)
	checkNoNUL(pr, "name", d.Name)
	checkNoNUL(pr, "system", d.System)
}

// SystemKey is the case-folded system name the system filters compare.
func SystemKey(system string) string { return strings.ToLower(system) }

// DataSourceFilter narrows a data source list; empty fields do not filter.
type DataSourceFilter struct {
	// Name matches exactly.
	Name string
	// System matches case-insensitively.
	System string
}

// checkNoNUL records a problem when s holds a NUL character, which
// PostgreSQL cannot store in text.
func checkNoNUL(pr *Problems, path, s string) {
	if strings.IndexByte(s, 0) >= 0 {
		pr.Add(path, "must not contain NUL characters")
	}
}
