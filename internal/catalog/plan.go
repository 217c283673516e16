package catalog

import (
	"math"
	"strings"
	"time"
)

// IntervalUnits are the units a plan's billing interval may have.
var IntervalUnits = setOf("day", "month", "year")

// Plan limits.
const (
	MaxPlanNameLen       = 255
	MaxPlanExternalIDLen = 255
	MaxIntervalCount     = math.MaxInt32
)

// Plan is a billing plan of a data source: a name and a billing interval.
// ExternalID is the plan's id in the source's billing system, unique in the
// source.
type Plan struct {
	ID            string
	DataSourceID  string
	ExternalID    string
	Name          string
	IntervalCount int64
	IntervalUnit  string
	CreatedAt     time.Time
}

// Validate checks every field rule that needs no database.
func (p *Plan) Validate(pr *Problems) {
	if p.DataSourceID == "" {
		pr.AddReason(DataSourceRequired, "data_source_uuid", "is required")
	}
	if strings.TrimSpace(p.Name) == "" {
		pr.Add("name", "must not be blank")
	}
	checkText(pr, "name", p.Name, 1, MaxPlanNameLen)
	if p.IntervalCount < 1 || p.IntervalCount > MaxIntervalCount {
		pr.Add("interval_count", "must be an integer from 1 to %d", MaxIntervalCount)
	}
	if !IntervalUnits.Has(p.IntervalUnit) {
		pr.AddReason(IntervalUnitUnsupported, "interval_unit", "must be one of %s", IntervalUnits)
	}
	checkText(pr, "external_id", p.ExternalID, 0, MaxPlanExternalIDLen)
	checkNoNUL(pr, "name", p.Name)
	checkNoNUL(pr, "external_id", p.ExternalID)
}

// PlanPatch is a partial update of a plan; nil fields stay as they are.
// A plan's data source and external id never change.
type PlanPatch struct {
	Name          *string
	IntervalCount *int64
	IntervalUnit  *string
}

// Apply sets the patched fields on p.
func (u *PlanPatch) Apply(p *Plan) {
	if u.Name != nil {
		p.Name = *u.Name
	}
	if u.IntervalCount != nil {
		p.IntervalCount = *u.IntervalCount
	}
	if u.IntervalUnit != nil {
		p.IntervalUnit = *u.IntervalUnit
	}
}

// PlanFilter narrows a plan list; empty fields do not filter.
type PlanFilter struct {
	DataSourceID string
	ExternalID   string
	// System is the billing system of the plan's data source, matched
	// case-insensitively.
	System string
	Page   Page
}
